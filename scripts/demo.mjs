#!/usr/bin/env node
// `npm run demo`: builds the extension, starts Chromium with it, imports the bundled sample
// campaign data through the options page, sets the rep (Sam Ortiz), then opens demo pages of
// Gmail, Salesforce and HubSpot on their real host names (served locally by routing, no network),
// waits for the badges and opens one card on each, and opens the popup for the Gmail inbox.
//
// With a display (DISPLAY or WAYLAND_DISPLAY set) the browser stays open until you close it.
// Without one it runs headless, saves screenshots into demo-output/ and exits.
//
//   node scripts/demo.mjs [--no-build] [--headless] [--out <folder>]
//
// The demo pages show the sample's contacts, so the demo runs on the bundled sample data; your
// own data goes in through the options page's Campaign data section.
// UNISON_OUT_DIR builds somewhere else than .output (as for `wxt build`).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildExtension } from './lib/build.mjs';
import { hasDisplay, requireChromium } from './lib/chromium.mjs';
import {
  badgeEmails,
  importCampaignFile,
  launchExtension,
  openCard,
  routeFixture,
  setYou,
  waitForBadges,
} from '../tests/e2e/lib/index.mjs';

const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const OUT = resolve(outAt >= 0 ? argv[outAt + 1] : 'demo-output');
const headless = argv.includes('--headless') || !hasDisplay();
const PAGES_DIR = 'tests/fixtures/pages';
const SAMPLES = ['public/sample/campaign-data.csv', 'public/sample/campaign-data.json'];
const BUILD_DIR = process.env.UNISON_OUT_DIR || '.output';
const REP = { name: 'Sam Ortiz', email: 'sam@seller.example' };

/**
 * The demo pages, in order. Each fixture is served at the real address tests/fixtures/pages/
 * expected.json gives for it, so the extension's content script runs as on the real site.
 */
const DEMO_PAGES = [
  { title: 'Gmail inbox', file: 'gmail-inbox.html' },
  { title: 'Gmail thread', file: 'gmail-thread.html' },
  { title: 'Salesforce lead record', file: 'salesforce-lead.html' },
  { title: 'HubSpot contact record', file: 'hubspot-contact.html' },
];

const log = (msg) => console.log(msg);
const notes = [];
const note = (msg) => {
  notes.push(msg);
  console.log(`  ! ${msg}`);
};

requireChromium();

const extensionDir = argv.includes('--no-build') ? join(BUILD_DIR, 'chrome-mv3') : buildExtension({ outDir: BUILD_DIR, quiet: true });
const samples = SAMPLES.filter((f) => existsSync(f));
if (samples.length === 0) {
  console.error(`Campaign data file(s) missing: ${SAMPLES.join(', ')}.`);
  process.exit(1);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const shots = [];
async function shot(page, name, { fullPage = false } = {}) {
  const path = join(OUT, `${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage });
  shots.push(path);
  log(`  screenshot: ${relative(process.cwd(), path)}`);
}

log(`Starting Chromium with the extension from ${extensionDir} (${headless ? 'headless' : 'with a window'})…`);
const ext = await launchExtension({ extensionDir, headless, viewport: headless ? { width: 1280, height: 800 } : null });
let keepOpen = false;
let badgesSeen = 0;
let firstHostPage = null;
try {
  // 1. Campaign data and the rep, through the real options page.
  log('\nOptions page: importing the bundled sample campaign data');
  const options = await ext.optionsPage();
  for (const file of samples) {
    const status = await importCampaignFile(options, resolve(file));
    log(`  ${file}: ${status}`);
    if (!/Imported \d+ leads?/i.test(status)) throw new Error(`The sample data did not import: ${status}`);
  }
  await setYou(options, REP);
  log(`  You: ${REP.name} <${REP.email}>`);
  await shot(options, 'options', { fullPage: true });

  // 2. The host pages, on their real host names.
  const pagesIndex = join(PAGES_DIR, 'expected.json');
  const urls = existsSync(pagesIndex) ? JSON.parse(readFileSync(pagesIndex, 'utf8')) : {};
  for (const demo of DEMO_PAGES) {
    const fixture = join(PAGES_DIR, demo.file);
    const url = urls[demo.file]?.url;
    log(`\n${demo.title}: ${url ?? '(no address)'}`);
    if (!existsSync(fixture) || !url) {
      note(`${demo.title} skipped: no fixture page ${fixture} with its address in ${pagesIndex} yet`);
      continue;
    }
    // Routed per tab: Gmail's inbox and thread differ only in the hash, which is never requested.
    const page = await ext.context.newPage();
    await routeFixture(page, `${new URL(url).origin}/**`, fixture);
    await page.goto(url);
    firstHostPage ??= page;
    try {
      const count = await waitForBadges(page, { min: 1, timeout: 10_000 });
      badgesSeen += count;
      const emails = [...new Set(await badgeEmails(page))];
      log(`  ${count} badge(s) beside ${emails.join(', ')} (fixture ${fixture})`);
    } catch {
      note(`${demo.title}: no badge appeared within 10 s (fixture ${fixture})`);
      await shot(page, slug(demo.title));
      continue;
    }
    try {
      const card = await openCard(page);
      const label = (await card.getAttribute('aria-label')) ?? (await card.innerText()).split('\n')[0];
      log(`  opened the card of the first badge: ${label}`);
    } catch (err) {
      note(`${demo.title}: the card did not open (${err.message.split('\n')[0]})`);
    }
    await shot(page, slug(demo.title));
  }

  // 3. The toolbar popup for the Gmail inbox tab: the leads spotted there.
  if (firstHostPage) {
    log(`\nPopup for ${firstHostPage.url()}`);
    try {
      const popup = await ext.popupPage(firstHostPage);
      await popup.setViewportSize({ width: 420, height: 560 });
      await popup.getByText('ann@acme.io').or(popup.getByText('Ann Lee')).first().waitFor({ timeout: 10_000 });
      log('  lists the leads spotted on that tab');
      await shot(popup, 'popup');
    } catch (err) {
      note(`the popup did not list the leads of ${firstHostPage.url()} (${err.message.split('\n')[0]})`);
    }
  }

  if (headless) {
    log(`\nDone. ${shots.length} screenshot(s) in ${relative(process.cwd(), OUT) || OUT}/`);
  } else {
    keepOpen = true;
    await firstHostPage?.bringToFront();
    log(`\nScreenshots are in ${relative(process.cwd(), OUT) || OUT}/. The browser stays open: click around; close it to end the demo.`);
  }
  if (notes.length) log(`\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  if (ext.pageErrors.length) log(`\nErrors in pages:\n${ext.pageErrors.map((e) => `  - ${e}`).join('\n')}`);
  if (badgesSeen === 0) process.exitCode = 1;
} catch (err) {
  console.error(`\nThe demo stopped: ${err.message}`);
  process.exitCode = 1;
} finally {
  if (keepOpen) {
    const closed = new Promise((r) => ext.context.once('close', r));
    const stop = () => void ext.context.close().catch(() => undefined);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await closed;
  }
  await ext.close().catch(() => undefined);
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
