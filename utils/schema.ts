/**
 * The data model: every record Unison stores or exchanges, as zod schemas, with the
 * TypeScript types derived from them. One module, so storage, messages and exports agree.
 */
import { z } from 'zod';
import { EVENT_SITES } from './sites/hosts';

// Extension pages forbid eval: zod must not try to compile validators with `new Function`.
z.config({ jitless: true });

export const EMAIL_MAX = 254;
export const NOTE_MAX = 2000;

/** The grammar of a stored address (lower-case). */
export const EMAIL_RE = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** A lower-cased, trimmed, plausible address. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX)
  .regex(EMAIL_RE, 'not an email address');

export const utmSchema = z.object({
  source: z.string().optional(),
  medium: z.string().optional(),
  campaign: z.string().optional(),
  content: z.string().optional(),
  term: z.string().optional(),
});
export type Utm = z.infer<typeof utmSchema>;

export const CONTENT_TYPES = ['ebook', 'webinar', 'case_study', 'blog', 'demo', 'pricing', 'tool', 'other'] as const;

export const campaignSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(500),
  channel: z.string().max(200).optional(),
  product: z.string().max(200).optional(),
  utm: utmSchema.optional(),
  startedAt: z.string().optional(),
});
export type Campaign = z.infer<typeof campaignSchema>;

export const contentSchema = z.object({
  id: z.string().min(1).max(200),
  title: z.string().max(1000),
  /** One of CONTENT_TYPES when known; source systems' own words are kept as they are. */
  type: z.string().max(100).optional(),
  url: z.string().max(4000).optional(),
  product: z.string().max(200).optional(),
  campaignId: z.string().max(200).optional(),
});
export type Content = z.infer<typeof contentSchema>;

export const TOUCH_KINDS = ['first', 'latest', 'other'] as const;
export const touchSchema = z.object({
  /** Stable key: hash of (email, campaign, content, time), so re-imports deduplicate. */
  id: z.string(),
  email: emailSchema,
  campaignId: z.string().max(200).optional(),
  contentId: z.string().max(200).optional(),
  /** ISO 8601 date or date-time, when known. */
  at: z.string().optional(),
  /** As the source said it; when absent, first/latest are derived from the dates. */
  kind: z.enum(TOUCH_KINDS).optional(),
  channel: z.string().max(200).optional(),
  utm: utmSchema.optional(),
  product: z.string().max(200).optional(),
});
export type Touch = z.infer<typeof touchSchema>;

export const leadSchema = z.object({
  email: emailSchema,
  name: z.string().max(500).optional(),
  company: z.string().max(500).optional(),
  title: z.string().max(500).optional(),
  score: z.union([z.number(), z.string().max(50)]).optional(),
  stage: z.string().max(200).optional(),
  /** Name of the first-touch campaign, kept on the lead so badges need one read. */
  firstCampaign: z.string().max(500).optional(),
  /** When this lead was last written by an import (ISO). */
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof leadSchema>;

// ---------------------------------------------------------------------------
// Feedback

export const FEEDBACK_TYPES = ['lead_quality', 'content_relevance', 'info_sufficiency', 'content_request'] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];
export const POOR_FIT_REASONS = [
  'wrong_persona',
  'no_budget',
  'no_need',
  'bad_timing',
  'competitor',
  'unreachable',
  'duplicate',
  'other',
] as const;
export type PoorFitReason = (typeof POOR_FIT_REASONS)[number];
export const REQUEST_FORMATS = ['case_study', 'one_pager', 'demo_video', 'pricing', 'comparison', 'other'] as const;
export type RequestFormat = (typeof REQUEST_FORMATS)[number];

export const FEEDBACK_VALUES = {
  lead_quality: ['good', 'poor_fit'],
  content_relevance: ['relevant', 'not_relevant'],
  info_sufficiency: ['sufficient', 'insufficient'],
  content_request: ['requested'],
} as const satisfies Record<FeedbackType, readonly string[]>;

const idLike = z.string().min(1).max(200);
const nullable = <T extends z.ZodTypeAny>(s: T) => s.nullable().default(null);

/**
 * What a rep's click carries (from a content script or the popup): no id, time, rep or site,
 * which the background adds. Validated per question type.
 */
export const feedbackInputSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('lead_quality'),
    value: z.enum(FEEDBACK_VALUES.lead_quality),
    reason: z.enum(POOR_FIT_REASONS).nullish(),
  }),
  z.object({ type: z.literal('content_relevance'), value: z.enum(FEEDBACK_VALUES.content_relevance) }),
  z.object({ type: z.literal('info_sufficiency'), value: z.enum(FEEDBACK_VALUES.info_sufficiency) }),
  z.object({
    type: z.literal('content_request'),
    value: z.literal('requested'),
    product: z.string().trim().max(200).nullish(),
    format: z.enum(REQUEST_FORMATS),
  }),
]);

export const feedbackCommonInputSchema = z.object({
  /** Absent only for a content request made on its own (from the popup, about no lead). */
  leadEmail: emailSchema.nullish(),
  campaignId: idLike.nullish(),
  contentId: idLike.nullish(),
  note: z.string().max(NOTE_MAX).nullish(),
  supersedes: z.uuid().nullish(),
});

export const repSchema = z.object({
  name: z.string().max(200).nullable(),
  email: emailSchema.nullable(),
});
export type Rep = z.infer<typeof repSchema>;

/** An event as in the contract (schema `unison.feedback/1`). */
export const feedbackEventSchema = z.object({
  id: z.uuid(),
  type: z.enum(FEEDBACK_TYPES),
  value: z.string(),
  reason: nullable(z.enum(POOR_FIT_REASONS)),
  note: nullable(z.string().max(NOTE_MAX)),
  /** Null only for a content request not about a particular lead. */
  leadEmail: emailSchema.nullable(),
  campaignId: nullable(idLike),
  contentId: nullable(idLike),
  product: nullable(z.string().max(200)),
  format: nullable(z.enum(REQUEST_FORMATS)),
  rep: repSchema,
  site: z.enum(EVENT_SITES),
  createdAt: z.iso.datetime(),
  supersedes: nullable(z.uuid()),
});
export type FeedbackEvent = z.infer<typeof feedbackEventSchema>;

export const SYNC_STATES = ['pending', 'synced', 'rejected'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** What the local store keeps: the event plus its sync bookkeeping (never sent). */
export interface StoredFeedback extends FeedbackEvent {
  /**
   * The added CRM domain whose page made it (site `custom`): only pages of that domain may take
   * it back or put a note on it. Kept in the store only, never sent or exported.
   */
  madeOn?: string;
  syncState: SyncState;
  syncedAt: string | null;
  /** The receiver's error for a rejected event. */
  syncError: string | null;
}

// ---------------------------------------------------------------------------
// Import bookkeeping

export interface ImportRecord {
  id?: number;
  at: string;
  fileName: string;
  format: string;
  rows: number;
  leads: number;
  touches: number;
  skippedRows: number;
  source: 'file' | 'feed' | 'sample';
}

export interface SavedMapping {
  /** Lower-cased, sorted header list joined by "|": the shape of the file. */
  signature: string;
  mapping: Record<string, string>;
  savedAt: string;
}

export interface MetaRecord {
  key: string;
  value: unknown;
}
