/**
 * Reads lead context from the store: summaries for badges (one batch per mutation batch) and the
 * full card for one lead.
 */
import type { UnisonDB } from './db';
import { answersFor, answersByLead } from './feedback';
import { dataVersion } from './import/merge';
import type { Answers, LeadCard, LeadSummary, TouchView } from './protocol';
import { EMAIL_RE, EMAIL_MAX, emailSchema, type Lead, type Touch } from './schema';


/** Lower-cases, validates and de-duplicates addresses; drops what is not an address. */
export function cleanEmails(emails: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of emails) {
    const e = raw.trim().toLowerCase();
    // The grammar of `emailSchema`, without zod's per-call cost: lookups are hot.
    if (e.length <= EMAIL_MAX && EMAIL_RE.test(e)) out.add(e);
  }
  return [...out];
}

type Badge = Omit<LeadSummary, 'answers'>;

/** Most answers the background keeps between lookups before it starts afresh. */
const ANSWERS_MAX = 200_000;
/** Leads read per request while the index is built (bounds the records held at once). */
const BUILD_CHUNK = 10_000;

/** What badges need of every stored lead, for one version of the campaign data. */
export interface LeadIndex {
  version: string;
  leads: Map<string, Badge>;
  /** Leads with at least one feedback event when the index was built. */
  answered: Set<string>;
}

/**
 * Reads every lead once (in chunks) and keeps only what a badge shows. Company and campaign
 * names repeat across leads and are kept once each.
 */
export async function buildLeadIndex(db: UnisonDB, version: string, beforeChunk: () => Promise<unknown> = async () => undefined): Promise<LeadIndex> {
  const leads = new Map<string, Badge>();
  const names = new Map<string, string>();
  const once = (s: string | null | undefined): string | null => {
    if (s == null) return null;
    const kept = names.get(s);
    if (kept !== undefined) return kept;
    names.set(s, s);
    return s;
  };
  let after: string | null = null;
  for (;;) {
    await beforeChunk();
    const rows: Lead[] = after === null ? await db.leads.limit(BUILD_CHUNK).toArray() : await db.leads.where(':id').above(after).limit(BUILD_CHUNK).toArray();
    for (const l of rows) leads.set(l.email, { email: l.email, name: l.name ?? null, company: once(l.company), firstCampaign: once(l.firstCampaign) });
    if (rows.length < BUILD_CHUNK) break;
    after = rows[rows.length - 1].email;
  }
  const answered = new Set((await db.feedback.orderBy('leadEmail').uniqueKeys()).filter((k): k is string => typeof k === 'string'));
  return { version, leads, answered };
}

/**
 * The background's in-memory index of the campaign data, so a lookup reads IndexedDB only for
 * the data version (two small reads) and for the answers of found leads that have any.
 *
 * - Built lazily from IndexedDB: on the first lookup (or `warm`) after the service worker starts,
 *   and again whenever the data version (`dataVersion`: the last import and the last "Replace
 *   all", written by whichever context changed the data) differs from the one it was built for.
 *   While it is being built, lookups read the store directly, as they would without it.
 * - Answers: feedback is written only by the background, which hands the new answers over
 *   (`setAnswers`) and says which leads a sync batch marked (`forgetAnswers`); answers are read
 *   only for found leads that have feedback, and kept.
 */
export class LeadCache {
  private index: LeadIndex | null = null;
  private building: { version: string; done: Promise<LeadIndex | null> } | null = null;
  private readonly answers = new Map<string, Answers>();
  /** Leads whose feedback the background wrote or marked during its life (may have answers). */
  private readonly touched = new Set<string>();
  /**
   * Lookups answered from the store while the index is built. The build waits for them before
   * each chunk it reads: IndexedDB serves both in turns, and a lookup's thousand reads queued
   * behind the build's large ones would take as long as the whole build.
   */
  private directReads: Promise<unknown> = Promise.resolve();

  private readDirectly(db: UnisonDB, wanted: string[]): Promise<LeadSummary[]> {
    const read = this.directReads.then(() => readLeads(db, wanted));
    this.directReads = read.catch(() => undefined);
    return read;
  }

  /** The index when it is built for the current data version; else starts building it. */
  async current(db: UnisonDB): Promise<LeadIndex | null> {
    const version = await dataVersion(db);
    if (this.index?.version === version) return this.index;
    this.index = null;
    void this.build(db, version);
    return null;
  }

  /** Starts building the index for the current data version (once), without waiting for it. */
  warm(db: UnisonDB): void {
    void this.current(db).catch(() => undefined);
  }

  /** Waits for the index of the current data version (for tests and callers that can wait). */
  async ready(db: UnisonDB): Promise<LeadIndex | null> {
    const version = await dataVersion(db);
    if (this.index?.version === version) return this.index;
    return this.build(db, version);
  }

  private build(db: UnisonDB, version: string): Promise<LeadIndex | null> {
    if (this.building?.version === version) return this.building.done;
    const done = buildLeadIndex(db, version, () => this.directReads).then(
      async (built) => {
        // Changed while it was read: a newer version is built on the next lookup.
        const still = (await dataVersion(db)) === version;
        if (this.building?.done === done) this.building = null;
        if (!still) return null;
        this.index = built;
        return built;
      },
      (err: unknown) => {
        if (this.building?.done === done) this.building = null;
        console.warn('Unison: could not build the lead index', err);
        return null;
      },
    );
    this.building = { version, done };
    return done;
  }

  async lookup(db: UnisonDB, wanted: string[]): Promise<LeadSummary[]> {
    const index = await this.current(db);
    if (!index) return this.readDirectly(db, wanted);
    if (this.answers.size > ANSWERS_MAX) this.answers.clear();
    const found: Badge[] = [];
    for (const e of wanted) {
      const l = index.leads.get(e);
      if (l) found.push(l);
    }
    const toRead = found.filter((l) => !this.answers.has(l.email) && (index.answered.has(l.email) || this.touched.has(l.email))).map((l) => l.email);
    if (toRead.length > 0) {
      const byLead = await answersByLead(db, toRead);
      for (const e of toRead) this.answers.set(e, byLead.get(e) ?? {});
    }
    return found.map((l) => ({ ...l, answers: this.answers.get(l.email) ?? {} }));
  }

  /** The lead's answers changed (the background wrote feedback). */
  setAnswers(email: string, answers: Answers): void {
    this.touched.add(email);
    this.answers.set(email, answers);
  }

  /** Sync marked these leads' events: their answers are read again when next looked up. */
  forgetAnswers(emails: Iterable<string>): void {
    for (const e of emails) {
      this.touched.add(e);
      this.answers.delete(e);
    }
  }

  /** Campaign data changed (a `data-changed` message): starts afresh and rebuilds at once. */
  refresh(db: UnisonDB): void {
    this.clear();
    this.warm(db);
  }

  clear(): void {
    this.index = null;
    this.answers.clear();
  }
}

/** Summaries straight from the store (no index). */
async function readLeads(db: UnisonDB, wanted: string[]): Promise<LeadSummary[]> {
  const leads = (await db.leads.bulkGet(wanted)).filter((l) => l !== undefined);
  if (leads.length === 0) return [];
  const answers = await answersByLead(
    db,
    leads.map((l) => l.email),
  );
  return leads.map((l) => ({
    email: l.email,
    name: l.name ?? null,
    company: l.company ?? null,
    firstCampaign: l.firstCampaign ?? null,
    answers: answers.get(l.email) ?? {},
  }));
}

/** Summaries of the known leads among `emails` (unknown ones are left out). */
export async function lookupLeads(
  db: UnisonDB,
  emails: readonly string[],
  exclude: readonly string[] = [],
  cache?: LeadCache,
): Promise<LeadSummary[]> {
  const skip = new Set(exclude.map((e) => e.toLowerCase()));
  const wanted = cleanEmails(emails).filter((e) => !skip.has(e));
  if (wanted.length === 0) return [];
  return cache ? cache.lookup(db, wanted) : readLeads(db, wanted);
}

function time(t: Touch): number {
  const v = t.at ? Date.parse(t.at) : NaN;
  return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
}

/** Whether a touch has a readable date (undated touches sort last). */
function dated(t: Touch): boolean {
  return time(t) !== Number.POSITIVE_INFINITY;
}

/** Orders touches oldest first (undated last) and picks first and latest as the contract says. */
export function orderTouches<T extends Touch>(touches: T[]): { ordered: T[]; first: T | null; latest: T | null } {
  const ordered = [...touches].sort((a, b) => time(a) - time(b) || a.id.localeCompare(b.id));
  const first = ordered.find((t) => t.kind === 'first') ?? ordered[0] ?? null;
  const latest =
    [...ordered].reverse().find((t) => t.kind === 'latest') ??
    [...ordered].reverse().find(dated) ??
    ordered[ordered.length - 1] ??
    null;
  return { ordered, first, latest };
}

export async function leadCard(db: UnisonDB, email: string): Promise<LeadCard | null> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  const lead = await db.leads.get(parsed.data);
  if (!lead) return null;
  const touches = await db.touches.where('email').equals(lead.email).toArray();
  const campaignIds = [...new Set(touches.map((t) => t.campaignId).filter((x): x is string => !!x))];
  const contentIds = [...new Set(touches.map((t) => t.contentId).filter((x): x is string => !!x))];
  const [campaigns, contents] = await Promise.all([db.campaigns.bulkGet(campaignIds), db.content.bulkGet(contentIds)]);
  const campaignById = new Map(campaigns.filter((c) => !!c).map((c) => [c!.id, c!]));
  const contentById = new Map(contents.filter((c) => !!c).map((c) => [c!.id, c!]));
  const views: TouchView[] = touches.map((t) => ({
    ...t,
    campaign: (t.campaignId && campaignById.get(t.campaignId)) || null,
    content: (t.contentId && contentById.get(t.contentId)) || null,
  }));
  const { ordered, first, latest } = orderTouches(views);
  const consumed: LeadCard['consumed'] = [];
  const seen = new Set<string>();
  for (const t of [...ordered].reverse()) {
    if (t.content && !seen.has(t.content.id)) {
      seen.add(t.content.id);
      consumed.push({ content: t.content, at: t.at ?? null });
    }
  }
  // The product of the latest touch that names one (its own, its content's, its campaign's),
  // else of the newest other dated touch that does, else of an undated one.
  let product: string | null = null;
  for (const t of [latest, ...ordered.filter(dated).reverse(), ...ordered.filter((t) => !dated(t))]) {
    if (!t) continue;
    product = t.product ?? t.content?.product ?? t.campaign?.product ?? null;
    if (product) break;
  }
  return {
    lead,
    touches: ordered,
    firstTouch: first,
    latestTouch: latest,
    consumed,
    product,
    answers: await answersFor(db, lead.email),
  };
}
