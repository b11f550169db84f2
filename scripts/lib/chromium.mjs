// Finds the Chromium that end-to-end tests, the demo and benchmarks drive, and starts it with
// the built extension loaded (see launchWithExtension).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where Chromium is looked for: the binary `UNISON_CHROMIUM` names, when set, and only there. */
function candidates() {
  const named = process.env.UNISON_CHROMIUM;
  return named ? [named] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
}

export function findChromium() {
  return candidates().find((p) => existsSync(p)) ?? null;
}

/** The Chromium path, or exits with the exact command that installs it. */
export function requireChromium() {
  const found = findChromium();
  if (found) return found;
  console.error(
    [
      `Chromium was not found (looked for ${candidates().join(' and ')}${process.env.UNISON_CHROMIUM ? ', named by UNISON_CHROMIUM' : ''}).`,
      'On Debian, install it with:',
      '',
      '    sudo apt-get update && sudo apt-get install -y chromium',
      '',
      '(as root, without sudo). Elsewhere, point UNISON_CHROMIUM at a Chromium or Chrome binary.',
    ].join('\n'),
  );
  process.exit(2);
}

/** Flags for a quiet, offline, headless-friendly Chromium with the extension loaded. */
export function chromiumArgs(extensionDir, { headless = true } = {}) {
  return [
    ...(headless ? ['--headless=new'] : []),
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-default-browser-check',
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
  ];
}

/** Whether a graphical display is available for a headed browser. */
export function hasDisplay() {
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** A fresh, empty Chromium profile folder in the system temp folder. */
export function makeProfileDir(prefix = 'unison-profile-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeProfileDir(dir) {
  // Chromium may still be flushing the profile for a moment after it exits.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** The extension id from a service worker or page URL (`chrome-extension://<id>/...`). */
export function extensionIdFromUrl(url) {
  const m = /^chrome-extension:\/\/([a-p]{32})\//.exec(url);
  return m ? m[1] : null;
}

/**
 * Waits for the MV3 service worker of the loaded extension and returns it.
 * @param {import('playwright-core').BrowserContext} context
 * @param {{ extensionId?: string, timeout?: number }} [opts]
 */
export async function waitForExtensionWorker(context, { extensionId, timeout = 20_000 } = {}) {
  const fits = (w) => {
    const id = extensionIdFromUrl(w.url());
    return id !== null && (!extensionId || id === extensionId);
  };
  const existing = context.serviceWorkers().find(fits);
  if (existing) return existing;
  return context.waitForEvent('serviceworker', { predicate: fits, timeout });
}

/**
 * Starts Chromium through playwright-core with the built extension loaded, on the given (or a
 * fresh) profile. Resolves to the context, the extension id and its service worker.
 *
 * @param {{ extensionDir: string, userDataDir?: string, headless?: boolean,
 *           viewport?: { width: number, height: number } | null, extraArgs?: string[] }} opts
 */
export async function launchWithExtension({ extensionDir, userDataDir, headless = true, viewport, extraArgs = [] }) {
  const executablePath = requireChromium();
  const dir = resolve(extensionDir);
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`No built extension in ${dir} (manifest.json missing): build it first.`);
  }
  const { chromium } = await import('playwright-core');
  const profile = userDataDir ?? makeProfileDir();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    // Playwright adds --headless itself; the flags below are the same either way.
    headless,
    args: [...chromiumArgs(dir, { headless: false }), ...extraArgs],
    viewport: viewport === undefined ? { width: 1280, height: 800 } : viewport,
  });
  try {
    const serviceWorker = await waitForExtensionWorker(context);
    const extensionId = extensionIdFromUrl(serviceWorker.url());
    return { context, extensionId, serviceWorker, userDataDir: profile };
  } catch (err) {
    await context.close().catch(() => undefined);
    if (!userDataDir) removeProfileDir(profile);
    throw new Error(`The extension's service worker did not start: ${err.message}`);
  }
}
