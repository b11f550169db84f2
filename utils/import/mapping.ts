/**
 * The column-mapping step for files no known export fits: a first guess from header names and
 * values, and mappings saved per file shape (header signature) in the `mappings` table.
 */
import type { UnisonDB } from '../db';
import { EMAIL_KEYS, FIELD_ALIASES } from './formats';
import { validEmail } from './collect';
import { CANONICAL_FIELDS, type CanonicalField, type ColumnMapping } from './types';
import { headerKey, headerSignature } from './util';

export const FIELD_LABELS: Record<CanonicalField, string> = {
  email: 'Email',
  first_name: 'First name',
  last_name: 'Last name',
  name: 'Full name',
  company: 'Company',
  title: 'Job title',
  campaign_id: 'Campaign id',
  campaign: 'Campaign',
  channel: 'Channel',
  utm_source: 'UTM source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  utm_content: 'UTM content',
  utm_term: 'UTM term',
  content_id: 'Content id',
  content_title: 'Content title',
  content_type: 'Content type',
  content_url: 'Content URL',
  product: 'Product',
  touch: 'Touch (first / latest / other)',
  touched_at: 'Touch date',
  score: 'Score',
  stage: 'Stage',
};

/** Columns whose sample values are mostly addresses. */
export function emailColumnsByValue(headers: string[], rows: string[][]): number[] {
  const out: number[] = [];
  headers.forEach((_, i) => {
    const values = rows.map((r) => (r[i] ?? '').trim()).filter(Boolean);
    if (values.length && values.filter((v) => validEmail(v)).length >= Math.ceil(values.length / 2)) out.push(i);
  });
  return out;
}

/** Whether a file has any column that can be the lead's address (by name or by its values). */
export function hasEmailColumn(headers: string[], rows: string[][]): boolean {
  const keys = headers.map(headerKey);
  if (keys.some((k) => EMAIL_KEYS.includes(k) || /\be ?mail\b/.test(k))) return true;
  return emailColumnsByValue(headers, rows).length > 0;
}

/** A first guess: each field to the header whose name means it; the email also by values. */
export function suggestMapping(headers: string[], rows: string[][]): ColumnMapping {
  const keys = headers.map(headerKey);
  const used = new Set<number>();
  const out: ColumnMapping = {};
  for (const field of CANONICAL_FIELDS) {
    const aliases = FIELD_ALIASES[field] ?? [];
    const i = keys.findIndex((k, idx) => !used.has(idx) && aliases.includes(k));
    if (i >= 0) {
      out[field] = headers[i];
      used.add(i);
    }
  }
  if (!out.email) {
    const byName = keys.findIndex((k, idx) => !used.has(idx) && /\be ?mail\b/.test(k));
    const byValue = emailColumnsByValue(headers, rows).find((i) => !used.has(i));
    const i = byName >= 0 ? byName : byValue;
    if (i !== undefined && i >= 0) out.email = headers[i];
  }
  return out;
}

/** An error message when a mapping cannot be used with these headers, else null. */
export function checkMapping(headers: string[], mapping: ColumnMapping): string | null {
  if (!mapping.email) return 'Choose the column that holds the email address.';
  for (const [field, header] of Object.entries(mapping)) {
    if (header && !headers.includes(header)) return `The column “${header}” chosen for ${FIELD_LABELS[field as CanonicalField] ?? field} is not in this file.`;
  }
  return null;
}

/** Only the known fields with a column chosen. */
export function cleanMapping(mapping: Record<string, string | undefined>): ColumnMapping {
  const out: ColumnMapping = {};
  for (const f of CANONICAL_FIELDS) {
    const h = mapping[f];
    if (h) out[f] = h;
  }
  return out;
}

/**
 * The mapping saved for files of this shape, with its headers as this file writes them (the
 * shape ignores case and order), or null.
 */
export async function loadSavedMapping(db: UnisonDB, headers: string[]): Promise<{ mapping: ColumnMapping; savedAt: string } | null> {
  const saved = await db.mappings.get(headerSignature(headers));
  if (!saved) return null;
  const byLower = new Map(headers.map((h) => [h.trim().toLowerCase(), h]));
  const mapping: ColumnMapping = {};
  for (const [field, header] of Object.entries(cleanMapping(saved.mapping))) {
    const here = byLower.get(header.trim().toLowerCase());
    if (here) mapping[field as CanonicalField] = here;
  }
  if (checkMapping(headers, mapping)) return null;
  return { mapping, savedAt: saved.savedAt };
}

export async function saveMapping(db: UnisonDB, headers: string[], mapping: ColumnMapping, now = new Date()): Promise<void> {
  await db.mappings.put({ signature: headerSignature(headers), mapping: cleanMapping(mapping) as Record<string, string>, savedAt: now.toISOString() });
}
