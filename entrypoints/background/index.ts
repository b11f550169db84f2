import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { getDb } from '@/utils/db';
import { LeadCache } from '@/utils/leads';
import { handleMessage, tabAnswered, type RouterDeps } from '@/utils/router';
import { syncCustomContentScripts } from '@/utils/custom-sites';
import { pullFeed, readFeedState } from '@/utils/feed';
import { createScheduler } from '@/utils/schedule';
import { readPolicy, readSettings, readStoredSettings } from '@/utils/settings';

export default defineBackground({
  type: 'module',
  main() {
    /** Sends `message` to the content script of every tab (`to`: of those it accepts). */
    const tellTabs = async (message: object, to: (tab: { url?: string }) => Promise<boolean> | boolean = () => true) => {
      const tabs = await browser.tabs.query({});
      await Promise.all(
        tabs.map(async (t) => (typeof t.id === 'number' && (await to(t)) ? browser.tabs.sendMessage(t.id, message).catch(() => undefined) : undefined)),
      );
    };
    // Open pages look again (whether Unison runs there, and the campaign data). Calls close
    // together (a domain added in Sites: its permission, then the settings) make one message.
    let dataChanged: Promise<void> | null = null;
    const tellDataChanged = () =>
      (dataChanged ??= new Promise((r) => setTimeout(r, 250)).then(() => {
        dataChanged = null;
        return tellTabs({ type: 'data-changed' });
      }));
    // What badges need of every lead, in memory (built on the first lookup after the worker starts).
    const cache = new LeadCache();
    // Sync (push) and the campaign feed (pull): alarms, "Sync now", settings changes, online.
    const scheduler = createScheduler({
      db: getDb,
      settings: readSettings,
      pullFeed: async () => {
        const s = await readSettings();
        return pullFeed({
          db: getDb(),
          url: s.feed.url,
          onChanged: () => {
            cache.refresh(getDb());
            return tellDataChanged();
          },
        });
      },
      lastFeedUrl: async () => (await readFeedState(getDb())).url,
      // Synced events change the `synced` flag of their leads' answers.
      onMarked: (leadEmails) => cache.forgetAnswers(leadEmails),
    });
    // The administrator's policy, read once and again when it changes (reading managed storage
    // can take seconds while the browser starts).
    let policy: ReturnType<typeof readPolicy> | null = null;
    const deps: RouterDeps = {
      policy: () => (policy ??= readPolicy().catch(() => ({}))),
      db: getDb,
      cache,
      syncNow: () => scheduler.syncNow(),
      onSettingsChanged: () => scheduler.onSettingsChanged(),
      extensionId: browser.runtime.id,
      extensionUrl: browser.runtime.getURL('/'),
      permissions: browser.permissions,
      // Only pages Unison answers: one of a site switched off hears nothing of the rep's answers.
      // (The settings read once for all the tabs.)
      broadcast: async (email, answers) => {
        const settings = await readStoredSettings();
        await tellTabs({ type: 'answers-changed', email, answers }, (t) => tabAnswered(t.url, deps, settings));
      },
      broadcastDataChanged: tellDataChanged,
    };

    // Custom CRM domains: one dynamic content script, kept in step with the settings and the
    // granted permissions (idempotent; see utils/custom-sites.ts).
    const syncCustomDomains = () =>
      syncCustomContentScripts().catch((err) => {
        console.warn('Unison: could not register the content script for custom domains', err);
      });
    const previousOnSettingsChanged = deps.onSettingsChanged;
    deps.onSettingsChanged = async () => {
      try {
        await previousOnSettingsChanged?.();
      } finally {
        await syncCustomDomains();
      }
    };

    // Listeners are registered synchronously so a woken service worker receives the event.
    browser.runtime.onMessage.addListener((message, sender) => handleMessage(message, sender, deps));
    browser.runtime.onStartup.addListener(() => void syncCustomDomains());
    browser.runtime.onInstalled.addListener(() => void syncCustomDomains());
    // A permission withdrawn from the browser's own settings drops its domain from the script
    // (and the router answers that domain's open pages no more).
    // Its open pages are told (Unison leaves them), and so are pages of one granted again.
    const permissionsChanged = () => void syncCustomDomains().then(tellDataChanged);
    browser.permissions.onRemoved?.addListener(permissionsChanged);
    // And one granted again there (or anywhere but the Sites section) brings it back.
    browser.permissions.onAdded?.addListener(permissionsChanged);
    // And on every start of the worker: Chromium drops dynamic scripts when it reloads the
    // extension (an update, or an unpacked build at browser start) without always sending
    // onStartup or onInstalled; when nothing changed this is one read and no write.
    void syncCustomDomains();
    browser.alarms.onAlarm.addListener((alarm) => scheduler.onAlarm(alarm));
    // An administrator's policy change moves the alarms and retries a held batch.
    browser.storage.onChanged.addListener((_changes, area) => {
      if (area !== 'managed') return;
      policy = null;
      void scheduler.onSettingsChanged().catch(() => undefined);
    });
    // Where the background hears it (Firefox's event page); a Chromium service worker does not,
    // and there the alarms look whether the network is back (see utils/schedule.ts).
    globalThis.addEventListener?.('online', () => void scheduler.onOnline().catch(() => undefined));
    void scheduler.start().catch((err) => console.warn('Unison: could not start sync', err));
  },
});
