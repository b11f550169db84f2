/**
 * Feedback events: made from a rep's click (validated input), stamped with id, time, rep and
 * site, and written to the store. Changing an answer writes a new event that supersedes the
 * earlier one; nothing here edits or deletes a synced event.
 */
import type { UnisonDB } from './db';
import type { Answer, Answers, FeedbackRequestInput } from './protocol';
import type { EventSite } from './sites/hosts';
import { type FeedbackEvent, type Rep, type StoredFeedback } from './schema';

/** Where sync keeps its state (see utils/sync.ts); undo reads the batch in flight from it. */
const SYNC_STATE_KEY = 'sync.state';

/** How long after a click its event may still be deleted by Undo (if not synced). */
export const UNDO_WINDOW_MS = 10_000;

function toAnswer(e: StoredFeedback): Answer {
  return {
    id: e.id,
    value: e.value,
    reason: e.reason,
    note: e.note,
    contentId: e.contentId,
    createdAt: e.createdAt,
    synced: e.syncState !== 'pending',
  };
}

/** The answer that counts per question: the newest event of each type. */
export function latestAnswers(events: StoredFeedback[]): Answers {
  const out: Answers = {};
  const sorted = [...events].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const e of sorted) out[e.type] = toAnswer(e);
  return out;
}

export async function answersFor(db: UnisonDB, email: string): Promise<Answers> {
  return latestAnswers(await db.feedback.where('leadEmail').equals(email).toArray());
}

export async function answersByLead(db: UnisonDB, emails: string[]): Promise<Map<string, Answers>> {
  // One read per lead, all issued at once in one transaction (`anyOf` would walk a cursor over
  // the index, one step after another).
  const lists = await db.transaction('r', db.feedback, () => Promise.all(emails.map((e) => db.feedback.where('leadEmail').equals(e).toArray())));
  const out = new Map<string, Answers>();
  lists.forEach((list, i) => {
    if (list.length) out.set(emails[i], latestAnswers(list));
  });
  return out;
}

export interface Stamp {
  rep: Rep;
  site: EventSite;
  /** The added CRM domain the click came from (site `custom`). */
  host?: string;
  now?: Date;
  newId?: () => string;
}

/** Whether `e` was made where `stamp` comes from: the same site and, for added domains, the same one. */
function madeHere(e: StoredFeedback, stamp: Pick<Stamp, 'site' | 'host'>): boolean {
  return e.site === stamp.site && e.madeOn === stamp.host;
}

/** Trimmed text, or null when empty. */
function textOrNull(v: string | null | undefined): string | null {
  return v?.trim() || null;
}

/** What a click says, as its event stores it: the question, answer, note, lead, campaign, content and request. */
function clickFields(input: FeedbackRequestInput) {
  const request = input.type === 'content_request';
  return {
    type: input.type,
    value: input.value,
    reason: input.type === 'lead_quality' && input.value === 'poor_fit' ? (input.reason ?? null) : null,
    note: textOrNull(input.note),
    leadEmail: input.leadEmail ?? null,
    campaignId: input.campaignId ?? null,
    contentId: input.contentId ?? null,
    product: request ? textOrNull(input.product) : null,
    format: request ? input.format : null,
  } satisfies Partial<StoredFeedback>;
}

/**
 * Makes and stores the event for a click. The earlier answer to the same question (for content
 * relevance: about the same asset) is superseded; the client's own `supersedes` is not trusted.
 */
export async function recordFeedback(db: UnisonDB, input: FeedbackRequestInput, stamp: Stamp): Promise<StoredFeedback> {
  const now = stamp.now ?? new Date();
  return db.transaction('rw', db.feedback, async () => {
    const click = clickFields(input);
    // The click's own id (made when the rep clicked): the same click sent again (its answer was
    // lost on the way back), from the same site, is stored once.
    const stored = input.id ? await db.feedback.get(input.id) : undefined;
    if (stored) {
      const same = madeHere(stored, stamp) && (Object.keys(click) as Array<keyof typeof click>).every((k) => stored[k] === click[k]);
      if (same) return stored;
      throw new Error(`Event ${input.id} is stored already, with other answers`);
    }
    const earlier = input.leadEmail ? await db.feedback.where('leadEmail').equals(input.leadEmail).toArray() : [];
    const sameQuestion = earlier
      .filter((e) => e.type === input.type && (input.type !== 'content_relevance' || (e.contentId ?? null) === (input.contentId ?? null)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const previous = input.type === 'content_request' ? undefined : sameQuestion[sameQuestion.length - 1];
    const event: StoredFeedback = {
      id: input.id ?? (stamp.newId ?? (() => crypto.randomUUID()))(),
      ...click,
      rep: stamp.rep,
      site: stamp.site,
      createdAt: now.toISOString(),
      supersedes: previous?.id ?? null,
      ...(stamp.host ? { madeOn: stamp.host } : {}),
      syncState: 'pending',
      syncedAt: null,
      syncError: null,
    };
    // A click in the same millisecond as the previous one still sorts after it.
    if (previous && previous.createdAt >= event.createdAt) {
      event.createdAt = new Date(Date.parse(previous.createdAt) + 1).toISOString();
    }
    await db.feedback.add(event);
    return event;
  });
}

/** The event that supersedes `e` (a changed answer, or a note on it), if any: then `e` no longer is the answer. */
async function successor(db: UnisonDB, e: StoredFeedback): Promise<StoredFeedback | undefined> {
  // The lead's events; without a lead, those made after it (a successor always is), not the whole store.
  const candidates = e.leadEmail ? db.feedback.where('leadEmail').equals(e.leadEmail) : db.feedback.where('createdAt').above(e.createdAt);
  return candidates.filter((x) => x.supersedes === e.id).first();
}

/**
 * Deletes a just-made event, only while it is unsynced, inside the undo window, still the answer
 * (nothing supersedes it), and asked for from where it was made (`site`, when given; `host`, the
 * added CRM domain asking).
 */
export async function undoFeedback(db: UnisonDB, id: string, now = new Date(), site?: EventSite, host?: string): Promise<StoredFeedback | null> {
  return db.transaction('rw', db.feedback, db.meta, async () => {
    const e = await db.feedback.get(id);
    if (!e || e.syncState !== 'pending' || e.syncedAt || (site && !madeHere(e, { site, host }))) return null;
    if (await successor(db, e)) return null;
    if (now.getTime() - Date.parse(e.createdAt) > UNDO_WINDOW_MS) return null;
    // Already on its way to the receiver (a batch in flight): too late to take back.
    const sync = (await db.meta.get(SYNC_STATE_KEY))?.value as { inflight?: { ids?: string[] } | null } | undefined;
    if (sync?.inflight?.ids?.includes(id)) return null;
    await db.feedback.delete(id);
    return e;
  });
}

/**
 * Adds a note to an answer: a new event with the same answer and the note, superseding it. The
 * answer must have been made on the site the note comes from, and must still count: a note on
 * one noted since goes on the newest note (the rep edits the note), but one changed since takes
 * none, or the note would bring the old answer back.
 */
export async function addNote(db: UnisonDB, id: string, note: string, stamp: Stamp, noteId?: string): Promise<StoredFeedback | null> {
  return db.transaction('rw', db.feedback, async () => {
    // The note's own id (made when the rep saved it): the same note sent again is stored once.
    const stored = noteId ? await db.feedback.get(noteId) : undefined;
    if (stored) return stored.note === textOrNull(note) && madeHere(stored, stamp) ? stored : null;
    let base = await db.feedback.get(id);
    // A note goes only on an answer made where it is written (as an undo).
    if (base && !madeHere(base, stamp)) return null;
    let next = base && (await successor(db, base));
    while (base && next) {
      // A note copies its answer: the chain goes on through notes, and stops at a changed answer.
      base = next.value === base.value && next.reason === base.reason ? next : undefined;
      next = base && (await successor(db, base));
    }
    if (!base) return null;
    const now = stamp.now ?? new Date();
    const event: StoredFeedback = {
      ...base,
      id: noteId ?? (stamp.newId ?? (() => crypto.randomUUID()))(),
      note: textOrNull(note),
      rep: stamp.rep,
      site: stamp.site,
      createdAt: new Date(Math.max(now.getTime(), Date.parse(base.createdAt) + 1)).toISOString(),
      supersedes: base.id,
      syncState: 'pending',
      syncedAt: null,
      syncError: null,
    };
    // Made where the note was written (the answer it goes on may be another page's, further on).
    delete event.madeOn;
    if (stamp.host) event.madeOn = stamp.host;
    await db.feedback.add(event);
    return event;
  });
}

/** The event as the contract defines it (without local bookkeeping). */
export function toWireEvent(e: StoredFeedback): FeedbackEvent {
  const { syncState: _s, syncedAt: _a, syncError: _e, madeOn: _m, ...wire } = e;
  return wire;
}

export async function pendingCount(db: UnisonDB): Promise<number> {
  return db.feedback.where('syncState').equals('pending').count();
}

