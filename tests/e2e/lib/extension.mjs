// Starting Chromium with the built extension, and driving its pages and service worker.
import {
  extensionIdFromUrl,
  launchWithExtension,
  makeProfileDir,
  removeProfileDir,
  waitForExtensionWorker,
} from '../../../scripts/lib/chromium.mjs';
import { EXTENSION_DIR } from './paths.mjs';
import { blockExternalNetwork } from './routes.mjs';

const HEADLESS_DEFAULT = process.env.UNISON_E2E_HEADED !== '1';

/** Temporary profiles still in use: removed at exit too, should a test be cancelled mid-way. */
const liveProfiles = new Set();
process.once('exit', () => {
  for (const dir of liveProfiles) removeProfileDir(dir);
});

/**
 * @typedef {object} ExtensionSession
 * @property {import('playwright-core').BrowserContext} context  replaced by restart()
 * @property {string} extensionId
 * @property {import('playwright-core').Worker} serviceWorker  the worker found at (re)start
 * @property {string} userDataDir
 * @property {string[]} pageErrors  uncaught errors of every page, as "url: message"
 * @property {(path: string) => string} url  `chrome-extension://<id>/<path>`
 * @property {() => Promise<import('playwright-core').Page>} optionsPage
 * @property {(hostPage?: import('playwright-core').Page) => Promise<import('playwright-core').Page>} popupPage
 * @property {() => Promise<import('playwright-core').Worker>} getServiceWorker  wakes it if stopped
 * @property {() => Promise<boolean>} stopServiceWorker
 * @property {() => Promise<ExtensionSession>} restart
 * @property {() => Promise<void>} close
 */

/**
 * Starts Chromium with the extension. By default on a fresh temporary profile, which close()
 * removes; pass `userDataDir` to keep one (it is then never removed here).
 * Unrouted http(s) requests fail at once (tests are offline) unless `offline: false`.
 *
 * @param {{ userDataDir?: string, headless?: boolean, extensionDir?: string, offline?: boolean,
 *           viewport?: { width: number, height: number } }} [opts]
 * @returns {Promise<ExtensionSession>}
 */
export async function launchExtension({
  userDataDir,
  headless = HEADLESS_DEFAULT,
  extensionDir = EXTENSION_DIR,
  offline = true,
  viewport,
} = {}) {
  const ownsProfile = !userDataDir;
  const profile = userDataDir ?? makeProfileDir('unison-e2e-');
  if (ownsProfile) liveProfiles.add(profile);
  const pageErrors = [];

  async function start() {
    const launched = await launchWithExtension({ extensionDir, userDataDir: profile, headless, viewport });
    const watch = (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    launched.context.pages().forEach(watch);
    launched.context.on('page', watch);
    if (offline) await blockExternalNetwork(launched.context);
    return launched;
  }

  let launched;
  try {
    launched = await start();
  } catch (err) {
    if (ownsProfile) {
      removeProfileDir(profile);
      liveProfiles.delete(profile);
    }
    throw err;
  }

  /** @type {ExtensionSession} */
  const session = {
    context: launched.context,
    extensionId: launched.extensionId,
    serviceWorker: launched.serviceWorker,
    userDataDir: profile,
    pageErrors,

    url(path) {
      return `chrome-extension://${session.extensionId}/${String(path).replace(/^\//, '')}`;
    },

    /** A new tab on options.html, once it has rendered (its `Campaign data` heading is there). */
    async optionsPage() {
      const page = await session.context.newPage();
      await page.goto(session.url('options.html'));
      await page.getByRole('heading', { name: 'Campaign data', exact: true }).waitFor();
      return page;
    },

    /**
     * The popup, in a tab. A browser-action popup cannot be driven from a test, so popup.html
     * is opened as a background tab in the host page's window: the host page stays the active
     * tab, and the popup's `tabs.query({ active: true, currentWindow: true })` finds it exactly
     * as it does when opened from the toolbar. Without a host page it opens as an ordinary tab.
     */
    async popupPage(hostPage) {
      if (!hostPage) {
        const page = await session.context.newPage();
        await page.goto(session.url('popup.html'));
        return page;
      }
      await hostPage.bringToFront();
      const worker = await session.getServiceWorker();
      const hostTab = await worker.evaluate(async () => {
        const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
        return tab ? { id: tab.id, windowId: tab.windowId, url: tab.url ?? null } : null;
      });
      if (!hostTab) throw new Error('popupPage: no active tab after bringing the host page to front');
      if (hostTab.url !== null && hostTab.url !== hostPage.url()) {
        throw new Error(`popupPage: the active tab is ${hostTab.url}, not the host page ${hostPage.url()}`);
      }
      const popupUrl = session.url('popup.html');
      const [page] = await Promise.all([
        session.context.waitForEvent('page', { predicate: (p) => p.url().startsWith(popupUrl) }),
        worker.evaluate(
          ({ url, windowId }) => chrome.tabs.create({ url, windowId, active: false }).then(() => undefined),
          { url: popupUrl, windowId: hostTab.windowId },
        ),
      ]);
      await page.waitForLoadState('domcontentloaded');
      return page;
    },

    /**
     * The running service worker. A stopped worker is woken first (by a message from an
     * extension page, as any real event would wake it).
     */
    async getServiceWorker() {
      const alive = await liveWorker(session.context, session.extensionId);
      if (alive) return (session.serviceWorker = alive);
      await wakeServiceWorker(session);
      for (let i = 0; i < 50; i++) {
        const w = await liveWorker(session.context, session.extensionId);
        if (w) return (session.serviceWorker = w);
        await sleep(100);
      }
      return (session.serviceWorker = await waitForExtensionWorker(session.context, { extensionId: session.extensionId }));
    },

    stopServiceWorker() {
      return stopServiceWorker(session.context, session.extensionId);
    },

    /**
     * Closes the browser and starts it again on the same profile. Routes and pages are gone
     * afterwards: use the new `session.context`.
     */
    async restart() {
      await session.context.close();
      const next = await start();
      if (next.extensionId !== session.extensionId) {
        await next.context.close();
        throw new Error(`The extension id changed across a restart (${session.extensionId} → ${next.extensionId})`);
      }
      session.context = next.context;
      session.serviceWorker = next.serviceWorker;
      return session;
    },

    async close() {
      try {
        await session.context.close();
      } finally {
        if (ownsProfile) {
          removeProfileDir(profile);
          liveProfiles.delete(profile);
        }
      }
    },
  };
  return session;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A worker of this extension that answers right now, or null. */
async function liveWorker(context, extensionId) {
  for (const w of context.serviceWorkers()) {
    if (extensionIdFromUrl(w.url()) !== extensionId) continue;
    const ok = await Promise.race([w.evaluate(() => true).catch(() => false), sleep(1000).then(() => false)]);
    if (ok) return w;
  }
  return null;
}

/** Sends a message from a short-lived extension page: any runtime message starts the worker. */
async function wakeServiceWorker(session) {
  const page = await session.context.newPage();
  try {
    // The manifest's options page exists in every build; any extension page would do.
    await page.goto(session.url('options.html'), { waitUntil: 'domcontentloaded' });
    await page.evaluate(() => chrome.runtime.sendMessage({ type: 'hello' }).catch(() => undefined));
  } finally {
    await page.close();
  }
}

/**
 * Stops the extension's MV3 service worker, as Chrome does after 30 s idle, through the
 * DevTools protocol (ServiceWorker.stopWorker). Resolves to true once Chrome reports it
 * stopped, false when it was not running. The next extension event starts it again.
 *
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} extensionId
 */
export async function stopServiceWorker(context, extensionId, { timeout = 10_000 } = {}) {
  const scope = `chrome-extension://${extensionId}/`;
  let page = context.pages()[0];
  const ownPage = !page;
  if (ownPage) page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  /** @type {Map<string, { versionId: string, scriptURL: string, runningStatus: string }>} */
  const versions = new Map();
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
    for (const v of updated) if (v.scriptURL.startsWith(scope)) versions.set(v.versionId, v);
  });
  try {
    await cdp.send('ServiceWorker.enable');
    // Chrome reports the known versions right after enable.
    for (let waited = 0; versions.size === 0 && waited < 2000; waited += 50) await sleep(50);
    const running = [...versions.values()].filter((v) => v.runningStatus !== 'stopped');
    if (running.length === 0) return false;
    for (const v of running) await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
    const deadline = Date.now() + timeout;
    while (running.some((v) => versions.get(v.versionId)?.runningStatus !== 'stopped')) {
      if (Date.now() > deadline) throw new Error(`The service worker of ${extensionId} did not stop within ${timeout} ms`);
      await sleep(50);
    }
    return true;
  } finally {
    await cdp.send('ServiceWorker.disable').catch(() => undefined);
    await cdp.detach().catch(() => undefined);
    if (ownPage) await page.close().catch(() => undefined);
  }
}
