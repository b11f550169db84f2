// Store benchmarks, in Chromium with the built extension:
// - lookup: 1,000 addresses (half of them known) sent from the options page as
//   `{type: 'lookup', emails}` with chrome.runtime.sendMessage; the time is the round trip
//   (messaging, the background's validation, the Dexie reads), with 1,000 / 10,000 / 100,000
//   leads stored;
// - import: a canonical CSV of 10,000 and 100,000 rows through the options page's
//   `Campaign data file` input, until the status says `Imported N leads`;
// - export: 100,000 feedback events through the options page's `Export CSV` / `Export JSON`
//   buttons, until the browser starts the download;
// - click-to-saved: on a host page, a click on `Good lead` in a lead's card until that button is
//   `aria-pressed="true"` (the background has stored the event and answered);
// - sync: 10,000 pending events to a loopback receiver, from `Sync now` until the receiver holds
//   them all.
import { statSync } from 'node:fs';
import { startReceiver } from '../tests/support/receiver.mjs';
import { clearStores, countStored, ensureDatabase, importCampaignFile, optionsSection, seedFeedback, seedLeads, seededEmail, withRawDb } from './lib/ext.mjs';
import { summarize, median } from './lib/stats.mjs';
import { stopServiceWorker } from '../tests/e2e/lib/index.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Lookup

/**
 * @param {import('playwright-core').Page} options  an options page of the extension
 * @param {{ sizes: number[], rounds: number, perRound: number, batch?: number, restarts?: number }} opts
 */
export async function benchLookup(options, { sizes, rounds, perRound, batch = 1000, restarts = 0, log = console.log }) {
  await ensureDatabase(options);
  const out = {};
  // The floor: a `hello` round trip (messaging, sender check, settings read; no store access).
  const hello = await options.evaluate(async (n) => {
    const times = [];
    for (let i = 0; i <= n; i++) {
      const t0 = performance.now();
      await chrome.runtime.sendMessage({ type: 'hello' });
      if (i > 0) times.push(performance.now() - t0);
    }
    return times;
  }, Math.max(5, perRound));
  out.helloRoundTrip = summarize(hello);
  log(`  hello round trip (messaging floor): median ${out.helloRoundTrip.median.toFixed(1)} ms`);
  let stored = 0;
  await clearStores(options, ['leads', 'feedback']);
  for (const size of sizes) {
    // Grow the store to `size` leads (sizes ascending), then answers for 1% of them.
    if (size > stored) {
      await seedLeads(options, { from: stored, count: size - stored });
      stored = size;
    }
    await clearStores(options, ['feedback']);
    await seedFeedback(options, { count: Math.max(10, Math.floor(size / 100)), leads: size });
    // What the options page sends after an import: the background rebuilds its lead index (the
    // lookups below may find it still being built; they then read the store directly).
    await options.evaluate(() => chrome.runtime.sendMessage({ type: 'data-changed' }));
    const count = await countStored(options, 'leads');
    const roundMedians = [];
    const all = [];
    let found = null;
    for (let r = 0; r < rounds; r++) {
      const times = [];
      for (let k = 0; k <= perRound; k++) {
        // Half known (spread over the whole store), half unknown, different every time.
        const seed = (r * 7919 + k * 104729) % size;
        const emails = [];
        for (let i = 0; i < batch / 2; i++) emails.push(seededEmail((seed + i * Math.max(1, Math.floor(size / (batch / 2)))) % size));
        for (let i = 0; i < batch / 2; i++) emails.push(`nobody${r}.${k}.${i}@unknown-${i % 13}.example`);
        const res = await options.evaluate(async (list) => {
          const t0 = performance.now();
          const answer = await chrome.runtime.sendMessage({ type: 'lookup', emails: list });
          return { ms: performance.now() - t0, leads: answer?.leads?.length ?? -1 };
        }, emails);
        if (k === 0) continue; // the first of each round warms the worker up
        times.push(res.ms);
        found = res.leads;
      }
      roundMedians.push(median(times));
      all.push(...times);
    }
    out[size] = { stored: count, batch, found, ...summarize(roundMedians), all: summarize(all) };
    log(`  lookup of ${batch} among ${count.toLocaleString('en-US')} leads: median ${out[size].median.toFixed(1)} ms (found ${found})`);
  }
  // After the service worker stops (as Chrome stops it when idle), the largest store: the first
  // lookup starts the worker, which has no lead index yet; then one lookup every 100 ms until one
  // is as fast as before (the index is built), at most 10 s.
  if (restarts) {
    const size = Math.max(...sizes);
    const lookupOnce = async (tag) => {
      const emails = [];
      for (let i = 0; i < batch / 2; i++) emails.push(seededEmail((7 + i * Math.max(1, Math.floor(size / (batch / 2)))) % size));
      for (let i = 0; i < batch / 2; i++) emails.push(`cold${tag}.${i}@unknown-${i % 13}.example`);
      return options.evaluate(async (list) => {
        const t0 = performance.now();
        const answer = await chrome.runtime.sendMessage({ type: 'lookup', emails: list });
        return { ms: performance.now() - t0, leads: answer?.leads?.length ?? -1 };
      }, emails);
    };
    const firsts = [];
    const untilWarm = [];
    for (let r = 0; r < restarts; r++) {
      await stopServiceWorker(options.context(), new URL(options.url()).host);
      const t0 = Date.now();
      const first = await lookupOnce(`${r}.0`);
      firsts.push(first.ms);
      let k = 1;
      while (Date.now() - t0 < 10_000) {
        await sleep(100);
        if ((await lookupOnce(`${r}.${k++}`)).ms <= Math.max(2 * out[size].median, 20)) break;
      }
      untilWarm.push(Date.now() - t0);
      log(`  after the worker stopped, run ${r + 1}/${restarts}: first lookup ${first.ms.toFixed(0)} ms (found ${first.leads}), fast again after ${untilWarm[r]} ms`);
    }
    out.afterRestart = { size, first: summarize(firsts), untilWarmMs: summarize(untilWarm) };
  }
  return out;
}

// ---------------------------------------------------------------------------
// Import

/** Whether the options page has the import input of the automation contract. */
export async function hasImportUi(options) {
  return (await optionsSection(options, 'Campaign data').getByLabel('Campaign data file').count()) > 0;
}

export async function benchImport(session, { files, runs, log = console.log }) {
  const out = {};
  for (const [rows, file] of Object.entries(files)) {
    const times = [];
    let status = null;
    let leads = null;
    for (let r = 0; r < runs; r++) {
      const options = await session.optionsPage();
      try {
        if (!(await hasImportUi(options))) return { unavailable: 'the options page has no `Campaign data file` input' };
        await ensureDatabase(options);
        await clearStores(options, ['leads', 'touches', 'campaigns', 'content', 'imports']);
        const t0 = Date.now();
        status = await importCampaignFile(options, file, { timeout: 300_000 });
        times.push(Date.now() - t0);
        leads = await countStored(options, 'leads');
      } finally {
        await options.close();
      }
      log(`  import of ${Number(rows).toLocaleString('en-US')} rows, run ${r + 1}/${runs}: ${times[times.length - 1]} ms (${status}; ${leads} leads stored)`);
    }
    out[rows] = { rows: Number(rows), bytes: statSync(file).size, status, leads, ...summarize(times) };
  }
  return out;
}

// ---------------------------------------------------------------------------
// Export

/**
 * A quiet extension page for seeding and messages: popup.html opened as a tab (its only reads
 * are small); the options page re-reads the whole feedback table for its charts on every change.
 */
async function quietPage(session) {
  const page = await session.context.newPage();
  await page.goto(session.url('popup.html'));
  return page;
}

export async function benchExport(session, { events, runs, timeout = 300_000, log = console.log }) {
  const seeder = await quietPage(session);
  let options = null;
  try {
    await ensureDatabase(seeder);
    await clearStores(seeder, ['feedback']);
    await seedFeedback(seeder, { count: events, leads: 1000 });
    const stored = await countStored(seeder, 'feedback');
    // The options page is opened once the events are stored, as a marketer would open it.
    options = await session.optionsPage();
    const section = optionsSection(options, 'Feedback');
    if ((await section.getByRole('button', { name: 'Export CSV' }).count()) === 0) return { unavailable: 'the options page has no `Export CSV` button' };
    const out = { events: stored };
    for (const kind of ['CSV', 'JSON']) {
      const button = section.getByRole('button', { name: `Export ${kind}` });
      const times = [];
      let bytes = null;
      for (let r = 0; r < runs; r++) {
        await button.waitFor({ state: 'visible' });
        // Enabled again after the previous export.
        await options.waitForFunction((label) => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === label && !b.disabled), `Export ${kind}`, { timeout });
        const t0 = Date.now();
        const [download] = await Promise.all([options.waitForEvent('download', { timeout }), button.click()]);
        times.push(Date.now() - t0);
        const path = await download.path();
        bytes = path ? statSync(path).size : null;
        await download.delete().catch(() => undefined);
        log(`  export ${kind} of ${stored.toLocaleString('en-US')} events, run ${r + 1}/${runs}: ${times[times.length - 1]} ms (${bytes} bytes)`);
      }
      out[kind.toLowerCase()] = { bytes, ...summarize(times) };
    }
    return out;
  } finally {
    await options?.close().catch(() => undefined);
    await clearStores(seeder, ['feedback']).catch(() => undefined);
    await seeder.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------
// Click to saved

/** Finds, in the page's main world, a button by its text inside Unison's open shadow roots. */
const FIND_IN_SHADOWS = `
  window.__benchFind = (label) => {
    for (const host of document.querySelectorAll('unison-badge, unison-card, [data-unison-root], unison-overlay')) {
      const root = host.shadowRoot;
      if (!root) continue;
      const dialog = root.querySelector('[role="dialog"]');
      if (!dialog) continue;
      for (const b of dialog.querySelectorAll('button')) if (b.textContent.trim() === label) return b;
    }
    return null;
  };
  window.__benchClick = (label, pressedLabel) => new Promise((resolve, reject) => {
    const button = window.__benchFind(label);
    if (!button) return reject(new Error('no button ' + label));
    const target = window.__benchFind(pressedLabel || label);
    const t0 = performance.now();
    const done = () => {
      const b = window.__benchFind(pressedLabel || label);
      if (b && b.getAttribute('aria-pressed') === 'true') {
        obs.disconnect();
        clearTimeout(timer);
        resolve(performance.now() - t0);
        return true;
      }
      return false;
    };
    const obs = new MutationObserver(done);
    obs.observe(target.getRootNode(), { subtree: true, attributes: true, attributeFilter: ['aria-pressed'], childList: true });
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error('not saved within 10 s')); }, 10000);
    button.click();
  });
`;

/**
 * Opens the card of `email` on the host page and times `clicks` clicks on `Good lead`, each
 * after a click on `Poor fit` (so every timed click changes the answer and is saved).
 */
export async function benchClickToSaved(page, { email, clicks }) {
  const badge = page.locator(`unison-badge[data-unison-email="${email}"]`).first();
  await badge.waitFor({ state: 'attached', timeout: 20_000 });
  await badge.getByRole('button', { name: /^Unison:/ }).click();
  await page.getByRole('dialog').first().waitFor({ state: 'visible' });
  await page.evaluate(FIND_IN_SHADOWS);
  const found = await page.evaluate(() => !!window.__benchFind('Good lead'));
  if (!found) return { unavailable: 'no `Good lead` button found in the open card (looked in the open shadow roots of unison-* elements)' };
  const times = [];
  for (let i = 0; i < clicks; i++) {
    await page.evaluate(() => window.__benchClick('Poor fit'));
    // Off the critical path: let the previous save's broadcast settle.
    await sleep(30);
    times.push(await page.evaluate(() => window.__benchClick('Good lead')));
    await sleep(30);
  }
  return { email, clicks, ...summarize(times) };
}

// ---------------------------------------------------------------------------
// Sync

/**
 * The endpoint is set in the options page's `Sync` section; then, with the options page closed
 * (its charts re-read the feedback table on every change the sync makes), `{type: 'sync-now'}` —
 * what its `Sync now` button sends — goes from a quiet extension page, and the clock runs until
 * the receiver holds every event.
 */
export async function benchSync(session, { events, runs, log = console.log }) {
  const rx = await startReceiver({ faults: [] });
  const page = await quietPage(session);
  try {
    const options = await session.optionsPage();
    const section = optionsSection(options, 'Sync');
    const endpoint = section.getByLabel('Endpoint URL');
    if ((await endpoint.count()) === 0) return { unavailable: 'the options page has no `Endpoint URL`' };
    await endpoint.fill(rx.url);
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    // Saved when the settings in storage hold the endpoint.
    await options.waitForFunction(async (url) => (await chrome.storage.local.get('settings')).settings?.sync?.endpoint === url, rx.url, { timeout: 20_000, polling: 100 });
    await options.close();
    await ensureDatabase(page);
    const times = [];
    const firstRequest = [];
    let requests = 0;
    for (let r = 0; r < runs; r++) {
      // Saving the endpoint started a sync of whatever was pending (the lookup's events): wait for
      // any running sync to finish (the same Web Lock the runs take) before the store is rewritten
      // under it.
      await page.evaluate(() => navigator.locks.request('unison-sync', () => true));
      await clearStores(page, ['feedback']);
      // Forget the previous run's bookkeeping (in-flight batch, backoff) so every run starts alike.
      await withRawDb(
        page,
        (db) =>
          new Promise((resolve, reject) => {
            const tx = db.transaction('meta', 'readwrite');
            tx.objectStore('meta').delete('sync.state');
            tx.oncomplete = () => resolve(true);
            tx.onerror = () => reject(tx.error);
          }),
      );
      await seedFeedback(page, { count: events, leads: 1000 });
      rx.reset();
      const t0 = Date.now();
      const answer = page.evaluate(() => chrome.runtime.sendMessage({ type: 'sync-now' }));
      const deadline = t0 + 300_000;
      while (rx.events.size < events && Date.now() < deadline) await sleep(10);
      const ms = Date.now() - t0;
      const result = await answer.catch((e) => ({ error: e.message }));
      requests = rx.requests.length;
      if (rx.events.size < events) {
        log(`  sync run ${r + 1}/${runs}: only ${rx.events.size} of ${events} events arrived within 300 s (answer ${JSON.stringify(result)})`);
        return { unavailable: `only ${rx.events.size} of ${events} events reached the receiver within 300 s`, report: rx.report() };
      }
      times.push(ms);
      firstRequest.push(rx.requests.length ? Date.parse(rx.requests[0].at) - t0 : null);
      log(`  sync of ${events.toLocaleString('en-US')} events, run ${r + 1}/${runs}: ${ms} ms, ${requests} requests (${Math.round((events / ms) * 1000)} events/s)`);
    }
    await clearStores(page, ['feedback']);
    const rates = times.map((ms) => (events / ms) * 1000);
    return { events, requests, duplicates: rx.report().duplicates, ms: summarize(times), perSecond: summarize(rates), firstRequestMs: summarize(firstRequest) };
  } finally {
    await page.close().catch(() => undefined);
    await rx.close();
  }
}
