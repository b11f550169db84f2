import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { getDb } from '@/utils/db';
import { handleMessage, type RouterDeps } from '@/utils/router';

export default defineBackground({
  type: 'module',
  main() {
    const deps: RouterDeps = {
      db: getDb,
      extensionId: browser.runtime.id,
      extensionUrl: browser.runtime.getURL('/'),
      broadcast: async (email, answers) => {
        const tabs = await browser.tabs.query({});
        await Promise.all(
          tabs.map((t) =>
            typeof t.id === 'number'
              ? browser.tabs.sendMessage(t.id, { type: 'answers-changed', email, answers }).catch(() => undefined)
              : undefined,
          ),
        );
      },
    };

    // Listeners are registered synchronously so a woken service worker receives the event.
    browser.runtime.onMessage.addListener((message, sender) => handleMessage(message, sender, deps));
  },
});
