/**
 * Sync (push): sends pending feedback events to the team's endpoint, exactly as
 * the feedback-and-sync contract says.
 *
 * - Batches of 1..500 events, oldest first, `POST {schema, sentAt, events}` with
 *   `Authorization: Bearer <token>` when a token is set. Only the contract's event fields are
 *   sent (`toWireEvent`), never the local bookkeeping.
 * - 2xx: accepted, unless a body `{accepted, rejected}` narrows it down. Rejected events are
 *   marked `rejected` with their error and are not resent automatically. When the body lists
 *   `accepted` ids, an id it does not mention stays pending (sent again in a later run).
 * - 408, 425, 429, 5xx, a network error or no answer within the timeout: retried later with
 *   exponential backoff and full jitter (capped at one hour), or after `Retry-After`.
 * - Any other 4xx: the batch is held (status and the first 500 characters of the body are kept
 *   for the user) until the settings change or the user presses "Sync now".
 *
 * Idempotent and resumable: a run first claims every pending event, in one transaction that
 * reads them and writes their ids to the `meta` table as in flight, before any request goes out.
 * A run that dies at any point (service worker stopped, browser closed) leaves the ids it had not
 * recorded an answer for there, and the next run sends exactly those events again first; the
 * receiver treats a repeated id as already accepted. Marking a batch's events and taking its ids
 * out of the in-flight list happen in one transaction; that transaction runs while the next
 * batch is on its way (at most one answer is being recorded at a time). After a failed batch only
 * that batch stays in flight. Sync never deletes or edits an event: it only writes `syncState`,
 * `syncedAt` and `syncError`.
 */
import type { UnisonDB } from './db';
import { toWireEvent } from './feedback';
import type { StoredFeedback } from './schema';
import { checkServiceUrl } from './settings';

export const SYNC_SCHEMA = 'unison.feedback/1';
export const BATCH_MAX = 500;
export const REQUEST_TIMEOUT_MS = 30_000;
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_CAP_MS = 60 * 60_000;
/** The shortest wait before a retry (a zero from the jitter would otherwise spin). */
export const BACKOFF_MIN_MS = 1_000;
/** A `Retry-After` further away than this is treated as this (a broken date must not stop sync for good). */
export const RETRY_AFTER_MAX_MS = 24 * 60 * 60_000;
/** The longest wait sync sets (the larger of the backoff cap and the `Retry-After` cap). */
export const LONGEST_WAIT_MS = Math.max(BACKOFF_CAP_MS, RETRY_AFTER_MAX_MS);
export const HELD_BODY_MAX = 500;
/**
 * After a failure while offline, how often the alarms look whether the network is back: a service
 * worker gets no `online` event (Chromium), so that is noticed by looking.
 */
export const OFFLINE_POLL_MS = 60_000;

/** Whether the browser says it has a network. */
export const browserOnline = (): boolean => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;
export const SYNC_META_KEY = 'sync.state';
const LOCK_NAME = 'unison-sync';

/** Why a run was started; decides whether a held batch or a backoff wait is overridden. */
export type SyncReason = 'alarm' | 'retry' | 'now' | 'online' | 'settings' | 'startup';

export interface HeldBatch {
  status: number;
  /** The first 500 characters of the response body. */
  body: string;
  at: string;
  endpoint: string;
}

export interface SyncError {
  at: string;
  kind: 'network' | 'timeout' | 'http' | 'held' | 'config';
  message: string;
  status?: number;
  /** A network error or timeout while the browser said it had no network (`navigator.onLine`). */
  offline?: boolean;
}

/** What sync keeps between runs (in `meta`, key `sync.state`). */
export interface SyncStateRecord {
  /** The batch being sent: its ids are sent again first after an interruption. */
  inflight: { ids: string[]; since: string; attempts: number } | null;
  /** Consecutive retryable failures (drives the backoff). */
  failures: number;
  /** Not before this time, unless the user asks (ISO). */
  retryAt: string | null;
  /**
   * How long that wait was when it was set: a wait that looks longer now is over (the clock was
   * put back since). Absent in state saved before it was kept: the longest wait sync sets.
   */
  retryWaitMs?: number;
  held: HeldBatch | null;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  lastError: SyncError | null;
  lastRun: { at: string; sent: number; accepted: number; rejected: number } | null;
  /** Which endpoint and token the last run used (`syncConfigKey`: a digest, the token is not kept here). */
  configKey?: string;
}

export const EMPTY_SYNC_STATE: SyncStateRecord = {
  inflight: null,
  failures: 0,
  retryAt: null,
  held: null,
  lastSuccessAt: null,
  lastAttemptAt: null,
  lastError: null,
  lastRun: null,
};

export type SyncOutcome =
  /** No endpoint (or an invalid one): nothing was sent. */
  | 'not-configured'
  /** Nothing was pending. */
  | 'idle'
  /** Every batch of this run was answered with a 2xx. */
  | 'synced'
  /** A retryable failure; `retryAt` says when the next try is due. */
  | 'retry'
  /** A batch is held after a 4xx answer. */
  | 'held'
  /** Skipped: a backoff wait (or a held batch) is in force and this run may not override it. */
  | 'waiting';

export interface SyncResult {
  outcome: SyncOutcome;
  batches: number;
  sent: number;
  accepted: number;
  rejected: number;
  retryAt?: string;
  held?: HeldBatch;
  error?: string;
}

export interface SyncConfig {
  endpoint: string;
  token: string;
}

export interface SyncDeps {
  db: UnisonDB;
  /** The endpoint and token in force (policy applied). */
  config: () => Promise<SyncConfig>;
  fetch?: typeof fetch;
  now?: () => Date;
  /** A number in [0, 1); the jitter. */
  random?: () => number;
  timeoutMs?: number;
  batchSize?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Called with the time a retry is due (one-shot alarm), or null to cancel it. */
  scheduleRetry?: (at: Date | null) => Promise<void> | void;
  /** Mutual exclusion between runs (default: a shared lock named `unison-sync`). */
  lock?: RunLock;
  /** Whether the browser says it has a network (default `navigator.onLine`). */
  online?: () => boolean;
  /** Called after each batch is recorded (progress for callers and tests). */
  onBatch?: (info: { ids: string[]; status: number | null; leadEmails: string[] }) => void;
}

// ---------------------------------------------------------------------------
// Pure helpers

/**
 * Backoff with full jitter: a uniform wait in [0, min(cap, base * 2^(failures-1))), never below
 * BACKOFF_MIN_MS.
 */
export function backoffDelay(failures: number, random: () => number = Math.random, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  const n = Math.max(1, Math.floor(failures));
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(n - 1, 40));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(capMs, Math.max(Math.min(BACKOFF_MIN_MS, ceiling), Math.floor(r * ceiling)));
}

/**
 * `Retry-After` as a wait in milliseconds: delta-seconds or an HTTP date (RFC 9110). Null when
 * absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date = new Date()): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, RETRY_AFTER_MAX_MS);
  // HTTP dates always name a weekday or month in letters; this keeps "12.5" or "-3" out.
  if (!/[a-z]/i.test(v)) return null;
  // An HTTP date is in GMT; its asctime form ("Sun Nov  6 08:49:37 1994") does not say so, and
  // would be read as local time.
  const at = Date.parse(/\b(?:GMT|UTC|UT|Z)\b|[+-]\d{4}\b/i.test(v) ? v : `${v} GMT`);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now.getTime()), RETRY_AFTER_MAX_MS);
}

/**
 * What a held batch shows when the endpoint answered with a redirect (a browser shows such an
 * answer as status 0, its target hidden).
 */
export const REDIRECT_NOTE =
  'The endpoint answered with a redirect (to a sign-in page?). Sync does not follow redirects, so nothing was taken as delivered: enter the address the events go to, without redirects.';

/** How a held batch's answer reads: "HTTP 403", or "A redirect" when the browser hid its status. */
export function heldAnswer(status: number): string {
  return status ? `HTTP ${status}` : 'A redirect';
}

export type ResponseClass = 'accepted' | 'retry' | 'held';

/** How the contract treats an HTTP status. */
export function classifyStatus(status: number): ResponseClass {
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  // Anything else is held: other 4xx, and redirects (never followed, see `send`).
  return 'held';
}

export interface Narrowed {
  accepted: string[];
  rejected: Array<{ id: string; error: string }>;
  /** Ids the body did not mention although it listed accepted ids: left pending. */
  unconfirmed: string[];
}

/** Applies a 2xx body `{accepted, rejected}` to the ids of a batch. */
export function narrowAcceptance(batchIds: string[], body: unknown): Narrowed {
  const inBatch = new Set(batchIds);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { accepted: [...batchIds], rejected: [], unconfirmed: [] };
  const b = body as { accepted?: unknown; rejected?: unknown };
  const rejected = new Map<string, string>();
  if (Array.isArray(b.rejected)) {
    for (const r of b.rejected) {
      if (r && typeof r === 'object' && typeof (r as { id?: unknown }).id === 'string') {
        const id = (r as { id: string }).id;
        const err = (r as { error?: unknown }).error;
        if (inBatch.has(id)) rejected.set(id, (typeof err === 'string' && err ? err : 'rejected').slice(0, HELD_BODY_MAX));
      } else if (typeof r === 'string' && inBatch.has(r)) {
        rejected.set(r, 'rejected');
      }
    }
  }
  if (Array.isArray(b.accepted)) {
    const listed = new Set(b.accepted.filter((x): x is string => typeof x === 'string'));
    const accepted = batchIds.filter((id) => listed.has(id) && !rejected.has(id));
    const unconfirmed = batchIds.filter((id) => !listed.has(id) && !rejected.has(id));
    return { accepted, rejected: [...rejected].map(([id, error]) => ({ id, error })), unconfirmed };
  }
  return {
    accepted: batchIds.filter((id) => !rejected.has(id)),
    rejected: [...rejected].map(([id, error]) => ({ id, error })),
    unconfirmed: [],
  };
}

/** A digest of the endpoint and token: tells a settings change that matters to sync from one that does not. */
export async function syncConfigKey(cfg: SyncConfig): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${cfg.endpoint}\n${cfg.token}`));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Oldest first, ties by id, so every run (and every resumption) agrees on the order. */
export function compareEvents(a: Pick<StoredFeedback, 'createdAt' | 'id'>, b: Pick<StoredFeedback, 'createdAt' | 'id'>): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Lock

export type RunLock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * A lock so two runs never overlap: the Web Locks API when the context has it (shared by the
 * service worker and the extension's pages), else a promise chain in this context.
 */
export function createLock(name = LOCK_NAME): RunLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const locks = (globalThis as { navigator?: { locks?: { request?: unknown } } }).navigator?.locks as
      | { request: (name: string, cb: () => Promise<T>) => Promise<T> }
      | undefined;
    if (locks && typeof locks.request === 'function') return locks.request(name, fn);
    const run = tail.then(fn, fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

const sharedLock = createLock();

// ---------------------------------------------------------------------------
// State

/**
 * What is left of the backoff wait (0: none, or over). A wait longer than it was when set is over:
 * the clock was put back since (it ran ahead, then was corrected), and would otherwise stop sync
 * for as long.
 */
export function retryWait(state: SyncStateRecord, now: Date): number {
  const left = state.retryAt ? Date.parse(state.retryAt) - now.getTime() : 0;
  return left > 0 && left <= (state.retryWaitMs ?? LONGEST_WAIT_MS) ? left : 0;
}

export async function readSyncState(db: UnisonDB): Promise<SyncStateRecord> {
  const rec = (await db.meta.get(SYNC_META_KEY))?.value as Partial<SyncStateRecord> | undefined;
  return { ...EMPTY_SYNC_STATE, ...(rec ?? {}) };
}

async function writeSyncState(db: UnisonDB, state: SyncStateRecord): Promise<void> {
  await db.meta.put({ key: SYNC_META_KEY, value: state });
}

export interface SyncStatus extends SyncStateRecord {
  pending: number;
  rejectedCount: number;
}

/** What the options page shows. */
export async function syncStatus(db: UnisonDB): Promise<SyncStatus> {
  const [state, pending, rejectedCount] = await Promise.all([
    readSyncState(db),
    db.feedback.where('syncState').equals('pending').count(),
    db.feedback.where('syncState').equals('rejected').count(),
  ]);
  return { ...state, pending, rejectedCount };
}

// ---------------------------------------------------------------------------
// One run

interface Attempt {
  kind: 'answer' | 'network' | 'timeout';
  status: number | null;
  retryAfter: string | null;
  body: string;
  message: string;
}

async function send(doFetch: typeof fetch, cfg: SyncConfig, payload: string, timeoutMs: number, wantBody: (status: number) => boolean): Promise<Attempt> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (cfg.token) headers.Authorization = `Bearer ${cfg.token}`;
    // Redirects are not followed: the browser would send a POST answered 302 again as a GET (to a
    // sign-in page, say), and that page's 200 would mark events synced that never arrived.
    const res = await doFetch(cfg.endpoint, { method: 'POST', headers, body: payload, signal: controller.signal, credentials: 'omit', cache: 'no-store', redirect: 'manual' });
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      await res.body?.cancel().catch(() => undefined);
      return { kind: 'answer', status: res.status, retryAfter: null, body: REDIRECT_NOTE, message: `HTTP ${res.status}` };
    }
    let body = '';
    if (wantBody(res.status)) body = await res.text();
    else await res.body?.cancel().catch(() => undefined);
    return { kind: 'answer', status: res.status, retryAfter: res.headers.get('retry-after'), body, message: `HTTP ${res.status}` };
  } catch (err) {
    if (timedOut) return { kind: 'timeout', status: null, retryAfter: null, body: '', message: `No answer within ${Math.round(timeoutMs / 1000)} s` };
    const msg = err instanceof Error ? err.message : String(err);
    return { kind: 'network', status: null, retryAfter: null, body: '', message: `Network error: ${msg}` };
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{')) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Claims every event pending now for this run, in one transaction: they are read, put in send
 * order (the ids an interrupted run left in flight first, then oldest first), and their ids are
 * written to the state as in flight before anything is sent. An event stays in flight until the
 * answer to its batch is recorded: an undo can no longer take it back, and a run that dies at any
 * point sends it again first. Null when nothing is pending.
 */
async function claimPending(db: UnisonDB, state: SyncStateRecord, batchSize: number, at: string): Promise<{ state: SyncStateRecord; queue: StoredFeedback[][] } | null> {
  return db.transaction('rw', db.feedback, db.meta, async () => {
    const rows = await db.feedback.where('syncState').equals('pending').toArray();
    if (rows.length === 0) {
      // Whatever was in flight was synced or removed meanwhile.
      if (state.inflight) await writeSyncState(db, { ...state, inflight: null });
      return null;
    }
    const byId = new Map(rows.map((e) => [e.id, e]));
    const resumed: StoredFeedback[] = [];
    for (const id of state.inflight?.ids ?? []) {
      const e = byId.get(id);
      if (e) {
        resumed.push(e);
        byId.delete(id);
      }
    }
    const rest = [...byId.values()].sort(compareEvents);
    const queue = [...chunked(resumed, batchSize), ...chunked(rest, batchSize)];
    const next: SyncStateRecord = {
      ...state,
      inflight: { ids: [...resumed, ...rest].map((e) => e.id), since: state.inflight?.since ?? at, attempts: (state.inflight?.attempts ?? 0) + 1 },
      lastAttemptAt: at,
    };
    await writeSyncState(db, next);
    return { state: next, queue };
  });
}

/**
 * Runs sync once: the interrupted batch first (if any), then every event that was pending when
 * the run began, in batches, until one fails or all are sent.
 */
export async function runSync(deps: SyncDeps, reason: SyncReason): Promise<SyncResult> {
  const lock = deps.lock ?? sharedLock;
  return lock(() => runLocked(deps, reason));
}

async function runLocked(deps: SyncDeps, reason: SyncReason): Promise<SyncResult> {
  const { db } = deps;
  const now = () => deps.now?.() ?? new Date();
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const batchSize = Math.max(1, Math.min(BATCH_MAX, deps.batchSize ?? BATCH_MAX));
  const timeoutMs = deps.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const result: SyncResult = { outcome: 'idle', batches: 0, sent: 0, accepted: 0, rejected: 0 };

  const cfg = await deps.config();
  let state = await readSyncState(db);
  const userAsked = reason === 'now' || reason === 'settings';

  if (!cfg.endpoint) return { ...result, outcome: 'not-configured' };
  const urlError = checkServiceUrl(cfg.endpoint);
  if (urlError) {
    state.lastError = { at: now().toISOString(), kind: 'config', message: urlError };
    await writeSyncState(db, state);
    return { ...result, outcome: 'not-configured', error: urlError };
  }

  if (state.held) {
    if (!userAsked) return { ...result, outcome: 'waiting', held: state.held };
    state.held = null;
  }
  if (retryWait(state, now()) > 0) {
    const overrides = userAsked || reason === 'retry' || (reason === 'online' && (state.lastError?.kind === 'network' || state.lastError?.kind === 'timeout'));
    if (!overrides) return { ...result, outcome: 'waiting', retryAt: state.retryAt! };
  }

  // What an earlier run left in flight: it may have sent any of it (a run records one batch's
  // answer while it sends the next, and can be stopped in between).
  const sentBefore = new Set(state.inflight?.ids ?? []);
  // Everything pending now, claimed (in flight) in one transaction, with the settings it goes out with.
  state.configKey = await syncConfigKey(cfg);
  const claimed = await claimPending(db, state, batchSize, now().toISOString());
  if (!claimed) {
    state = { ...state, inflight: null };
    if (state.retryAt || state.failures) {
      state = { ...state, retryAt: null, failures: 0 };
      await writeSyncState(db, state);
      await deps.scheduleRetry?.(null);
    }
    return result;
  }
  state = claimed.state;
  let inflight = state.inflight!.ids;

  /**
   * Records a 2xx answer: marks the batch's events and takes their ids out of the in-flight list,
   * in one transaction. The records written are those the run claimed with only the sync fields
   * changed, without reading them again: nothing else writes an event while it is in flight (new
   * answers and notes are new events, added; an undo refuses an event in flight; runs never
   * overlap). Should anything ever edit a pending event, it must be read again here.
   */
  const record = async (events: StoredFeedback[], status: number, body: string, at: string, doneAt: string): Promise<void> => {
    const batchIds = events.map((e) => e.id);
    const narrowed = narrowAcceptance(batchIds, parseJson(body));
    const rejectedById = new Map(narrowed.rejected.map((r) => [r.id, r.error]));
    const acceptedSet = new Set(narrowed.accepted);
    const marked: StoredFeedback[] = [];
    for (const e of events) {
      if (acceptedSet.has(e.id)) marked.push({ ...e, syncState: 'synced', syncedAt: doneAt, syncError: null });
      else if (rejectedById.has(e.id)) marked.push({ ...e, syncState: 'rejected', syncError: rejectedById.get(e.id)! });
    }
    // An id the answer names neither way stays in flight: it was sent, so it cannot be undone,
    // and it goes again first next run.
    const answered = new Set([...acceptedSet, ...rejectedById.keys()]);
    inflight = inflight.filter((id) => !answered.has(id));
    const next: SyncStateRecord = {
      ...state,
      inflight: inflight.length ? { ...state.inflight!, ids: inflight } : null,
      failures: 0,
      retryAt: null,
      held: null,
      lastSuccessAt: doneAt,
      lastAttemptAt: at,
      lastError: null,
    };
    await db.transaction('rw', db.feedback, db.meta, async () => {
      if (marked.length) await db.feedback.bulkPut(marked);
      await writeSyncState(db, next);
    });
    state = next;
    result.accepted += narrowed.accepted.length;
    result.rejected += narrowed.rejected.length;
    result.outcome = 'synced';
    deps.onBatch?.({ ids: batchIds, status, leadEmails: [...new Set(marked.map((e) => e.leadEmail).filter((x): x is string => !!x))] });
  };

  // The answer of the previous batch being recorded while the next one is sent: at most one.
  let recording: Promise<void> = Promise.resolve();
  const sent = new Set<string>();
  for (const events of claimed.queue) {
    const batchIds = events.map((e) => e.id);
    const at = now().toISOString();
    const payload = JSON.stringify({ schema: SYNC_SCHEMA, sentAt: at, events: events.map(toWireEvent) });
    const attempt = await send(doFetch, cfg, payload, timeoutMs, (s) => classifyStatus(s) !== 'retry');
    for (const id of batchIds) sent.add(id);
    result.batches += 1;
    result.sent += batchIds.length;
    const cls: ResponseClass = attempt.kind === 'answer' ? classifyStatus(attempt.status!) : 'retry';
    const doneAt = now().toISOString();
    await recording;

    if (cls === 'accepted') {
      recording = record(events, attempt.status!, attempt.body, at, doneAt);
      // Awaited before the next batch is recorded and at the end; this only keeps a failure
      // from being reported as unhandled in between.
      recording.catch(() => undefined);
      continue;
    }

    // A failure: this batch stays in flight (the same ids go first next time), and so does
    // whatever may have reached the receiver already (left in flight by an earlier run, or sent
    // in this one without an answer for it), which an undo must not take back. The events after
    // it are released to the next run as ordinary pending events.
    const inBatch = new Set(batchIds);
    const mayHaveGone = inflight.filter((id) => !inBatch.has(id) && (sentBefore.has(id) || sent.has(id)));
    const keep = { ids: [...batchIds, ...mayHaveGone], since: state.inflight?.since ?? at, attempts: state.inflight?.attempts ?? 1 };
    if (cls === 'retry') {
      const failures = state.failures + 1;
      const retryAfter = parseRetryAfter(attempt.retryAfter, now());
      const delay = retryAfter ?? backoffDelay(failures, deps.random, deps.backoffBaseMs, deps.backoffCapMs);
      const retryAt = new Date(now().getTime() + delay);
      const offline = attempt.kind !== 'answer' && !(deps.online ?? browserOnline)();
      state = {
        ...state,
        inflight: keep,
        failures,
        retryAt: retryAt.toISOString(),
        retryWaitMs: delay,
        lastAttemptAt: at,
        lastError: {
          at: doneAt,
          kind: attempt.kind === 'answer' ? 'http' : attempt.kind,
          message: attempt.kind === 'answer' ? `HTTP ${attempt.status}${retryAfter != null ? ` (retry after ${Math.ceil(retryAfter / 1000)} s)` : ''}` : attempt.message,
          ...(attempt.status != null ? { status: attempt.status } : {}),
          ...(offline ? { offline } : {}),
        },
      };
      await writeSyncState(db, state);
      // Offline: the retry alarm comes sooner, to look whether the network is back (see OFFLINE_POLL_MS).
      await deps.scheduleRetry?.(offline ? new Date(Math.min(retryAt.getTime(), now().getTime() + OFFLINE_POLL_MS)) : retryAt);
      deps.onBatch?.({ ids: batchIds, status: attempt.status, leadEmails: [] });
      return { ...result, outcome: 'retry', retryAt: state.retryAt!, error: state.lastError!.message };
    }

    // Held: kept in flight until the settings change or the user asks.
    const held: HeldBatch = { status: attempt.status!, body: attempt.body.slice(0, HELD_BODY_MAX), at: doneAt, endpoint: cfg.endpoint };
    state = {
      ...state,
      inflight: keep,
      held,
      retryAt: null,
      failures: 0,
      lastAttemptAt: at,
      lastError: { at: doneAt, kind: 'held', status: held.status, message: `${heldAnswer(held.status)}${held.body ? `: ${held.body}` : ''}` },
    };
    await writeSyncState(db, state);
    await deps.scheduleRetry?.(null);
    deps.onBatch?.({ ids: batchIds, status: attempt.status, leadEmails: [] });
    return { ...result, outcome: 'held', held, error: state.lastError!.message };
  }
  await recording;

  if (result.batches > 0) {
    state = { ...state, lastRun: { at: now().toISOString(), sent: result.sent, accepted: result.accepted, rejected: result.rejected } };
    await writeSyncState(db, state);
  }
  await deps.scheduleRetry?.(null);
  return result;
}
