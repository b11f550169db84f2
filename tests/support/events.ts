/**
 * Feedback events for tests and benchmarks, about the project's known leads, shaped exactly like
 * the store keeps them. Deterministic: event n is the same on every run.
 */
import type { FeedbackEvent, StoredFeedback } from '@/utils/schema';

export const KNOWN_LEADS = [
  { email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', title: 'CFO' },
  { email: 'raj.patel@globex.com', name: 'Raj Patel', company: 'Globex', title: 'VP Sales' },
  { email: 'maria.gonzalez@initech.io', name: 'Maria Gonzalez', company: 'Initech', title: 'Head of RevOps' },
  { email: 'li.wei@umbrella.co', name: 'Li Wei', company: 'Umbrella', title: 'CTO' },
  { email: 'tom.baker@hooli.com', name: 'Tom Baker', company: 'Hooli', title: 'Procurement Manager' },
  { email: 'sofia.rossi@vandelay.it', name: 'Sofia Rossi', company: 'Vandelay Industries', title: 'COO' },
  { email: 'ken.ito@stark.jp', name: 'Ken Ito', company: 'Stark Industries', title: 'Director of Finance' },
  { email: 'nina.berg@wayne.no', name: 'Nina Berg', company: 'Wayne Enterprises', title: 'Marketing Ops Lead' },
] as const;

export const REP = { name: 'Sam Ortiz', email: 'sam@seller.example' };

/** A UUID-shaped id that encodes n (version 4, variant 8), so ids sort like n. */
export function eventId(n: number, salt = 0): string {
  const hex = n.toString(16).padStart(12, '0');
  const s = salt.toString(16).padStart(4, '0');
  return `0d6f9c1e-${s}-4c53-9d43-${hex}`;
}

const TYPES: Array<Pick<FeedbackEvent, 'type' | 'value' | 'reason' | 'product' | 'format'>> = [
  { type: 'lead_quality', value: 'good', reason: null, product: null, format: null },
  { type: 'lead_quality', value: 'poor_fit', reason: 'no_budget', product: null, format: null },
  { type: 'content_relevance', value: 'relevant', reason: null, product: null, format: null },
  { type: 'content_relevance', value: 'not_relevant', reason: null, product: null, format: null },
  { type: 'info_sufficiency', value: 'sufficient', reason: null, product: null, format: null },
  { type: 'info_sufficiency', value: 'insufficient', reason: null, product: null, format: null },
  { type: 'content_request', value: 'requested', reason: null, product: 'Forecasting', format: 'case_study' },
];

/** Event n: one of the known leads, campaigns `cmp-1`..`cmp-3`, one second apart from `start`. */
export function makeEvent(n: number, over: Partial<StoredFeedback> = {}, start = Date.parse('2026-11-01T09:00:00.000Z')): StoredFeedback {
  const lead = KNOWN_LEADS[n % KNOWN_LEADS.length];
  const kind = TYPES[n % TYPES.length];
  return {
    id: eventId(n),
    ...kind,
    note: null,
    leadEmail: lead.email,
    campaignId: `cmp-${(n % 3) + 1}`,
    contentId: `ast-${(n % 4) + 1}`,
    rep: { ...REP },
    site: 'gmail',
    createdAt: new Date(start + n * 1000).toISOString(),
    supersedes: null,
    syncState: 'pending',
    syncedAt: null,
    syncError: null,
    ...over,
  };
}

export function makeEvents(count: number, from = 0): StoredFeedback[] {
  return Array.from({ length: count }, (_, i) => makeEvent(from + i));
}
