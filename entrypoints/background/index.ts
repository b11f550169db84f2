import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { getDb } from '@/utils/db';
import { handleMessage, type RouterDeps } from '@/utils/router';
import { syncCustomContentScripts } from '@/utils/custom-sites';

export default defineBackground({
  type: 'module',
  main() {
    const tellTabs = async (message: object) => {
      const tabs = await browser.tabs.query({});
      await Promise.all(
        tabs.map((t) => (typeof t.id === 'number' ? browser.tabs.sendMessage(t.id, message).catch(() => undefined) : undefined)),
      );
    };
    const deps: RouterDeps = {
      db: getDb,
      extensionId: browser.runtime.id,
      extensionUrl: browser.runtime.getURL('/'),
      broadcast: (email, answers) => tellTabs({ type: 'answers-changed', email, answers }),
      broadcastDataChanged: () => tellTabs({ type: 'data-changed' }),
    };

    // Custom CRM domains: one dynamic content script, kept in step with the settings and the
    // granted permissions (idempotent; see utils/custom-sites.ts).
    const syncCustomDomains = () =>
      syncCustomContentScripts().catch((err) => {
        console.warn('Unison: could not register the content script for custom domains', err);
      });
    const previousOnSettingsChanged = deps.onSettingsChanged;
    deps.onSettingsChanged = async () => {
      await previousOnSettingsChanged?.();
      await syncCustomDomains();
    };

    // Listeners are registered synchronously so a woken service worker receives the event.
    browser.runtime.onMessage.addListener((message, sender) => handleMessage(message, sender, deps));
    browser.runtime.onStartup.addListener(() => void syncCustomDomains());
    browser.runtime.onInstalled.addListener(() => void syncCustomDomains());
    // A permission withdrawn from the browser's own settings drops its domain from the script.
    browser.permissions.onRemoved?.addListener(() => void syncCustomDomains());
  },
});
