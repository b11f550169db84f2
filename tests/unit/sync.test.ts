// @vitest-environment node
// Sync against a real HTTP receiver on 127.0.0.1 (node's own fetch, the store in fake-indexeddb).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { recordFeedback, undoFeedback } from '@/utils/feedback';
import type { StoredFeedback } from '@/utils/schema';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  BACKOFF_MIN_MS,
  backoffDelay,
  classifyStatus,
  createLock,
  narrowAcceptance,
  parseRetryAfter,
  readSyncState,
  REDIRECT_NOTE,
  runSync,
  syncStatus,
  type SyncDeps,
  type SyncReason,
} from '@/utils/sync';
import { startReceiver, standardFaults, type Receiver, type ReceiverOptions } from '../support/receiver.mjs';
import { makeEvent, makeEvents, REP } from '../support/events';

let db: UnisonDB;
let dbName: string;
let rx: Receiver | null = null;
let n = 0;

beforeEach(async () => {
  dbName = `sync-${++n}-${Date.now()}`;
  db = openDb(dbName);
  await db.open();
});
afterEach(async () => {
  await rx?.close();
  rx = null;
  db.close();
});

async function receiver(opts: ReceiverOptions = {}): Promise<Receiver> {
  rx = await startReceiver(opts);
  return rx;
}

interface Harness {
  deps: SyncDeps;
  retries: Array<Date | null>;
  run: (reason?: SyncReason) => ReturnType<typeof runSync>;
}

function harness(over: Partial<SyncDeps> & { endpoint?: string; token?: string } = {}): Harness {
  const retries: Array<Date | null> = [];
  const { endpoint, token, ...rest } = over;
  const deps: SyncDeps = {
    db,
    config: async () => ({ endpoint: endpoint ?? rx!.url, token: token ?? 'tok-123' }),
    // Generous for a loaded machine; the timeout tests set their own short one.
    timeoutMs: 5000,
    scheduleRetry: (at) => {
      retries.push(at);
    },
    lock: createLock(`test-${n}`),
    ...rest,
  };
  return { deps, retries, run: (reason = 'alarm') => runSync(deps, reason) };
}

const strip = (e: StoredFeedback) => {
  const { syncState: _s, syncedAt: _a, syncError: _e, ...wire } = e;
  return wire;
};

describe('response classes and helpers', () => {
  it('classifies statuses as the contract says', () => {
    for (const s of [200, 201, 202, 204, 299]) expect(classifyStatus(s)).toBe('accepted');
    for (const s of [408, 425, 429, 500, 502, 503, 504, 599]) expect(classifyStatus(s)).toBe('retry');
    for (const s of [400, 401, 403, 404, 409, 410, 413, 422]) expect(classifyStatus(s)).toBe('held');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-11-27T09:20:00.000Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:21:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Friday, 27-Nov-26 09:21:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0);
    for (const bad of [null, undefined, '', '  ', '1.5', '-3', 'soon']) expect(parseRetryAfter(bad, now)).toBeNull();
    expect(parseRetryAfter('99999999', now)).toBe(24 * 3600_000);
  });

  it('reads the asctime form of an HTTP date as GMT, wherever the machine is', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['America/Los_Angeles', 'Asia/Tokyo', 'UTC']) {
        process.env.TZ = zone;
        const now = new Date('2026-11-27T09:20:00.000Z');
        expect(parseRetryAfter('Fri Nov 27 09:21:30 2026', now)).toBe(90_000);
        expect(parseRetryAfter('Fri Nov  7 09:21:30 2026', new Date('2026-11-07T09:20:00.000Z'))).toBe(90_000);
        expect(parseRetryAfter('Fri, 27 Nov 2026 09:21:30 GMT', now)).toBe(90_000);
      }
    } finally {
      process.env.TZ = tz;
    }
  });

  it('keeps full jitter inside [min, min(cap, base * 2^(n-1))] and caps at one hour', () => {
    for (let failures = 1; failures <= 30; failures++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
      expect(backoffDelay(failures, () => 0)).toBe(BACKOFF_MIN_MS);
      expect(backoffDelay(failures, () => 0.999999)).toBeLessThanOrEqual(ceiling);
      expect(backoffDelay(failures, () => 0.999999)).toBeGreaterThan(ceiling * 0.99);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(failures);
        expect(d).toBeGreaterThanOrEqual(BACKOFF_MIN_MS);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelay(50, () => 0.999999)).toBeLessThanOrEqual(3600_000);
    // jitter: the waits spread over the whole range instead of clustering
    const samples = Array.from({ length: 400 }, () => backoffDelay(4));
    expect(Math.min(...samples)).toBeLessThan(BACKOFF_BASE_MS * 8 * 0.2);
    expect(Math.max(...samples)).toBeGreaterThan(BACKOFF_BASE_MS * 8 * 0.8);
  });

  it('narrows a 2xx body to accepted, rejected and unconfirmed ids', () => {
    const ids = ['a', 'b', 'c', 'd'];
    expect(narrowAcceptance(ids, null)).toEqual({ accepted: ids, rejected: [], unconfirmed: [] });
    expect(narrowAcceptance(ids, { rejected: [{ id: 'b', error: 'unknown lead' }, { id: 'zz', error: 'x' }] })).toEqual({
      accepted: ['a', 'c', 'd'],
      rejected: [{ id: 'b', error: 'unknown lead' }],
      unconfirmed: [],
    });
    expect(narrowAcceptance(ids, { accepted: ['a', 'c'], rejected: [{ id: 'b' }] })).toEqual({
      accepted: ['a', 'c'],
      rejected: [{ id: 'b', error: 'rejected' }],
      unconfirmed: ['d'],
    });
  });
});

describe('push', () => {
  it('sends every pending event oldest first in batches of at most 500, and marks them synced', async () => {
    await receiver();
    const events = makeEvents(1203).reverse(); // stored newest first: order must come from createdAt
    await db.feedback.bulkAdd(events);
    const before = await db.feedback.toArray();
    const h = harness({ now: () => new Date('2026-11-27T09:20:00.000Z') });
    const res = await h.run('now');
    expect(res).toMatchObject({ outcome: 'synced', batches: 3, sent: 1203, accepted: 1203, rejected: 0 });
    expect(rx!.requests.map((r) => r.ids.length)).toEqual([500, 500, 203]);
    const sentOrder = rx!.requests.flatMap((r) => r.ids);
    expect(sentOrder).toEqual(makeEvents(1203).map((e) => e.id));
    expect(rx!.report()).toMatchObject({ unique: 1203, duplicates: 0, problems: [] });
    expect(rx!.requests.every((r) => r.authorization === 'Bearer tok-123')).toBe(true);
    // exactly the contract's fields went out
    const got = rx!.events.get(events[0].id)!;
    expect(Object.keys(got).sort()).toEqual(Object.keys(strip(events[0])).sort());
    expect(got).toEqual(strip(events[0]));
    // nothing deleted or edited except the bookkeeping
    const after = await db.feedback.toArray();
    expect(after).toHaveLength(1203);
    const byId = new Map(after.map((e) => [e.id, e]));
    for (const b of before) {
      const a = byId.get(b.id)!;
      expect(strip(a)).toEqual(strip(b));
      expect(a).toMatchObject({ syncState: 'synced', syncedAt: '2026-11-27T09:20:00.000Z', syncError: null });
    }
    const st = await syncStatus(db);
    expect(st).toMatchObject({ pending: 0, inflight: null, failures: 0, lastSuccessAt: '2026-11-27T09:20:00.000Z', lastError: null });
    expect(st.lastRun).toMatchObject({ sent: 1203, accepted: 1203 });
  });

  it('sends events made by real clicks, without Authorization when no token is set, and then has nothing to do', async () => {
    await receiver();
    const stamp = { rep: REP, site: 'gmail' as const };
    const a = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, stamp);
    const b = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'poor_fit', reason: 'no_budget' }, stamp);
    const h = harness({ token: '' });
    expect((await h.run('now')).outcome).toBe('synced');
    expect(rx!.requests).toHaveLength(1);
    expect(rx!.requests[0].authorization).toBeNull();
    expect(rx!.requests[0].ids).toEqual([a.id, b.id]);
    expect(rx!.events.get(b.id)).toMatchObject({ supersedes: a.id, reason: 'no_budget', rep: REP });
    expect((await h.run('alarm')).outcome).toBe('idle');
    expect(rx!.requests).toHaveLength(1);
  });

  it('treats a 2xx without a body as every event accepted', async () => {
    await receiver({ faults: ['empty-200'] });
    await db.feedback.bulkAdd(makeEvents(5));
    expect(await harness().run()).toMatchObject({ outcome: 'synced', accepted: 5 });
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(5);
  });

  it('does nothing without an endpoint, and refuses a plain-http endpoint that is not loopback', async () => {
    await receiver();
    await db.feedback.bulkAdd(makeEvents(3));
    expect((await harness({ endpoint: '' }).run('now')).outcome).toBe('not-configured');
    const res = await harness({ endpoint: 'http://example.com/ingest' }).run('now');
    expect(res.outcome).toBe('not-configured');
    expect(res.error).toMatch(/https/);
    expect(rx!.requests).toHaveLength(0);
    expect(await db.feedback.where('syncState').equals('pending').count()).toBe(3);
  });
});

describe('retryable failures', () => {
  for (const status of [408, 425, 500, 502, 503]) {
    it(`retries a batch answered ${status} later with backoff, the same ids first`, async () => {
      await receiver({ faults: [{ status, body: 'try later', store: false }] });
      await db.feedback.bulkAdd(makeEvents(620));
      const t0 = new Date('2026-11-27T09:20:00.000Z');
      const h = harness({ now: () => t0, random: () => 0.5 });
      const res = await h.run('alarm');
      expect(res.outcome).toBe('retry');
      const expected = t0.getTime() + Math.floor(0.5 * BACKOFF_BASE_MS);
      expect(Date.parse(res.retryAt!)).toBe(expected);
      expect(h.retries.at(-1)?.getTime()).toBe(expected);
      const state = await readSyncState(db);
      expect(state.inflight?.ids).toEqual(rx!.requests[0].ids);
      expect(state).toMatchObject({ failures: 1, lastError: { kind: 'http', status } });
      expect(await db.feedback.where('syncState').equals('pending').count()).toBe(620);

      // the periodic alarm respects the wait; the retry alarm goes
      expect((await h.run('alarm')).outcome).toBe('waiting');
      expect(rx!.requests).toHaveLength(1);
      const later = harness({ now: () => new Date(expected + 1) });
      expect((await later.run('retry')).outcome).toBe('synced');
      expect(rx!.requests[1].ids).toEqual(rx!.requests[0].ids);
      expect(await db.feedback.where('syncState').equals('synced').count()).toBe(620);
      expect((await readSyncState(db)).failures).toBe(0);
      expect(later.retries.at(-1)).toBeNull();
    });
  }

  it('grows the backoff with consecutive failures', async () => {
    await receiver({ faults: ['500', '500', '500', '500'] });
    await db.feedback.bulkAdd(makeEvents(2));
    const t0 = Date.parse('2026-11-27T09:20:00.000Z');
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const h = harness({ now: () => new Date(t0), random: () => 0.999999 });
      const res = await h.run('retry');
      waits.push(Date.parse(res.retryAt!) - t0);
    }
    expect(waits.map((w) => Math.round(w / 1000))).toEqual([30, 60, 120, 240]);
  });

  it('honours Retry-After in seconds', async () => {
    await receiver({ faults: ['429'], retryAfter: '120' });
    await db.feedback.bulkAdd(makeEvents(3));
    const t0 = new Date('2026-11-27T09:20:00.000Z');
    const res = await harness({ now: () => t0, random: () => 0 }).run();
    expect(res.outcome).toBe('retry');
    expect(res.retryAt).toBe('2026-11-27T09:22:00.000Z');
  });

  it('honours Retry-After as an HTTP date', async () => {
    const when = new Date(Date.now() + 90_000);
    await receiver({ faults: [{ status: 429, body: 'slow down', headers: { 'Retry-After': when.toUTCString() }, store: false }] });
    await db.feedback.bulkAdd(makeEvents(3));
    const res = await harness({ random: () => 0 }).run();
    expect(res.outcome).toBe('retry');
    // HTTP dates have whole seconds
    expect(Math.abs(Date.parse(res.retryAt!) - Math.floor(when.getTime() / 1000) * 1000)).toBeLessThan(1500);
  });

  it('retries after a dropped connection (network error)', async () => {
    await receiver({ faults: ['drop'] });
    await db.feedback.bulkAdd(makeEvents(3));
    const res = await harness().run();
    expect(res.outcome).toBe('retry');
    expect((await readSyncState(db)).lastError?.kind).toBe('network');
    expect(rx!.report().unique).toBe(0);
  });

  it('gives up waiting after the timeout and resends the same ids (the receiver de-duplicates)', async () => {
    await receiver({ faults: ['stall'], stallMs: 3000 });
    await db.feedback.bulkAdd(makeEvents(4));
    const t = Date.now();
    const res = await harness({ timeoutMs: 150 }).run();
    expect(Date.now() - t).toBeLessThan(2000);
    expect(res.outcome).toBe('retry');
    const state = await readSyncState(db);
    expect(state.lastError?.kind).toBe('timeout');
    expect((await harness().run('now')).outcome).toBe('synced');
    expect(rx!.report()).toMatchObject({ unique: 4, duplicates: 4 });
    expect(await db.feedback.count()).toBe(4);
  });

  it('comes back online: resumes at once after a network error, but not before a Retry-After', async () => {
    await receiver({ faults: ['drop'] });
    await db.feedback.bulkAdd(makeEvents(2));
    expect((await harness({ random: () => 0.999 }).run()).outcome).toBe('retry');
    expect((await harness().run('online')).outcome).toBe('synced');

    await db.feedback.bulkAdd([makeEvent(10), makeEvent(11)]);
    rx!.setFaults(Array(rx!.requests.length).fill('ok').concat(['429']));
    expect((await harness().run()).outcome).toBe('retry');
    expect((await harness().run('online')).outcome).toBe('waiting');
  });
});

describe('held batches', () => {
  it('holds a batch on another 4xx, shows status and 500 characters of the body, and retries it when the settings change', async () => {
    const body = `token expired ${'x'.repeat(1000)}`;
    await receiver({ faults: [{ status: 401, body, store: false }] });
    await db.feedback.bulkAdd(makeEvents(7));
    const h = harness();
    const res = await h.run('alarm');
    expect(res.outcome).toBe('held');
    expect(res.held).toMatchObject({ status: 401, endpoint: rx!.url });
    expect(res.held!.body).toBe(body.slice(0, 500));
    const st = await syncStatus(db);
    expect(st.held?.status).toBe(401);
    expect(st.lastError?.message).toMatch(/^HTTP 401: token expired/);
    expect(st.pending).toBe(7);
    expect(h.retries.at(-1)).toBeNull();

    for (const reason of ['alarm', 'retry', 'online', 'startup'] as const) expect((await h.run(reason)).outcome).toBe('waiting');
    expect(rx!.requests).toHaveLength(1);

    const fixed = await h.run('settings');
    expect(fixed.outcome).toBe('synced');
    expect(rx!.requests[1].ids).toEqual(rx!.requests[0].ids);
    expect((await syncStatus(db)).held).toBeNull();
  });

  it('does not follow a redirect: the batch is held, and no event counts as synced', async () => {
    // Followed, this POST would come back as a GET to /report, whose 200 would have marked the
    // events synced although the receiver stored none of them.
    await receiver({ faults: [{ status: 302, headers: { Location: '/report' }, store: false }] });
    await db.feedback.bulkAdd(makeEvents(3));
    const res = await harness().run('now');
    expect(res.outcome).toBe('held');
    expect(res.held).toMatchObject({ status: 302, body: REDIRECT_NOTE });
    expect(await db.feedback.where('syncState').equals('pending').count()).toBe(3);
    expect(rx!.report()).toMatchObject({ unique: 0 });
    expect((await syncStatus(db)).lastError?.message).toBe(`HTTP 302: ${REDIRECT_NOTE}`);

    // A browser hides a redirect's status (an opaque answer with status 0).
    await db.meta.clear();
    const opaque = { type: 'opaqueredirect', status: 0, headers: new Headers(), body: null } as unknown as Response;
    const browserLike = await harness({ fetch: async (_i, init) => (init?.redirect === 'manual' ? opaque : new Response('{}', { status: 200 })) }).run('now');
    expect(browserLike).toMatchObject({ outcome: 'held', held: { status: 0, body: REDIRECT_NOTE } });
    expect((await syncStatus(db)).lastError?.message).toBe(`A redirect: ${REDIRECT_NOTE}`);
    expect(await db.feedback.where('syncState').equals('pending').count()).toBe(3);
  });

  it('"Sync now" retries a held batch too', async () => {
    await receiver({ faults: ['401'] });
    await db.feedback.bulkAdd(makeEvents(2));
    expect((await harness().run()).outcome).toBe('held');
    expect((await harness().run('now')).outcome).toBe('synced');
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(2);
  });
});

describe('partial acceptance', () => {
  it('marks rejected events with their error, keeps them, and does not resend them', async () => {
    await receiver({ faults: ['partial'], rejectIds: (id) => (id.endsWith('3') ? `unknown lead for ${id}` : false) });
    const events = makeEvents(30);
    await db.feedback.bulkAdd(events);
    const res = await harness().run();
    const rejectedIds = events.filter((e) => e.id.endsWith('3')).map((e) => e.id);
    expect(res).toMatchObject({ outcome: 'synced', accepted: 30 - rejectedIds.length, rejected: rejectedIds.length });
    for (const id of rejectedIds) {
      expect(await db.feedback.get(id)).toMatchObject({ syncState: 'rejected', syncedAt: null, syncError: `unknown lead for ${id}` });
    }
    expect(await db.feedback.count()).toBe(30);
    expect((await syncStatus(db)).rejectedCount).toBe(rejectedIds.length);
    await db.feedback.add(makeEvent(100));
    await harness().run('now');
    expect(rx!.requests[1].ids).toEqual([makeEvent(100).id]);
  });

  it('leaves ids a body with an accepted list does not mention pending, in flight (sent: no undo), and sends them again first', async () => {
    await receiver({ faults: [{ status: 200, body: { accepted: [makeEvent(0).id] } }] });
    await db.feedback.bulkAdd(makeEvents(3));
    expect(await harness().run()).toMatchObject({ outcome: 'synced', accepted: 1 });
    expect((await db.feedback.get(makeEvent(0).id))?.syncState).toBe('synced');
    expect((await db.feedback.get(makeEvent(1).id))?.syncState).toBe('pending');
    expect((await readSyncState(db)).inflight?.ids).toEqual([makeEvent(1).id, makeEvent(2).id]);
    await harness().run();
    expect(rx!.requests[1].ids).toEqual([makeEvent(1).id, makeEvent(2).id]);
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(3);
  });
});

describe('interruptions', () => {
  it('resends the persisted in-flight ids first after a crash mid-batch, creating nothing new', async () => {
    await receiver();
    await db.feedback.bulkAdd(makeEvents(1100));
    let calls = 0;
    // The worker dies after the receiver got the second batch, before the answer is recorded.
    const dying: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (++calls === 2) {
        db.close();
        throw new Error('service worker stopped');
      }
      return res;
    };
    await expect(harness({ fetch: dying }).run()).rejects.toThrow();
    expect(rx!.report()).toMatchObject({ unique: 1000, duplicates: 0 });
    const secondBatch = rx!.requests[1].ids;

    // A new worker: the same database, a fresh lock. Every event the run claimed and had not
    // recorded an answer for is still in flight, in send order: the second batch, then the rest.
    db = openDb(dbName);
    await db.open();
    const state = await readSyncState(db);
    const unsent = makeEvents(1100)
      .slice(1000)
      .map((e) => e.id);
    expect(state.inflight?.ids).toEqual([...secondBatch, ...unsent]);
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(500);

    const res = await harness().run('startup');
    expect(res.outcome).toBe('synced');
    expect(rx!.requests[2].ids).toEqual(secondBatch);
    const rep = rx!.report();
    expect(rep).toMatchObject({ unique: 1100, duplicates: 500 });
    expect(await db.feedback.count()).toBe(1100);
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(1100);
    expect((await readSyncState(db)).inflight).toBeNull();
  });

  it('resends the persisted ids even when the crash came before the request left', async () => {
    await receiver();
    await db.feedback.bulkAdd(makeEvents(10));
    const dying: typeof fetch = async () => {
      db.close();
      throw new Error('browser closed');
    };
    await expect(harness({ fetch: dying, batchSize: 4 }).run()).rejects.toThrow();
    db = openDb(dbName);
    await db.open();
    // The run claimed all ten before its first request.
    const persisted = (await readSyncState(db)).inflight!.ids;
    expect(persisted).toEqual(makeEvents(10).map((e) => e.id));
    // a new event arrived in between, older than all of them: the interrupted ones still go first
    const late = makeEvent(50, { createdAt: '2026-10-01T00:00:00.000Z' });
    await db.feedback.add(late);
    await harness({ batchSize: 4 }).run('startup');
    expect(rx!.requests.map((r) => r.ids)).toEqual([persisted.slice(0, 4), persisted.slice(4, 8), persisted.slice(8), [late.id]]);
    expect(rx!.report()).toMatchObject({ unique: 11, duplicates: 0 });
  });

  it('never runs two syncs at once', async () => {
    await receiver({ faults: Array(10).fill({ status: 200, body: null }) });
    await db.feedback.bulkAdd(makeEvents(1500));
    const lock = createLock('shared-test-lock');
    const slow: typeof fetch = async (input, init) => {
      await new Promise((r) => setTimeout(r, 30));
      return fetch(input, init);
    };
    const results = await Promise.all([harness({ lock, fetch: slow }).run('now'), harness({ lock, fetch: slow }).run('alarm'), harness({ lock, fetch: slow }).run('online')]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['idle', 'idle', 'synced']);
    expect(rx!.report()).toMatchObject({ unique: 1500, duplicates: 0, maxConcurrent: 1 });
  });
});

describe('claiming a run', () => {
  it('claims every pending event before the first request: an undo cannot take one back, a click during the run waits for the next', async () => {
    await receiver();
    const t0 = new Date('2026-11-27T09:20:00.000Z');
    // Made just now, so inside the undo window; in the third batch of the run.
    await db.feedback.bulkAdd(makeEvents(1100, 0).map((e, i) => ({ ...e, createdAt: new Date(t0.getTime() - 5000 + i).toISOString() })));
    const late = makeEvents(1100)[1050];
    let undone: unknown = 'not tried';
    let clicked: string | null = null;
    const h = harness({
      now: () => t0,
      fetch: async (input, init) => {
        if (undone === 'not tried') {
          undone = await undoFeedback(db, late.id, t0);
          clicked = (await recordFeedback(db, { leadEmail: late.leadEmail!, type: 'lead_quality', value: 'good' }, { rep: REP, site: 'gmail', now: t0 })).id;
        }
        return fetch(input, init);
      },
    });
    const res = await h.run('now');
    expect(undone).toBeNull();
    expect(res).toMatchObject({ outcome: 'synced', sent: 1100, accepted: 1100 });
    expect(rx!.events.has(late.id)).toBe(true);
    expect(rx!.events.has(clicked!)).toBe(false);
    expect(await db.feedback.get(clicked!)).toMatchObject({ syncState: 'pending' });
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(1100);
    expect((await readSyncState(db)).inflight).toBeNull();
    // the click goes with the next run
    await h.run('now');
    expect(rx!.events.has(clicked!)).toBe(true);
  });

  it('after a failed batch keeps only that batch in flight; the batches before it are marked, the rest stay pending', async () => {
    await receiver({ faults: ['ok', { status: 503, body: 'busy', store: false }] });
    await db.feedback.bulkAdd(makeEvents(1300));
    const marked: string[][] = [];
    const res = await harness({ onBatch: ({ leadEmails, status }) => status === 200 && marked.push(leadEmails) }).run('now');
    expect(res).toMatchObject({ outcome: 'retry', batches: 2, accepted: 500 });
    const state = await readSyncState(db);
    expect(state.inflight?.ids).toEqual(rx!.requests[1].ids);
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(500);
    expect(await db.feedback.where('syncState').equals('pending').count()).toBe(800);
    // the leads whose events the accepted batch marked
    expect(marked).toHaveLength(1);
    expect(new Set(marked[0])).toEqual(new Set(makeEvents(500).map((e) => e.leadEmail)));
    // an event after the failed batch can be undone again (it is no longer claimed)
    const released = makeEvents(1300)[1200];
    expect(state.inflight?.ids.includes(released.id)).toBe(false);
  });

  it('a run resumed after an interruption that fails keeps in flight all the earlier run may have sent: none of it can be undone', async () => {
    await receiver({ faults: [{ status: 503, body: 'busy', store: false }] });
    const t0 = new Date('2026-11-27T09:20:00.000Z');
    const stamp = { rep: REP, site: 'gmail' as const, now: t0 };
    const a = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, stamp);
    const b = await recordFeedback(db, { leadEmail: 'raj.patel@globex.com', type: 'lead_quality', value: 'good' }, stamp);
    const c = await recordFeedback(db, { leadEmail: 'li.wei@umbrella.co', type: 'lead_quality', value: 'good' }, stamp);
    // An earlier run claimed a and b and was stopped with both in flight: it may have sent b
    // (a run sends a batch while it records the answer of the one before). c came after it.
    await db.meta.put({ key: 'sync.state', value: { inflight: { ids: [a.id, b.id], since: t0.toISOString(), attempts: 1 } } });
    // The resumed run sends a first, in a batch of its own, and gets a 503.
    expect((await harness({ now: () => t0, batchSize: 1 }).run('startup')).outcome).toBe('retry');
    expect((await readSyncState(db)).inflight?.ids).toEqual([a.id, b.id]);
    const soon = new Date(t0.getTime() + 3000);
    expect(await undoFeedback(db, b.id, soon, 'gmail')).toBeNull();
    expect(await db.feedback.get(b.id)).toBeDefined();
    // c was never sent: it can still be taken back.
    expect((await undoFeedback(db, c.id, soon, 'gmail'))?.id).toBe(c.id);
  });
});

describe('the clock', () => {
  it('a wait set while the clock ran ahead is over once the clock is put right', async () => {
    await receiver({ faults: [{ status: 500, body: 'busy', store: false }] });
    await db.feedback.bulkAdd(makeEvents(3));
    // Two hours ahead (a resumed virtual machine, a dual boot with the hardware clock in local time).
    const ahead = new Date('2026-11-27T11:20:00.000Z');
    expect((await harness({ now: () => ahead, random: () => 0.5 }).run('alarm')).outcome).toBe('retry');
    // Put right: the retry time is more than two hours away now, longer than the wait was.
    const right = new Date('2026-11-27T09:20:00.000Z');
    expect(Date.parse((await readSyncState(db)).retryAt!) - right.getTime()).toBeGreaterThan(2 * 3600_000);
    expect((await harness({ now: () => right }).run('alarm')).outcome).toBe('synced');
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(3);
  });

  it('a wait within what it was set to is kept', async () => {
    await receiver({ faults: ['429'], retryAfter: '120' });
    await db.feedback.bulkAdd(makeEvents(2));
    const t0 = new Date('2026-11-27T09:20:00.000Z');
    expect((await harness({ now: () => t0 }).run('alarm')).outcome).toBe('retry');
    expect((await harness({ now: () => new Date(t0.getTime() + 60_000) }).run('alarm')).outcome).toBe('waiting');
    expect((await harness({ now: () => new Date(t0.getTime() + 121_000) }).run('alarm')).outcome).toBe('synced');
  });
});

describe('reliability under a fault schedule', () => {
  it('delivers 2,000 events exactly once after de-duplication, with rejected ones marked', async () => {
    await receiver({ faults: standardFaults({ seed: 42 }), stallMs: 4000, retryAfter: '0' });
    await db.feedback.bulkAdd(makeEvents(2000));
    let runs = 0;
    for (; runs < 200; runs++) {
      // "Sync now" overrides backoff and the held batch, so the test need not wait for alarms.
      const res = await harness({ timeoutMs: 1000, batchSize: 40 }).run('now');
      if (res.outcome === 'idle') break;
    }
    const rep = rx!.report();
    console.log(`[sync reliability] ${rep.requests} requests in ${runs} runs, ${rep.deliveries} deliveries, ${rep.duplicates} repeated, faults ${JSON.stringify(rep.byFault)}`);
    expect(rep.problems).toEqual([]);
    expect(rep.byFault['401']).toBe(1);
    for (const f of ['500', '429', '429-date', 'drop', 'drop-after', 'stall', 'partial']) expect(rep.byFault[f] ?? 0).toBeGreaterThan(0);
    expect(rep.unique).toBe(2000);
    const all = await db.feedback.toArray();
    expect(all).toHaveLength(2000);
    const rejected = all.filter((e) => e.syncState === 'rejected');
    expect(rejected.length).toBe(rx!.rejected.size);
    for (const e of rejected) expect(e.syncError).toBe(rx!.rejected.get(e.id));
    expect(all.filter((e) => e.syncState === 'synced')).toHaveLength(2000 - rejected.length);
    expect(all.every((e) => e.syncState !== 'pending')).toBe(true);
  });
});

describe('throughput', () => {
  it('syncs 10,000 events to a loopback receiver in 20 batches (the time is reported, not asserted)', async () => {
    await receiver();
    await db.feedback.bulkAdd(makeEvents(10_000));
    const t = performance.now();
    const res = await harness({ timeoutMs: 30_000 }).run('now');
    const ms = performance.now() - t;
    console.log(`[sync throughput] 10,000 events in ${ms.toFixed(0)} ms = ${Math.round(10_000 / (ms / 1000))} events/s (fake-indexeddb)`);
    expect(res).toMatchObject({ outcome: 'synced', accepted: 10_000, batches: 20 });
  });
});
