/**
 * Every message between Unison's parts, as zod schemas. Content scripts run inside host pages
 * and are untrusted: the background parses each message with `parseRequest` before it acts and
 * drops anything that does not fit.
 */
import { z } from 'zod';
import type { DigestWire } from './digest';
import {
  emailSchema,
  feedbackCommonInputSchema,
  feedbackInputSchema,
  FEEDBACK_TYPES,
  NOTE_MAX,
  type Campaign,
  type Content,
  type FeedbackEvent,
  type Lead,
  type Touch,
} from './schema';
import type { EventSite, SiteId } from './sites/hosts';

/** At most this many addresses in one lookup (one mutation batch). */
export const LOOKUP_MAX = 2000;

const lookupRequest = z.object({ type: z.literal('lookup'), emails: z.array(z.string().max(320)).min(1).max(LOOKUP_MAX) }).strict();
const helloRequest = z.object({ type: z.literal('hello') }).strict();
const cardRequest = z.object({ type: z.literal('card'), email: emailSchema }).strict();
/**
 * A click: one question's fields plus the common ones, and the event's `id`, a UUID made when
 * the rep clicked (the idempotency key: the same click sent again is stored once). Each variant
 * is strict, so a field the background does not expect (a time, a rep, a site) makes the whole
 * message refused instead of being dropped silently.
 */
const clickFields = { ...feedbackCommonInputSchema.shape, id: z.uuid().optional() };
const [leadQualityInput, contentRelevanceInput, infoSufficiencyInput, contentRequestInput] = feedbackInputSchema.options;
const feedbackClickSchema = z.discriminatedUnion('type', [
  leadQualityInput.extend(clickFields).strict(),
  contentRelevanceInput.extend(clickFields).strict(),
  infoSufficiencyInput.extend(clickFields).strict(),
  contentRequestInput.extend(clickFields).strict(),
]);
const feedbackRequest = z
  .object({
    type: z.literal('feedback'),
    input: feedbackClickSchema,
  })
  .strict()
  .refine((m) => m.input.type === 'content_request' || !!m.input.leadEmail, { message: 'leadEmail is required', path: ['input', 'leadEmail'] });
const undoRequest = z.object({ type: z.literal('undo'), id: z.uuid() }).strict();
/** A note on answer `id`; `noteId`, made when the rep saved the note, is the note event's own id. */
const noteRequest = z.object({ type: z.literal('note'), id: z.uuid(), note: z.string().max(NOTE_MAX), noteId: z.uuid().optional() }).strict();
const pendingRequest = z.object({ type: z.literal('pending-count') }).strict();
const syncNowRequest = z.object({ type: z.literal('sync-now') }).strict();
const settingsChangedRequest = z.object({ type: z.literal('settings-changed') }).strict();
/** Campaign data was imported or replaced: open pages look their leads up again. */
const dataChangedRequest = z.object({ type: z.literal('data-changed') }).strict();

/** Messages a content script may send. */
export const contentRequestSchema = z.discriminatedUnion('type', [
  helloRequest,
  lookupRequest,
  cardRequest,
  feedbackRequest,
  undoRequest,
  noteRequest,
]);
/** Messages extension pages (popup, options) may send as well. */
export const pageRequestSchema = z.discriminatedUnion('type', [
  helloRequest,
  lookupRequest,
  cardRequest,
  feedbackRequest,
  undoRequest,
  noteRequest,
  pendingRequest,
  syncNowRequest,
  settingsChangedRequest,
  dataChangedRequest,
]);
export type ContentRequest = z.infer<typeof contentRequestSchema>;
export type PageRequest = z.infer<typeof pageRequestSchema>;
export type UnisonRequest = PageRequest;
export type FeedbackRequestInput = z.infer<typeof feedbackRequest>['input'];

/** Parses a message from a sender of the given kind; null when it must be ignored. */
export function parseRequest(message: unknown, from: 'content' | 'page'): UnisonRequest | null {
  const schema = from === 'content' ? contentRequestSchema : pageRequestSchema;
  const parsed = schema.safeParse(message);
  return parsed.success ? parsed.data : null;
}

// ---------------------------------------------------------------------------
// Answers

/** The answer that counts for one question (the latest event of that type for the lead). */
export interface Answer {
  id: string;
  value: string;
  reason: string | null;
  note: string | null;
  contentId: string | null;
  createdAt: string;
  /** Whether it may still be undone (not synced yet). */
  synced: boolean;
}
export type Answers = Partial<Record<(typeof FEEDBACK_TYPES)[number], Answer>>;

/** What a badge needs: enough to label it; the card asks for the rest. */
export interface LeadSummary {
  email: string;
  name: string | null;
  company: string | null;
  firstCampaign: string | null;
  answers: Answers;
}

export interface TouchView extends Touch {
  campaign: Campaign | null;
  content: Content | null;
}

/** Everything the card shows for one lead. */
export interface LeadCard {
  lead: Lead;
  /** Oldest first. */
  touches: TouchView[];
  firstTouch: TouchView | null;
  latestTouch: TouchView | null;
  /** Distinct content the lead consumed, with the time of the touch, newest first. */
  consumed: Array<{ content: Content; at: string | null }>;
  product: string | null;
  answers: Answers;
}

export type UnisonResponse =
  | {
      type: 'hello';
      enabled: boolean;
      site: EventSite;
      siteId: SiteId | null;
      repEmail: string | null;
      /** The lead digest (see utils/digest.ts), for content scripts that will scan; null when there is none. */
      digest: DigestWire | null;
    }
  | { type: 'lookup'; leads: LeadSummary[] }
  | { type: 'card'; card: LeadCard | null }
  | { type: 'feedback'; ok: true; event: FeedbackEvent; answers: Answers }
  | { type: 'undo'; ok: boolean; answers: Answers }
  | { type: 'note'; ok: boolean; event?: FeedbackEvent; answers: Answers }
  | { type: 'pending-count'; pending: number }
  | { type: 'sync-now'; ok: boolean }
  | { type: 'settings-changed'; ok: true }
  | { type: 'data-changed'; ok: true }
  | { type: 'error'; error: string };

// ---------------------------------------------------------------------------
// Background → content script, and popup → content script

const broadcastSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('answers-changed'), email: emailSchema, answers: z.record(z.string(), z.any()) }),
  z.object({ type: z.literal('data-changed') }),
  z.object({ type: z.literal('get-spotted') }),
]);
export type TabMessage = z.infer<typeof broadcastSchema>;
export function parseTabMessage(message: unknown): TabMessage | null {
  const parsed = broadcastSchema.safeParse(message);
  return parsed.success ? parsed.data : null;
}

/** What a content script tells the popup about its page. */
export interface SpottedReport {
  site: EventSite;
  leads: Array<{ email: string; name: string | null; firstCampaign: string | null; answers: Answers }>;
  /** Addresses on the page that were looked at (known or not). */
  scanned: number;
  /** True when the page held more addresses than Unison scans, so some were skipped. */
  capped: boolean;
}
