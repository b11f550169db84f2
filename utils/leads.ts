/**
 * Reads lead context from the store: summaries for badges (one batch per mutation batch) and the
 * full card for one lead.
 */
import type { UnisonDB } from './db';
import { answersFor, answersByLead } from './feedback';
import type { LeadCard, LeadSummary, TouchView } from './protocol';
import { emailSchema, type Touch } from './schema';

/** Lower-cases, validates and de-duplicates addresses; drops what is not an address. */
export function cleanEmails(emails: readonly string[]): string[] {
  const out = new Set<string>();
  for (const e of emails) {
    const parsed = emailSchema.safeParse(e);
    if (parsed.success) out.add(parsed.data);
  }
  return [...out];
}

/** Summaries of the known leads among `emails` (unknown ones are left out). */
export async function lookupLeads(db: UnisonDB, emails: readonly string[], exclude: readonly string[] = []): Promise<LeadSummary[]> {
  const skip = new Set(exclude.map((e) => e.toLowerCase()));
  const wanted = cleanEmails(emails).filter((e) => !skip.has(e));
  if (wanted.length === 0) return [];
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
