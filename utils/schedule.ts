/**
 * When sync and the campaign feed run. Only `browser.alarms` (a service worker may be stopped at
 * any time, so no long timers): a periodic alarm for sync (default every 5 minutes, from the
 * settings or policy), a periodic alarm for the feed, and a one-shot alarm for a backoff retry.
 * Sync also runs when the browser comes back online (on the `online` event where the background
 * gets one; else the alarms look, every minute after a failure while offline), when the user
 * presses "Sync now", when the endpoint or token change (which also retries a held batch) and
 * when the worker starts with a batch still in flight.
 */
import { browser, type Browser } from 'wxt/browser';
import type { UnisonDB } from './db';
import { browserOnline, OFFLINE_POLL_MS, readSyncState, retryWait, runSync, syncConfigKey, type SyncConfig, type SyncReason, type SyncResult, type SyncStateRecord } from './sync';

export const ALARM_SYNC = 'unison-sync';
export const ALARM_SYNC_RETRY = 'unison-sync-retry';
export const ALARM_FEED = 'unison-feed';

export interface ScheduleSettings {
  sync: { endpoint: string; intervalMinutes: number };
  feed: { url: string; intervalMinutes: number };
}

/** Keeps one periodic alarm; an alarm that already has the right period is left alone (re-creating it would push it back). */
async function ensurePeriodic(name: string, minutes: number | null): Promise<void> {
  const existing = await browser.alarms.get(name);
  if (minutes == null) {
    if (existing) await browser.alarms.clear(name);
    return;
  }
  if (existing && existing.periodInMinutes === minutes) return;
  await browser.alarms.create(name, { periodInMinutes: minutes, delayInMinutes: minutes });
}

/** Creates, changes or removes the periodic alarms to fit the settings in force. */
export async function applySchedules(s: ScheduleSettings): Promise<void> {
  await ensurePeriodic(ALARM_SYNC, s.sync.endpoint ? s.sync.intervalMinutes : null);
  await ensurePeriodic(ALARM_FEED, s.feed.url ? s.feed.intervalMinutes : null);
}

/** Sets (or with null, cancels) the one-shot backoff alarm. */
export async function scheduleSyncRetry(at: Date | null): Promise<void> {
  if (!at) {
    await browser.alarms.clear(ALARM_SYNC_RETRY);
    return;
  }
  await browser.alarms.create(ALARM_SYNC_RETRY, { when: at.getTime() });
}

export interface SchedulerDeps {
  db: () => UnisonDB;
  /** Settings in force (policy applied). */
  settings: () => Promise<ScheduleSettings & { sync: SyncConfig & { intervalMinutes: number } }>;
  /** Pulls the campaign feed once; `force` skips nothing (used on "Sync now"). */
  pullFeed?: (reason: 'alarm' | 'now' | 'settings') => Promise<unknown>;
  /** The feed URL the last pull used (to pull at once when it changes). */
  lastFeedUrl?: () => Promise<string | null>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Whether the browser says it has a network (default `navigator.onLine`). */
  online?: () => boolean;
  /** After a batch's answer is recorded: the leads whose events it marked. */
  onMarked?: (leadEmails: string[]) => void;
}

export interface Scheduler {
  /** On worker start: alarms fit the settings; an interrupted batch is resumed. */
  start(): Promise<void>;
  onAlarm(alarm: Pick<Browser.alarms.Alarm, 'name'>): Promise<void>;
  onOnline(): Promise<SyncResult>;
  /** "Sync now": pushes feedback (overriding backoff and a held batch) and pulls the feed. */
  syncNow(): Promise<boolean>;
  /** After a settings change: alarms follow, a held batch is retried, a new feed URL is pulled. */
  onSettingsChanged(): Promise<void>;
  sync(reason: SyncReason): Promise<SyncResult>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const sync = (reason: SyncReason) =>
    runSync(
      {
        db: deps.db(),
        config: async () => {
          const s = await deps.settings();
          return { endpoint: s.sync.endpoint, token: s.sync.token };
        },
        fetch: deps.fetch,
        online: deps.online,
        timeoutMs: deps.timeoutMs,
        scheduleRetry: scheduleSyncRetry,
        onBatch: ({ leadEmails }) => {
          if (leadEmails.length) deps.onMarked?.(leadEmails);
        },
      },
      reason,
    );

  const quietly = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((err: unknown) => {
      console.warn('Unison:', err);
      return undefined;
    });

  /**
   * A batch held with other settings than those in force now (the endpoint or the token changed
   * without the background being told: the options page closed before its message went).
   */
  const heldWithOldSettings = async ({ held, configKey }: SyncStateRecord): Promise<boolean> =>
    !!held && configKey !== (await syncConfigKey((await deps.settings()).sync));

  return {
    sync,
    async start() {
      await applySchedules(await deps.settings());
      const state = await readSyncState(deps.db());
      // The backoff alarm, which the browser may have dropped (an update, a restart) or a stopped
      // worker never made: sync resumes when the wait is over, not at the next periodic alarm.
      const wait = retryWait(state, new Date());
      if (wait > 0 && !state.held) await quietly(scheduleSyncRetry(new Date(Date.now() + (state.lastError?.offline ? Math.min(wait, OFFLINE_POLL_MS) : wait))));
      if (await heldWithOldSettings(state)) await quietly(sync('settings'));
      else if (state.inflight) await quietly(sync('startup'));
    },
    async onAlarm(alarm) {
      if (alarm.name === ALARM_FEED) return void (await quietly(deps.pullFeed?.('alarm') ?? Promise.resolve()));
      if (alarm.name !== ALARM_SYNC && alarm.name !== ALARM_SYNC_RETRY) return;
      const state = await readSyncState(deps.db());
      if (await heldWithOldSettings(state)) return void (await quietly(sync('settings')));
      // The last try failed offline. A service worker hears no `online` event (Chromium), so the
      // alarms look: back online, sync runs as on that event; still offline, they look again soon.
      if (state.lastError?.offline) {
        if ((deps.online ?? browserOnline)()) await quietly(sync('online'));
        else await scheduleSyncRetry(new Date(Date.now() + OFFLINE_POLL_MS));
        return;
      }
      await quietly(sync(alarm.name === ALARM_SYNC ? 'alarm' : 'retry'));
    },
    onOnline() {
      return sync('online');
    },
    async syncNow() {
      const [pushed] = await Promise.all([sync('now'), quietly(deps.pullFeed?.('now') ?? Promise.resolve())]);
      return pushed.outcome === 'synced' || pushed.outcome === 'idle';
    },
    async onSettingsChanged() {
      const s = await deps.settings();
      await applySchedules(s);
      // A held batch is retried, and a backoff wait cut short, when the endpoint or the token
      // changed since the last run: switching a site off or saving You must not resend early.
      const { configKey } = await readSyncState(deps.db());
      // Not awaited: the options page should not wait on a 30 s timeout to see "Saved".
      if (configKey !== (await syncConfigKey(s.sync))) void quietly(sync('settings'));
      const last = (await deps.lastFeedUrl?.()) ?? null;
      if (s.feed.url && s.feed.url !== last) void quietly(deps.pullFeed?.('settings') ?? Promise.resolve());
    },
  };
}
