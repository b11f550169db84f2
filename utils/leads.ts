/**
 * Reads lead context from the store: summaries for badges (one batch per mutation batch) and the
 * full card for one lead.
 */
import type { UnisonDB } from './db';
import { answersFor, answersByLead } from './feedback';
import { dataVersion } from './import/merge';
import type { Answers, LeadCard, LeadSummary, TouchView } from './protocol';
import { EMAIL_RE, EMAIL_MAX, emailSchema, type Touch } from './schema';


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

/** Most addresses the background remembers between lookups before it starts afresh. */
const CACHE_MAX = 200_000;

/**
 * What the background remembers between lookups, so a page scanned again, another tab with the
 * same contacts, or a second batch costs no IndexedDB reads: each address looked up (lead or
 * not) and each lead's answers. Campaign data written by any context changes the data version
 * (read on each lookup), which empties the lead part; answers are replaced by the background
 * itself whenever it records, undoes or annotates feedback.
 */
export class LeadCache {
  private version: string | null = null;
  private readonly leads = new Map<string, Badge | null>();
  private readonly answers = new Map<string, Answers>();

  async lookup(db: UnisonDB, wanted: string[]): Promise<LeadSummary[]> {
    const version = await dataVersion(db);
    if (version !== this.version || this.leads.size > CACHE_MAX) {
      this.leads.clear();
      this.version = version;
    }
    if (this.answers.size > CACHE_MAX) this.answers.clear();
    const missing = wanted.filter((e) => !this.leads.has(e));
    if (missing.length > 0) {
      const rows = await db.leads.bulkGet(missing);
      missing.forEach((email, i) => {
        const l = rows[i];
        this.leads.set(email, l ? { email: l.email, name: l.name ?? null, company: l.company ?? null, firstCampaign: l.firstCampaign ?? null } : null);
      });
    }
    const found = wanted.map((e) => this.leads.get(e)).filter((l): l is Badge => !!l);
    const noAnswers = found.map((l) => l.email).filter((e) => !this.answers.has(e));
    if (noAnswers.length > 0) {
      const byLead = await answersByLead(db, noAnswers);
      for (const e of noAnswers) this.answers.set(e, byLead.get(e) ?? {});
    }
    return found.map((l) => ({ ...l, answers: this.answers.get(l.email) ?? {} }));
  }

  /** The lead's answers changed (the background wrote feedback). */
  setAnswers(email: string, answers: Answers): void {
    this.answers.set(email, answers);
  }

  clear(): void {
    this.version = null;
    this.leads.clear();
    this.answers.clear();
  }
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
  if (cache) return cache.lookup(db, wanted);
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

function time(t: Touch): number {
  const v = t.at ? Date.parse(t.at) : NaN;
  return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
}

/** Orders touches oldest first (undated last) and picks first and latest as the contract says. */
export function orderTouches<T extends Touch>(touches: T[]): { ordered: T[]; first: T | null; latest: T | null } {
  const ordered = [...touches].sort((a, b) => time(a) - time(b) || a.id.localeCompare(b.id));
  const first = ordered.find((t) => t.kind === 'first') ?? ordered[0] ?? null;
  const latest =
    [...ordered].reverse().find((t) => t.kind === 'latest') ??
    [...ordered].reverse().find((t) => t.at && !Number.isNaN(Date.parse(t.at))) ??
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
  const product =
    latest?.product ?? latest?.content?.product ?? latest?.campaign?.product ?? first?.product ?? first?.campaign?.product ?? null;
  return {
    lead,
    touches: ordered,
    firstTouch: first,
    latestTouch: latest,
    consumed,
    product: product ?? null,
    answers: await answersFor(db, lead.email),
  };
}
