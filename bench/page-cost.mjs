// Page cost: main-thread time, long tasks and JS heap on large host pages, in Chromium, for
//   plain    the page alone (a browser without the extension)
//   unison   the page with the built extension (its content script in an isolated world)
//   naive    the page alone plus the naive baseline scanner injected into it
//   linkify  the page alone plus the linkifyjs baseline scanner injected into it
// Phases, on the same page one after another: the initial scan (until the count of badges or
// markers stops changing), one new row at the top of the list, a mutation burst (50 rows added in
// one go), an in-page navigation (URL change
// and the main view rebuilt in place).
//
// Main-thread time is the renderer's `TaskDuration` (all tasks of the page's main thread, every
// world: page scripts, content scripts, style, layout) from the DevTools protocol's
// Performance.getMetrics, read at the end of each phase and differenced. For the initial phase the
// counters start with the document (they are per document), so it covers the page's own load too;
// what a scanner costs is its run's figure minus the `plain` run's figure of the same round.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { blockExternalNetwork, routeHtml } from '../tests/e2e/lib/routes.mjs';
import { chromiumArgs, makeProfileDir, removeProfileDir, requireChromium } from '../scripts/lib/chromium.mjs';
import { bundle } from './lib/esbuild.mjs';
import { BENCH } from './lib/paths.mjs';
import { PROFILE_INTERVAL_US, ownScript, ownScriptSplit } from './lib/profile.mjs';
import { summarize } from './lib/stats.mjs';

export const VARIANTS = ['plain', 'unison', 'naive', 'linkify'];
export const PHASES = ['initial', 'row', 'burst', 'navigate'];

/**
 * Installed before any page script: collects long tasks (> 50 ms) of the page's event loop, and
 * layout shifts (the Layout Instability API's score of content that moved between two frames).
 */
const INSTRUMENT = `(() => {
  window.__benchLong = [];
  window.__benchShift = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLong.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__benchShift.push([e.startTime, e.value]);
    }).observe({ type: 'layout-shift', buffered: true });
  } catch {}
})();`;

/** The baseline scanners as page scripts (linkify bundled), each named for traces and errors. */
export async function baselineScripts() {
  const naive = readFileSync(join(BENCH, 'baselines', 'naive-scanner.js'), 'utf8');
  const linkify = await bundle(join(BENCH, 'baselines', 'linkify-scanner.js'));
  return {
    naive: `${naive}\n//# sourceURL=bench-naive-scanner.js`,
    linkify: `${linkify}\n//# sourceURL=bench-linkify-scanner.js`,
  };
}

/** A browser on a fresh profile without the extension, with the same flags otherwise. */
export async function launchPlain() {
  const profile = makeProfileDir('unison-bench-plain-');
  const args = chromiumArgs('/nonexistent', { headless: false }).filter((a) => !a.includes('extension'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: requireChromium(),
    headless: true,
    args,
    viewport: { width: 1280, height: 800 },
  });
  await blockExternalNetwork(context);
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      removeProfileDir(profile);
    },
  };
}

/** Serves every fixture page on its real host name in `context`. */
export async function routePages(context, pages) {
  for (const p of Object.values(pages)) {
    const html = readFileSync(p.file, 'utf8');
    await routeHtml(context, p.routePattern, html);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(list.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration * 1000, layout: (m.LayoutDuration + m.RecalcStyleDuration) * 1000, heap: m.JSHeapUsedSize, nodes: m.Nodes };
}

async function startProfile(cdp, on) {
  if (on) await cdp.send('Profiler.start');
}

async function stopProfile(cdp, variant, on) {
  if (!on) return null;
  const { profile } = await cdp.send('Profiler.stop');
  return ownScriptSplit(profile, ownScript(variant));
}

/**
 * The count of badges (or markers) of `variant` on the page. Every variant's poll does the same
 * work (it counts Unison's badges and asks the scanner, then keeps its own figure): the polls run
 * on the page's main thread inside the measured window, and a query over a 2,000-row page costs
 * about half a millisecond more than returning 0, which would otherwise be charged to Unison
 * alone, several times per phase.
 */
function countOnPage(variant) {
  const badges = document.querySelectorAll('unison-badge:not([data-unison-pending])').length;
  const markers = window.__benchScanner ? window.__benchScanner.count() : -1;
  return variant === 'unison' ? badges : variant === 'plain' ? 0 : markers;
}

/**
 * Waits until the count of badges (or markers) has not changed for `quiet` ms, and at least
 * `min` ms have passed. Returns the final count and when it last changed (ms after `t0`).
 */
async function settle(page, variant, { min, quiet, timeout = 45_000 }) {
  const count = () => page.evaluate(countOnPage, variant);
  const t0 = Date.now();
  let last = await count();
  let changedAt = 0;
  for (;;) {
    await sleep(150);
    const now = Date.now() - t0;
    const c = await count();
    if (c !== last) {
      last = c;
      changedAt = now;
    }
    if (now - changedAt >= quiet && now >= min) return { count: last, lastChangeMs: changedAt };
    if (now > timeout) return { count: last, lastChangeMs: changedAt, timedOut: true };
  }
}

/** The `[startTime, value]` entries that started in [from, to). */
function between(list, from, to) {
  return list.filter(([start]) => start >= from && start < to);
}

/** The layout-shift score of the shifts that started in [from, to). */
function shiftBetween(list, from, to) {
  return between(list, from, to).reduce((a, [, v]) => a + v, 0);
}

function longTasksBetween(list, from, to) {
  const inside = between(list, from, to);
  return { count: inside.length, total: inside.reduce((a, [, d]) => a + d, 0), max: inside.reduce((a, [, d]) => Math.max(a, d), 0) };
}

async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/**
 * One page, one variant, every phase.
 * @param profile  a profiled run: only its `script` figures count (the profiler slows the
 *                 page's JavaScript down, so the timed runs are the ones without it)
 * @returns {Promise<object>} per phase: task, script (null unless profiled), layout (ms), long
 *                            tasks, count; heap (bytes)
 */
export async function measureOnce(context, fixture, variant, { scripts, settleOpts, known, profile = false }) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.addInitScript(INSTRUMENT);
    if (variant === 'naive' || variant === 'linkify') await page.addInitScript(scripts[variant]);
    const cdp = await context.newCDPSession(page);
    // Thread ticks: CPU time of the main thread, so time the (shared) machine gave to other
    // processes is not counted as the page's.
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US });
    }
    await startProfile(cdp, profile);
    await page.goto(fixture.url, { waitUntil: 'load', timeout: 60_000 });
    const s0 = await settle(page, variant, settleOpts.initial);
    const m0 = await metrics(cdp);
    const prof0 = await stopProfile(cdp, variant, profile);
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, now: performance.now(), long: window.__benchLong, shift: window.__benchShift };
    });
    const out = {
      initial: {
        task: m0.task,
        script: prof0?.script ?? null,
        forced: prof0?.forced ?? null,
        layout: m0.layout,
        count: s0.count,
        settledMs: s0.lastChangeMs,
        timedOut: !!s0.timedOut,
        // Long tasks after DOMContentLoaded: a content script runs at document_idle, after it;
        // the page's own parsing comes before it and is the same for every variant.
        long: longTasksBetween(timing.long, timing.dcl, timing.now),
        longAll: longTasksBetween(timing.long, 0, timing.now),
        shift: shiftBetween(timing.shift, 0, timing.now),
      },
    };
    if (variant === 'unison' && known) {
      const emails = await page.$$eval('unison-badge:not([data-unison-pending])', (els) => els.map((el) => el.getAttribute('data-unison-email')));
      out.initial.unexpected = emails.filter((e) => !known.has(e));
      out.initial.distinct = new Set(emails).size;
    }
    out.heap = await heapAfterGc(cdp);
    out.nodes = m0.nodes;
    for (const [phase, action] of [
      ['row', () => window.__bench.row()],
      ['burst', () => window.__bench.burst()],
      ['navigate', () => window.__bench.navigate()],
    ]) {
      await startProfile(cdp, profile);
      const before = await metrics(cdp);
      const t0 = await page.evaluate(() => performance.now());
      await page.evaluate(action);
      const s = await settle(page, variant, settleOpts.later);
      const after = await metrics(cdp);
      const prof = await stopProfile(cdp, variant, profile);
      const t1 = await page.evaluate(() => ({ now: performance.now(), long: window.__benchLong, shift: window.__benchShift }));
      out[phase] = {
        task: after.task - before.task,
        script: prof?.script ?? null,
        forced: prof?.forced ?? null,
        layout: after.layout - before.layout,
        count: s.count,
        settledMs: s.lastChangeMs,
        timedOut: !!s.timedOut,
        long: longTasksBetween(t1.long, t0, t1.now),
        shift: shiftBetween(t1.shift, t0, t1.now),
      };
    }
    out.heapEnd = await heapAfterGc(cdp);
    out.errors = errors;
    await cdp.detach().catch(() => undefined);
    return out;
  } finally {
    await page.close().catch(() => undefined);
  }
}

/**
 * Runs every page × variant `runs` times, interleaved (one round = every variant once per page,
 * in a rotating order), so slow drifts of a shared machine hit all variants alike. Then
 * `profileRuns` more rounds of the scanners with a CPU profile, for their own script time.
 */
export async function measurePageCost({ pages, runs, profileRuns = runs, contexts, scripts, settleOpts, known, log = console.log }) {
  const raw = {};
  const profiled = {};
  for (const id of Object.keys(pages)) {
    raw[id] = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    profiled[id] = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  }
  const total = runs + profileRuns;
  for (let r = 0; r < total; r++) {
    const profile = r >= runs;
    for (const [id, fixture] of Object.entries(pages)) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]).filter((v) => !profile || v !== 'plain');
      for (const v of order) {
        const ctx = v === 'unison' ? contexts.extension : contexts.plain;
        const res = await measureOnce(ctx, fixture, v, { scripts, settleOpts, known, profile });
        (profile ? profiled : raw)[id][v].push(res);
        const fig = (x) => (profile ? `script ${x.script.toFixed(1)} ms` : `${x.task.toFixed(1)} ms`);
        log(
          `  page ${id} ${profile ? `profiled run ${r - runs + 1}/${profileRuns}` : `run ${r + 1}/${runs}`} ${v.padEnd(7)} initial ${fig(res.initial)} (count ${res.initial.count}), ` +
            `row ${fig(res.row)} (${res.row.count}), burst ${fig(res.burst)} (${res.burst.count}), navigate ${fig(res.navigate)} (${res.navigate.count})` +
            (profile ? '' : `, heap ${(res.heap / 1024 / 1024).toFixed(1)} MB`) +
            (res.errors.length ? `, page errors: ${res.errors.slice(0, 2).join(' | ')}` : ''),
        );
      }
    }
  }
  return { raw, profiled, summary: summarizePageCost(raw, profiled) };
}

/** Medians and spreads per page, variant and phase, and the paired extra cost of each scanner. */
export function summarizePageCost(raw, profiled = {}) {
  const out = {};
  for (const [id, byVariant] of Object.entries(raw)) {
    const plain = byVariant.plain;
    const page = { variants: {}, extra: {}, ratios: {} };
    for (const v of VARIANTS) {
      const runs = byVariant[v];
      if (!runs.length) continue;
      const vs = { heap: summarize(runs.map((x) => x.heap)), heapEnd: summarize(runs.map((x) => x.heapEnd)) };
      // From the profiled runs (nothing for the plain page, which has no scanner).
      const fromProfiles = (get) => summarize(v === 'plain' ? runs.map(() => 0) : (profiled[id]?.[v] ?? []).map(get));
      for (const ph of PHASES) {
        vs[ph] = {
          task: summarize(runs.map((x) => x[ph].task)),
          // The scanner's own script time; of it, the style and layout its calls made the browser
          // work out early (see FORCING); and the rest, its own work (per round, then the median).
          script: fromProfiles((x) => x[ph].script),
          forced: fromProfiles((x) => x[ph].forced ?? 0),
          own: fromProfiles((x) => x[ph].script - (x[ph].forced ?? 0)),
          layout: summarize(runs.map((x) => x[ph].layout)),
          count: summarize(runs.map((x) => x[ph].count)),
          settledMs: summarize(runs.map((x) => x[ph].settledMs)),
          longCount: summarize(runs.map((x) => x[ph].long.count)),
          longMax: summarize(runs.map((x) => x[ph].long.max)),
          shift: summarize(runs.map((x) => x[ph].shift ?? 0)),
          timedOut: runs.filter((x) => x[ph].timedOut).length,
        };
      }
      if (v === 'unison') {
        vs.unexpectedBadges = [...new Set(runs.flatMap((x) => x.initial.unexpected ?? []))];
        vs.distinctLeads = summarize(runs.map((x) => x.initial.distinct ?? 0));
      }
      vs.pageErrors = [...new Set(runs.flatMap((x) => x.errors))];
      page.variants[v] = vs;
      if (v === 'plain') continue;
      // Paired by round: this variant's run minus the plain run of the same round.
      const extra = {};
      for (const ph of PHASES) {
        const n = Math.min(runs.length, plain.length);
        const d = (get) => summarize(Array.from({ length: n }, (_, i) => get(runs[i][ph]) - get(plain[i][ph])));
        extra[ph] = { task: d((x) => x.task), longCount: d((x) => x.long.count), shift: d((x) => x.shift ?? 0) };
      }
      extra.heap = summarize(Array.from({ length: Math.min(runs.length, plain.length) }, (_, i) => runs[i].heap - plain[i].heap));
      page.extra[v] = extra;
    }
    // Headline: Unison's extra main-thread time over each baseline's, per phase (below 1: Unison
    // costs the page less). Not given when either median is not above zero (within noise).
    for (const b of ['naive', 'linkify']) {
      if (!page.extra[b] || !page.extra.unison) continue;
      page.ratios[b] = {};
      for (const ph of PHASES) {
        const u = page.extra.unison[ph].task.median;
        const x = page.extra[b][ph].task.median;
        page.ratios[b][ph] = u != null && x != null && u > 0 && x > 0 ? u / x : null;
      }
    }
    out[id] = page;
  }
  return out;
}

