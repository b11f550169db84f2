// The end-to-end harness itself: the extension loads in Chromium, its pages open, host pages
// are served on their real host names, the service worker can be stopped, and a restart keeps
// the profile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { eventually, launchExtension, optionsSection, routeFixture, routeHtml, setYou, stopServiceWorker } from './lib/index.mjs';

const SECTIONS = ['Campaign data', 'Feedback', 'Sync', 'Sites', 'You'];
const HOST_FIXTURE = 'tests/e2e/lib/fixtures/host.html';

/** The names of the extension content-script worlds in a page (through the DevTools protocol). */
async function contentScriptWorlds(context, page) {
  const cdp = await context.newCDPSession(page);
  const worlds = [];
  cdp.on('Runtime.executionContextCreated', ({ context: c }) => {
    if (c.auxData?.type === 'isolated') worlds.push(c.name);
  });
  try {
    await cdp.send('Runtime.enable'); // replays the contexts that already exist
    return worlds;
  } finally {
    await cdp.detach();
  }
}

describe('end-to-end harness', () => {
  /** @type {Awaited<ReturnType<typeof launchExtension>>} */
  let ext;
  before(async () => {
    ext = await launchExtension();
  });
  after(async () => {
    await ext?.close();
  });

  test('loads the extension and finds its MV3 service worker', async () => {
    assert.match(ext.extensionId, /^[a-p]{32}$/);
    assert.equal(ext.serviceWorker.url(), ext.url('background.js'));
    const manifest = await ext.serviceWorker.evaluate(() => chrome.runtime.getManifest());
    assert.equal(manifest.name, 'Unison');
    assert.equal(manifest.manifest_version, 3);
  });

  test('options.html shows the five sections', async () => {
    const page = await ext.optionsPage();
    try {
      const headings = await page.getByRole('heading', { level: 2 }).allInnerTexts();
      for (const name of SECTIONS) assert.ok(headings.includes(name), `missing section ${name} in ${JSON.stringify(headings)}`);
      for (const name of SECTIONS) assert.equal(await optionsSection(page, name).count(), 1, `one section headed ${name}`);
      assert.deepEqual(ext.pageErrors, []);
    } finally {
      await page.close();
    }
  });

  test('serves a fixture on https://mail.google.com/ and the content script runs there', async () => {
    await routeFixture(ext.context, 'https://mail.google.com/**', HOST_FIXTURE);
    const page = await ext.context.newPage();
    try {
      const response = await page.goto('https://mail.google.com/mail/u/0/#inbox');
      assert.equal(response?.status(), 200);
      assert.equal(await page.evaluate(() => location.origin), 'https://mail.google.com');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Harness host page');
      // The manifest's content script is injected on the real host name.
      let worlds = [];
      for (let i = 0; i < 40 && !worlds.includes('Unison'); i++) {
        worlds = await contentScriptWorlds(ext.context, page);
        if (!worlds.includes('Unison')) await page.waitForTimeout(100);
      }
      assert.ok(worlds.includes('Unison'), `content-script worlds: ${JSON.stringify(worlds)}`);
    } finally {
      await page.close();
    }
  });

  test('unrouted hosts fail at once, routed HTML can depend on the URL', async () => {
    await routeHtml(ext.context, 'https://app.hubspot.com/**', (url) => `<title>${url.pathname.split('/').pop()}</title><p>ok</p>`);
    const page = await ext.context.newPage();
    try {
      await page.goto('https://app.hubspot.com/contacts/123/record/0-1/456');
      assert.equal(await page.title(), '456');
      const t0 = Date.now();
      await assert.rejects(page.goto('https://example.invalid/'), /ERR_INTERNET_DISCONNECTED/);
      assert.ok(Date.now() - t0 < 5000, 'blocked requests fail fast');
    } finally {
      await page.close();
    }
  });

  test('the popup opened for a host page sees that page as the active tab', async () => {
    await routeFixture(ext.context, 'https://mail.google.com/**', HOST_FIXTURE);
    const host = await ext.context.newPage();
    await host.goto('https://mail.google.com/mail/u/0/#inbox');
    const popup = await ext.popupPage(host);
    try {
      assert.equal(popup.url(), ext.url('popup.html'));
      const active = await popup.evaluate(() =>
        chrome.tabs.query({ active: true, currentWindow: true }).then((tabs) => tabs.map((t) => t.url)),
      );
      assert.deepEqual(active, ['https://mail.google.com/mail/u/0/#inbox']);
    } finally {
      await popup.close();
      await host.close();
    }
  });

  test('stopServiceWorker stops the worker; the next message starts a fresh one', async () => {
    const before = await ext.getServiceWorker();
    await before.evaluate(() => {
      globalThis.__harnessMarker = 'before-stop';
    });
    assert.equal(await stopServiceWorker(ext.context, ext.extensionId), true);
    // Already stopped: nothing to do.
    assert.equal(await ext.stopServiceWorker(), false);
    const page = await ext.optionsPage();
    try {
      const answer = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'hello' }));
      assert.equal(answer?.type, 'hello', 'the restarted worker answers');
      const after = await ext.getServiceWorker();
      assert.equal(await after.evaluate(() => globalThis.__harnessMarker ?? null), null, 'a new worker instance');
    } finally {
      await page.close();
    }
  });

  test('restart() starts the browser again on the same profile, with its data', async () => {
    const page = await ext.optionsPage();
    await setYou(page, { name: 'Sam Ortiz', email: 'sam@seller.example' });
    const id = ext.extensionId;
    const oldContext = ext.context;
    await ext.restart();
    assert.notEqual(ext.context, oldContext);
    assert.equal(ext.extensionId, id);
    const again = await ext.optionsPage();
    const you = optionsSection(again, 'You');
    // The section fills its fields once the settings are read.
    await eventually(async () => {
      assert.equal(await you.getByLabel('Your name').inputValue(), 'Sam Ortiz');
      assert.equal(await you.getByLabel('Your email').inputValue(), 'sam@seller.example');
    });
    await again.close();
  });
});

describe('a machine without Chromium', () => {
  // The commands a new user runs first: each stops at once with the command that installs it.
  const run = (script, args) =>
    spawnSync(process.execPath, [script, ...args], {
      encoding: 'utf8',
      env: { ...process.env, UNISON_CHROMIUM: '/nonexistent/chromium' },
      timeout: 60_000,
    });

  for (const [name, script, args] of [
    ['npm test', 'scripts/test.mjs', ['--only', 'typecheck,e2e']],
    ['npm run demo', 'scripts/demo.mjs', []],
  ]) {
    test(`${name} says how to install it, before any other step`, () => {
      const r = run(script, args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /Chromium was not found \(looked for \/nonexistent\/chromium, named by UNISON_CHROMIUM\)/);
      assert.match(r.stderr, /apt-get install -y chromium/);
      // Nothing ran first: no typecheck, no build.
      assert.doesNotMatch(r.stdout, /▶|Building|built/i);
    });
  }
});
