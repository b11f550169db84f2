/**
 * Merging imported campaign data into the store, in one transaction (all or nothing), written in
 * bulk chunks. Leads are updated by email (a value in the file replaces the stored one; a blank
 * keeps it), touches are de-duplicated by their stable id, and a record that would not change is
 * not written, so importing the same file again changes nothing. Feedback is never touched.
 */
import { getMeta, setMeta, type UnisonDB } from '../db';
import { orderTouches } from '../leads';
import type { Campaign, Content, ImportRecord, Lead, Touch } from '../schema';
import { defined } from './collect';
import type { FormatId, ImportSource, NormalisedData, ProgressFn } from './types';

export const WRITE_CHUNK = 2000;
const CLEARED_KEY = 'campaignData.clearedAt';

function chunks<T>(items: T[], size = WRITE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Deep equality of plain records, ignoring key order and undefined fields. */
export function sameRecord(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameRecord((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function mergeUtm<T extends { utm?: Campaign['utm'] }>(old: T, next: T): T['utm'] {
  if (!old.utm && !next.utm) return undefined;
  return defined({ ...old.utm, ...next.utm });
}

export interface MergeOptions {
  fileName: string;
  format: FormatId;
  source: ImportSource;
  rows: number;
  skippedRows: number;
  now?: Date;
  onProgress?: ProgressFn;
}

export interface MergeStats {
  written: { leads: number; campaigns: number; content: number; touches: number };
  importId: number;
}

/** Merges one file's data into the store. */
export async function mergeIntoDb(db: UnisonDB, data: NormalisedData, opts: MergeOptions): Promise<MergeStats> {
  const now = (opts.now ?? new Date()).toISOString();
  const emails = [...data.leads.keys()];
  const progress = opts.onProgress ?? (() => undefined);
  // Work units for the progress bar: reading and writing each record once, roughly.
  const totalUnits = Math.max(1, emails.length * 2 + data.touches.size * 2 + data.campaigns.size + data.content.size);
  let units = 0;
  const step = (n: number) => {
    units += n;
    progress(Math.min(1, units / totalUnits), 'saving');
  };

  return db.transaction('rw', [db.leads, db.campaigns, db.content, db.touches, db.imports], async () => {
    const written = { leads: 0, campaigns: 0, content: 0, touches: 0 };

    // Campaigns and content: merged field by field.
    const campaignIds = [...data.campaigns.keys()];
    const campaignsById = new Map<string, Campaign>();
    const campaignWrites: Campaign[] = [];
    for (const part of chunks(campaignIds)) {
      const stored = await db.campaigns.bulkGet(part);
      part.forEach((id, i) => {
        const next = data.campaigns.get(id)!;
        const old = stored[i];
        const merged = old ? defined({ ...old, ...next, utm: mergeUtm(old, next) }) : next;
        campaignsById.set(id, merged);
        if (!old || !sameRecord(old, merged)) campaignWrites.push(merged);
      });
    }
    const contentIds = [...data.content.keys()];
    const contentWrites: Content[] = [];
    for (const part of chunks(contentIds)) {
      const stored = await db.content.bulkGet(part);
      part.forEach((id, i) => {
        const next = data.content.get(id)!;
        const old = stored[i];
        const merged = old ? defined({ ...old, ...next, campaignId: old.campaignId ?? next.campaignId }) : next;
        if (!old || !sameRecord(old, merged)) contentWrites.push(merged);
      });
    }
    step(campaignIds.length + contentIds.length);

    // Stored leads and all their touches (for the first-touch campaign).
    const storedLeads = new Map<string, Lead>();
    const touchesByLead = new Map<string, Map<string, Touch>>();
    for (const part of chunks(emails)) {
      const stored = await db.leads.bulkGet(part);
      stored.forEach((l) => l && storedLeads.set(l.email, l));
      const touches = await db.touches.where('email').anyOf(part).toArray();
      for (const t of touches) {
        let m = touchesByLead.get(t.email);
        if (!m) touchesByLead.set(t.email, (m = new Map()));
        m.set(t.id, t);
      }
      step(part.length);
    }

    // Touches: new ones, or stored ones the file adds to.
    const touchWrites: Touch[] = [];
    for (const t of data.touches.values()) {
      let m = touchesByLead.get(t.email);
      if (!m) touchesByLead.set(t.email, (m = new Map()));
      const old = m.get(t.id);
      const merged = old ? defined({ ...old, ...t, utm: mergeUtm(old, t) }) : t;
      if (!old || !sameRecord(old, merged)) touchWrites.push(merged);
      m.set(t.id, merged);
    }
    step(data.touches.size);

    // Names of campaigns first touches point at that this file does not carry.
    const missing = new Set<string>();
    const firstOf = new Map<string, Touch | null>();
    for (const email of emails) {
      const { ordered, first } = orderTouches([...(touchesByLead.get(email)?.values() ?? [])]);
      // The first touch's campaign; when that touch names none, the earliest campaign of the lead.
      const withCampaign = first?.campaignId ? first : (ordered.find((t) => t.campaignId) ?? null);
      firstOf.set(email, withCampaign);
      if (withCampaign?.campaignId && !campaignsById.has(withCampaign.campaignId)) missing.add(withCampaign.campaignId);
    }
    if (missing.size) {
      const ids = [...missing];
      const found = await db.campaigns.bulkGet(ids);
      found.forEach((c) => c && campaignsById.set(c.id, c));
    }

    const leadWrites: Lead[] = [];
    for (const email of emails) {
      const next = data.leads.get(email)!;
      const old = storedLeads.get(email);
      const first = firstOf.get(email);
      const firstCampaign = first?.campaignId ? (campaignsById.get(first.campaignId)?.name ?? first.campaignId) : undefined;
      const merged: Lead = defined({ ...old, ...next, firstCampaign: firstCampaign ?? old?.firstCampaign, updatedAt: old?.updatedAt ?? now });
      if (!old) leadWrites.push(merged);
      else if (!sameRecord({ ...old, updatedAt: '' }, { ...merged, updatedAt: '' })) leadWrites.push({ ...merged, updatedAt: now });
    }
    step(emails.length);

    for (const part of chunks(campaignWrites)) await db.campaigns.bulkPut(part);
    for (const part of chunks(contentWrites)) await db.content.bulkPut(part);
    written.campaigns = campaignWrites.length;
    written.content = contentWrites.length;
    for (const part of chunks(leadWrites)) {
      await db.leads.bulkPut(part);
      step(part.length / 2);
    }
    written.leads = leadWrites.length;
    for (const part of chunks(touchWrites)) {
      await db.touches.bulkPut(part);
      step(part.length);
    }
    written.touches = touchWrites.length;

    const record: ImportRecord = {
      at: now,
      fileName: opts.fileName,
      format: opts.format,
      rows: opts.rows,
      leads: emails.length,
      touches: data.touches.size,
      skippedRows: opts.skippedRows,
      source: opts.source,
    };
    const importId = (await db.imports.add(record)) as number;
    progress(1, 'saving');
    return { written, importId };
  });
}

/** "Replace all campaign data": clears leads, campaigns, content and touches. Feedback stays. */
export async function clearCampaignData(db: UnisonDB, now = new Date()): Promise<void> {
  await db.transaction('rw', [db.leads, db.campaigns, db.content, db.touches, db.meta], async () => {
    await Promise.all([db.leads.clear(), db.campaigns.clear(), db.content.clear(), db.touches.clear()]);
    await setMeta(db, CLEARED_KEY, now.toISOString());
  });
}

export interface CampaignDataSummary {
  leads: number;
  campaigns: number;
  content: number;
  touches: number;
  lastImport: ImportRecord | null;
  /** When the data was last cleared, if after the last import. */
  clearedAt: string | null;
}

/** What is loaded now, for the options page. */
export async function campaignDataSummary(db: UnisonDB): Promise<CampaignDataSummary> {
  const [leads, campaigns, content, touches, lastImport, clearedAt] = await Promise.all([
    db.leads.count(),
    db.campaigns.count(),
    db.content.count(),
    db.touches.count(),
    db.imports.toCollection().last(),
    getMeta<string>(db, CLEARED_KEY),
  ]);
  const cleared = clearedAt && (!lastImport || lastImport.at <= clearedAt) ? clearedAt : null;
  return { leads, campaigns, content, touches, lastImport: lastImport ?? null, clearedAt: cleared };
}
