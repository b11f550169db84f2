// @vitest-environment node
// Alarms (WXT's fake browser), settings and policy from the real storage code, a real receiver.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDb, type UnisonDB } from '@/utils/db';
import { readFeedState, pullFeed } from '@/utils/feed';
import { ALARM_FEED, ALARM_SYNC, ALARM_SYNC_RETRY, applySchedules, createScheduler, scheduleSyncRetry } from '@/utils/schedule';
import { readSettings, updateSettings } from '@/utils/settings';
import { readSyncState } from '@/utils/sync';
import { startReceiver, type Receiver } from '../support/receiver.mjs';
import { makeEvents } from '../support/events';

let db: UnisonDB;
let rx: Receiver;
let n = 0;

beforeEach(async () => {
  db = openDb(`schedule-${++n}-${Date.now()}`);
  await db.open();
  rx = await startReceiver();
});
afterEach(async () => {
  await rx.close();
  db.close();
});

const scheduler = () =>
  createScheduler({
    db: () => db,
    settings: readSettings,
    timeoutMs: 5000,
    pullFeed: async () => pullFeed({ db, url: (await readSettings()).feed.url }),
    lastFeedUrl: async () => (await readFeedState(db)).url,
  });

/** Sync set to the receiver with `token` and `events` pending; the first run is held (the receiver's first answer must be a 401). */
async function firstRunHeld(token: string, events: number) {
  await updateSettings((s) => {
    s.sync.endpoint = rx.url;
    s.sync.token = token;
  });
  await db.feedback.bulkAdd(makeEvents(events));
  const sch = scheduler();
  expect((await sch.sync('alarm')).outcome).toBe('held');
  return sch;
}

describe('alarms', () => {
  it('follows the settings: sync every N minutes, the feed every M, nothing without an endpoint or feed', async () => {
    await applySchedules(await readSettings());
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);

    await updateSettings((s) => {
      s.sync.endpoint = 'https://feedback.example/ingest';
      s.feed.url = 'https://marketing.example/feed.json';
      s.feed.intervalMinutes = 30;
    });
    await applySchedules(await readSettings());
    expect((await fakeBrowser.alarms.get(ALARM_SYNC))?.periodInMinutes).toBe(5);
    expect((await fakeBrowser.alarms.get(ALARM_FEED))?.periodInMinutes).toBe(30);

    // unchanged settings leave the alarm as it is (re-creating would push it back)
    const first = (await fakeBrowser.alarms.get(ALARM_SYNC))!.scheduledTime;
    await new Promise((r) => setTimeout(r, 5));
    await applySchedules(await readSettings());
    expect((await fakeBrowser.alarms.get(ALARM_SYNC))!.scheduledTime).toBe(first);

    await updateSettings((s) => {
      s.sync.intervalMinutes = 15;
      s.feed.url = '';
    });
    await applySchedules(await readSettings());
    expect((await fakeBrowser.alarms.get(ALARM_SYNC))?.periodInMinutes).toBe(15);
    expect(await fakeBrowser.alarms.get(ALARM_FEED)).toBeUndefined();
  });

  it('takes the endpoint and interval from policy when set', async () => {
    await fakeBrowser.storage.managed.set({ endpoint: 'https://feedback.example/ingest', syncIntervalMinutes: 10 });
    const s = await readSettings();
    expect(s.locked).toEqual(expect.arrayContaining(['endpoint', 'syncIntervalMinutes']));
    await applySchedules(s);
    expect((await fakeBrowser.alarms.get(ALARM_SYNC))?.periodInMinutes).toBe(10);
  });

  it('sets and clears the one-shot retry alarm', async () => {
    const at = new Date(Date.now() + 60_000);
    await scheduleSyncRetry(at);
    const alarm = await fakeBrowser.alarms.get(ALARM_SYNC_RETRY);
    expect(alarm?.scheduledTime).toBe(at.getTime());
    expect(alarm?.periodInMinutes).toBeUndefined();
    await scheduleSyncRetry(null);
    expect(await fakeBrowser.alarms.get(ALARM_SYNC_RETRY)).toBeUndefined();
  });
});

describe('triggers', () => {
  it('a failed run leaves a retry alarm, and the retry alarm sends the batch', async () => {
    rx.setFaults(['500']);
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
    });
    await db.feedback.bulkAdd(makeEvents(3));
    const sch = scheduler();
    await sch.onAlarm({ name: ALARM_SYNC });
    const retry = await fakeBrowser.alarms.get(ALARM_SYNC_RETRY);
    expect(retry).toBeDefined();
    expect(retry!.scheduledTime).toBe(Date.parse((await readSyncState(db)).retryAt!));
    await sch.onAlarm({ name: ALARM_SYNC_RETRY });
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(3);
    expect(await fakeBrowser.alarms.get(ALARM_SYNC_RETRY)).toBeUndefined();
  });

  it('"Sync now" pushes and pulls the feed, and says whether the push went through', async () => {
    rx.setFeed({ body: '{"schema":"unison.campaign-data/1","leads":[{"email":"ann@acme.io","name":"Ann Lee"}]}', contentType: 'application/json' });
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
      s.feed.url = rx.feedUrl;
    });
    await db.feedback.bulkAdd(makeEvents(4));
    const sch = scheduler();
    expect(await sch.syncNow()).toBe(true);
    expect(rx.report().unique).toBe(4);
    expect(await db.leads.get('ann@acme.io')).toBeDefined();
    rx.setFaults(Array(rx.requests.length).fill('ok').concat(['401']));
    await db.feedback.bulkAdd(makeEvents(2, 100));
    expect(await sch.syncNow()).toBe(false);
  });

  it('a settings change retries a held batch and pulls a new feed URL at once', async () => {
    rx.setFaults(['401']);
    const sch = await firstRunHeld('old', 5);
    expect((await sch.sync('alarm')).outcome).toBe('waiting');
    rx.setFeed({ body: '{"schema":"unison.campaign-data/1","leads":[{"email":"li.wei@umbrella.co","name":"Li Wei"}]}', contentType: 'application/json' });
    await updateSettings((s) => {
      s.sync.token = 'new';
      s.feed.url = rx.feedUrl;
    });
    await sch.onSettingsChanged();
    await vi.waitFor(async () => expect(await db.feedback.where('syncState').equals('synced').count()).toBe(5));
    expect(rx.requests.at(-1)?.authorization).toBe('Bearer new');
    expect(rx.requests.at(-1)?.ids).toEqual(rx.requests[0].ids);
    await vi.waitFor(async () => expect(await db.leads.get('li.wei@umbrella.co')).toBeDefined());
    expect((await fakeBrowser.alarms.get(ALARM_FEED))?.periodInMinutes).toBe(60);
  });

  it('a settings change that leaves the endpoint and token as they were neither retries a held batch nor cuts a wait short', async () => {
    rx.setFaults(['401', '500']);
    const sch = await firstRunHeld('tok', 3);
    // A site switched off, the rep's name saved: sync is left alone.
    await updateSettings((s) => {
      s.disabledSites = ['zoho'];
      s.you.name = 'Sam';
    });
    await sch.onSettingsChanged();
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.requests).toHaveLength(1);
    expect((await readSyncState(db)).held?.status).toBe(401);
    // A new token retries the held batch at once (500 this time: a backoff wait begins).
    await updateSettings((s) => {
      s.sync.token = 'tok-2';
    });
    await sch.onSettingsChanged();
    await vi.waitFor(() => expect(rx.requests).toHaveLength(2));
    await vi.waitFor(async () => expect((await readSyncState(db)).retryAt).not.toBeNull());
    // The interval changes: the wait stands.
    await updateSettings((s) => {
      s.sync.intervalMinutes = 10;
    });
    await sch.onSettingsChanged();
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.requests).toHaveLength(2);
    expect((await fakeBrowser.alarms.get(ALARM_SYNC))?.periodInMinutes).toBe(10);
  });

  it('the retry alarm comes back when the worker starts without it (the browser dropped it, or the worker stopped before making it)', async () => {
    rx.setFaults(['500']);
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
      s.sync.intervalMinutes = 60;
    });
    await db.feedback.bulkAdd(makeEvents(3));
    await scheduler().onAlarm({ name: ALARM_SYNC });
    const { retryAt } = await readSyncState(db);
    expect(await fakeBrowser.alarms.get(ALARM_SYNC_RETRY)).toBeDefined();
    await fakeBrowser.alarms.clearAll();
    await scheduler().start();
    // Not the periodic alarm an hour away: the backoff's own time.
    expect((await fakeBrowser.alarms.get(ALARM_SYNC_RETRY))?.scheduledTime).toBe(Date.parse(retryAt!));
    expect(rx.requests).toHaveLength(1);
  });

  it('a held batch is retried at the next alarm, or when the worker starts, after a new token the background was not told about', async () => {
    rx.setFaults(['401', '401']);
    await firstRunHeld('expired', 4);
    // The options page saved a new token and closed before its message went.
    await updateSettings((s) => {
      s.sync.token = 'tok-2';
    });
    await scheduler().start();
    expect(rx.requests).toHaveLength(2);
    expect((await readSyncState(db)).held?.status).toBe(401);
    // Held again, with the token in force: the alarm leaves it be until the settings change again.
    await scheduler().onAlarm({ name: ALARM_SYNC });
    expect(rx.requests).toHaveLength(2);
    await updateSettings((s) => {
      s.sync.token = 'tok-3';
    });
    await scheduler().onAlarm({ name: ALARM_SYNC });
    expect(rx.requests).toHaveLength(3);
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(4);
  });

  it('resumes an interrupted batch when the worker starts', async () => {
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
    });
    await db.feedback.bulkAdd(makeEvents(3));
    await db.meta.put({ key: 'sync.state', value: { inflight: { ids: makeEvents(2).map((e) => e.id), since: new Date().toISOString(), attempts: 1 } } });
    await scheduler().start();
    expect(rx.requests[0].ids).toEqual(makeEvents(2).map((e) => e.id));
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(3);
    expect((await fakeBrowser.alarms.get(ALARM_SYNC))?.periodInMinutes).toBe(5);
  });

  it('notices the network is back without an `online` event (a service worker gets none): the alarms look', async () => {
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
    });
    await db.feedback.bulkAdd(makeEvents(2));
    let onLine = false;
    const offlineFetch: typeof fetch = (input, init) => (onLine ? fetch(input, init) : Promise.reject(new TypeError('Failed to fetch')));
    const s = createScheduler({ db: () => db, settings: readSettings, timeoutMs: 5000, fetch: offlineFetch, online: () => onLine });
    // Many failures before: the backoff wait is long (up to an hour).
    await db.meta.put({ key: 'sync.state', value: { failures: 12 } });
    const failed = await s.sync('alarm');
    expect(failed.outcome).toBe('retry');
    const state = await readSyncState(db);
    expect(state.lastError).toMatchObject({ kind: 'network', offline: true });
    // The retry alarm comes within a minute, whatever the backoff.
    const soon = (await fakeBrowser.alarms.get(ALARM_SYNC_RETRY))!.scheduledTime;
    expect(soon).toBeLessThanOrEqual(Date.now() + 60_000);

    // Whatever the jitter drew, the backoff runs an hour from now.
    await db.meta.put({ key: 'sync.state', value: { ...state, retryAt: new Date(Date.now() + 3_600_000).toISOString() } });

    // Still offline: nothing is sent, and the alarm looks again in a minute.
    await fakeBrowser.alarms.clear(ALARM_SYNC_RETRY);
    await s.onAlarm({ name: ALARM_SYNC_RETRY });
    expect(rx.requests).toHaveLength(0);
    expect((await fakeBrowser.alarms.get(ALARM_SYNC_RETRY))!.scheduledTime).toBeGreaterThan(Date.now() + 50_000);

    // Back online: the next alarm (the periodic one here) sends at once, backoff or not.
    onLine = true;
    await s.onAlarm({ name: ALARM_SYNC });
    expect(rx.requests).toHaveLength(1);
    expect(await db.feedback.where('syncState').equals('synced').count()).toBe(2);
    expect((await readSyncState(db)).lastError).toBeNull();
  });

  it('a failure while online keeps its backoff: the periodic alarm does not override it', async () => {
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
    });
    await db.feedback.bulkAdd(makeEvents(2));
    let down = true;
    const flaky: typeof fetch = (input, init) => (down ? Promise.reject(new TypeError('Failed to fetch')) : fetch(input, init));
    const s = createScheduler({ db: () => db, settings: readSettings, timeoutMs: 5000, fetch: flaky, online: () => true });
    await db.meta.put({ key: 'sync.state', value: { failures: 12 } });
    expect((await s.sync('alarm')).outcome).toBe('retry');
    const state = await readSyncState(db);
    expect(state.lastError?.offline).toBeUndefined();
    await db.meta.put({ key: 'sync.state', value: { ...state, retryAt: new Date(Date.now() + 3_600_000).toISOString(), retryWaitMs: 3_600_000 } });
    down = false;
    await s.onAlarm({ name: ALARM_SYNC });
    expect(rx.requests).toHaveLength(0);
    expect(await db.feedback.where('syncState').equals('pending').count()).toBe(2);
  });

  it('going online runs sync', async () => {
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
    });
    await db.feedback.bulkAdd(makeEvents(2));
    expect((await scheduler().onOnline()).outcome).toBe('synced');
  });
});
