/**
 * Merging imported campaign data into the store, in one transaction (all or nothing), written in
 * bulk chunks. Leads are updated by email (a value in the file replaces the stored one; a blank
 * keeps it), touches are de-duplicated by their stable id, and a record that would not change is
 * not written, so importing the same file again changes nothing. Feedback is never touched.
 */
import { getMeta, setMeta, type UnisonDB } from '../db';
import { firstCampaignTouch } from '../asset';
import { orderTouches } from '../leads';
import type { Campaign, Content, ImportRecord, Lead, Touch } from '../schema';
import { defined } from './collect';
import { yieldToEventLoop } from './util';
import type { FormatId, ImportSource, NormalisedData, ProgressFn } from './types';

/** Records per bulk write: small enough that cloning one chunk is a short task. */
export const WRITE_CHUNK = 1000;
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

/** What a merge will write, worked out from a read of the store. */
interface MergePlan {
  version: string;
  campaigns: Campaign[];
  content: Content[];
  leads: Lead[];
  touches: Touch[];
}

/** Yields every this many records while reading and merging (no transaction is open then). */
const YIELD_EVERY = 2000;

/**
 * A version of the campaign data: the last import and the last clear. Any import or "replace
 * all" changes it, so a merge planned on an older version is planned again.
 */
export async function dataVersion(db: UnisonDB): Promise<string> {
  // One transaction for both reads: the background reads this on every lookup.
  const [last, cleared] = await db.transaction('r', db.imports, db.meta, () => Promise.all([db.imports.toCollection().last(), getMeta<string>(db, CLEARED_KEY)]));
  return `${last?.id ?? 0}|${cleared ?? ''}`;
}

async function planMerge(db: UnisonDB, data: NormalisedData, now: string, step: (n: number) => void): Promise<MergePlan> {
  const version = await dataVersion(db);
  const emails = [...data.leads.keys()];
  let sinceYield = 0;
  /** Counts work done; true when it is time to yield to the page. */
  const tick = (n: number): boolean => {
    sinceYield += n;
    if (sinceYield < YIELD_EVERY) return false;
    step(sinceYield);
    sinceYield = 0;
    return true;
  };

  // Campaigns and content: merged field by field.
  const campaignsById = new Map<string, Campaign>();
  const campaignWrites: Campaign[] = [];
  /** Stored campaigns the file gives a new name: leads outside the file may carry the old one. */
  const renamed = new Set<string>();
  for (const part of chunks([...data.campaigns.keys()])) {
    const stored = await db.campaigns.bulkGet(part);
    part.forEach((id, i) => {
      const next = data.campaigns.get(id)!;
      const old = stored[i];
      // A name the file only stands in with (the id) keeps the stored one.
      const name = old && data.unnamed?.campaigns.has(id) ? old.name : next.name;
      const merged = old ? defined({ ...old, ...next, name, utm: mergeUtm(old, next) }) : next;
      campaignsById.set(id, merged);
      if (!old || !sameRecord(old, merged)) campaignWrites.push(merged);
      if (old && old.name !== merged.name) renamed.add(id);
    });
    if (tick(part.length)) await yieldToEventLoop();
  }
  const contentWrites: Content[] = [];
  for (const part of chunks([...data.content.keys()])) {
    const stored = await db.content.bulkGet(part);
    part.forEach((id, i) => {
      const next = data.content.get(id)!;
      const old = stored[i];
      const title = old && data.unnamed?.content.has(id) ? old.title : next.title;
      const merged = old ? defined({ ...old, ...next, title, campaignId: old.campaignId ?? next.campaignId }) : next;
      if (!old || !sameRecord(old, merged)) contentWrites.push(merged);
    });
    if (tick(part.length)) await yieldToEventLoop();
  }

  // Stored leads and all their touches (for the first-touch campaign). A store without leads
  // (the first import) has nothing to read.
  const storedLeads = new Map<string, Lead>();
  const touchesByLead = new Map<string, Map<string, Touch>>();
  const anyStored = (await db.leads.count()) > 0 || (await db.touches.count()) > 0;
  if (anyStored) {
    for (const part of chunks(emails)) {
      const stored = await db.leads.bulkGet(part);
      stored.forEach((l) => l && storedLeads.set(l.email, l));
      const touches = await db.touches.where('email').anyOf(part).toArray();
      for (const t of touches) {
        let m = touchesByLead.get(t.email);
        if (!m) touchesByLead.set(t.email, (m = new Map()));
        m.set(t.id, t);
      }
      if (tick(part.length)) await yieldToEventLoop();
    }
  } else {
    tick(emails.length);
  }

  // Touches: new ones, or stored ones the file adds to.
  const touchWrites: Touch[] = [];
  for (const t of data.touches.values()) {
    let m = touchesByLead.get(t.email);
    if (!m) touchesByLead.set(t.email, (m = new Map()));
    const old = m.get(t.id);
    // The first-touch mark is kept over "latest", as within one file.
    const merged = old ? defined({ ...old, ...t, kind: old.kind === 'first' ? old.kind : (t.kind ?? old.kind), utm: mergeUtm(old, t) }) : t;
    if (!old || !sameRecord(old, merged)) touchWrites.push(merged);
    m.set(t.id, merged);
    if (tick(1)) await yieldToEventLoop();
  }

  // The first-touch campaign of each lead (from all its touches, stored and new).
  const missing = new Set<string>();
  const firstOf = new Map<string, Touch | null>();
  for (const email of emails) {
    const withCampaign = leadFirstCampaignTouch([...(touchesByLead.get(email)?.values() ?? [])]);
    firstOf.set(email, withCampaign);
    if (withCampaign?.campaignId && !campaignsById.has(withCampaign.campaignId)) missing.add(withCampaign.campaignId);
    if (tick(1)) await yieldToEventLoop();
  }
  if (missing.size) {
    const found = await db.campaigns.bulkGet([...missing]);
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
    if (tick(1)) await yieldToEventLoop();
  }
  if (renamed.size) leadWrites.push(...(await renamedFirstCampaigns(db, renamed, campaignsById, data, now)));
  return { version, campaigns: campaignWrites, content: contentWrites, leads: leadWrites, touches: touchWrites };
}

/** The touch whose campaign is a lead's first (see `firstCampaignTouch`), among all its touches. */
function leadFirstCampaignTouch(touches: Touch[]): Touch | null {
  const { ordered, first } = orderTouches(touches);
  return firstCampaignTouch(first, ordered);
}

/**
 * The leads outside the file whose first campaign the file renamed, with the new name (a file
 * that renames a campaign need not list every lead it brought in).
 */
async function renamedFirstCampaigns(db: UnisonDB, renamed: Set<string>, campaignsById: Map<string, Campaign>, data: NormalisedData, now: string): Promise<Lead[]> {
  const emails = new Set<string>();
  await db.touches.where('campaignId').anyOf([...renamed]).each((t) => {
    if (!data.leads.has(t.email)) emails.add(t.email);
  });
  const out: Lead[] = [];
  for (const part of chunks([...emails])) {
    const [leads, touches] = await Promise.all([db.leads.bulkGet(part), db.touches.where('email').anyOf(part).toArray()]);
    const byLead = new Map<string, Touch[]>();
    for (const t of touches) {
      const list = byLead.get(t.email);
      if (list) list.push(t);
      else byLead.set(t.email, [t]);
    }
    for (const lead of leads) {
      const id = lead && leadFirstCampaignTouch(byLead.get(lead.email) ?? [])?.campaignId;
      const name = id && renamed.has(id) ? campaignsById.get(id)?.name : undefined;
      if (lead && name && lead.firstCampaign !== name) out.push({ ...lead, firstCampaign: name, updatedAt: now });
    }
    await yieldToEventLoop();
  }
  return out;
}

/**
 * Merges one file's data into the store. The store is read and the merge worked out first,
 * yielding to the page as it goes; then everything is written in one transaction (all or
 * nothing), in bulk chunks. If another import or a "replace all" landed in between, the merge is
 * worked out again.
 */
export async function mergeIntoDb(db: UnisonDB, data: NormalisedData, opts: MergeOptions): Promise<MergeStats> {
  const now = (opts.now ?? new Date()).toISOString();
  const progress = opts.onProgress ?? (() => undefined);
  const leadCount = data.leads.size;
  const touchCount = data.touches.size;
  // Progress: reading and working out ~40 %, writing ~60 %.
  const planUnits = Math.max(1, data.campaigns.size + data.content.size + leadCount * 3 + touchCount);
  for (let attempt = 1; ; attempt++) {
    let planned = 0;
    const plan = await planMerge(db, data, now, (n) => {
      planned += n;
      progress(Math.min(0.4, (planned / planUnits) * 0.4), 'saving');
    });
    const writeUnits = Math.max(1, plan.leads.length + plan.touches.length);
    let wrote = 0;
    const stats = await db.transaction('rw', [db.leads, db.campaigns, db.content, db.touches, db.imports, db.meta], async () => {
      if ((await dataVersion(db)) !== plan.version) return null;
      for (const part of chunks(plan.campaigns)) await db.campaigns.bulkPut(part);
      for (const part of chunks(plan.content)) await db.content.bulkPut(part);
      for (const part of chunks(plan.leads)) {
        await db.leads.bulkPut(part);
        wrote += part.length;
        progress(0.4 + (wrote / writeUnits) * 0.6, 'saving');
      }
      for (const part of chunks(plan.touches)) {
        await db.touches.bulkPut(part);
        wrote += part.length;
        progress(0.4 + (wrote / writeUnits) * 0.6, 'saving');
      }
      const record: ImportRecord = {
        at: now,
        fileName: opts.fileName,
        format: opts.format,
        rows: opts.rows,
        leads: leadCount,
        touches: touchCount,
        skippedRows: opts.skippedRows,
        source: opts.source,
      };
      const importId = (await db.imports.add(record)) as number;
      return {
        written: { leads: plan.leads.length, campaigns: plan.campaigns.length, content: plan.content.length, touches: plan.touches.length },
        importId,
      };
    });
    if (stats) {
      progress(1, 'saving');
      return stats;
    }
    if (attempt >= 3) throw new Error('the campaign data kept changing during the import (another import running?); try again');
  }
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
