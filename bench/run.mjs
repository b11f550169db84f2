#!/usr/bin/env node
// `npm run bench`: Unison's cost, measured on this machine in one run, beside what a Gmail
// extension author would otherwise use. See docs/benchmarks.md.
//
//   node bench/run.mjs            full run: writes bench/results.json and bench/RESULTS.md
//   node bench/run.mjs --quick    one small run of each measurement (what `npm test` runs): checks
//                                 that every measurement still works, never fails on a number;
//                                 writes bench/.tmp/quick-results.json and quick-RESULTS.md
//   --runs N                      rounds of the page-cost and store measurements (default 5), and
//                                 up to 3 more profiled page-cost rounds for script time
//   --only bundle,page,store      a subset
//   --no-build                    reuse the extension already built in .output-bench
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { buildExtension } from '../scripts/lib/build.mjs';
import { requireChromium } from '../scripts/lib/chromium.mjs';
import { measureBundles } from './bundle.mjs';
import { CUSTOM_DOMAIN, REP, knownEmails, pageLeadRecords, writeFixtures } from './fixtures/generate.mjs';
import { machine } from './lib/env.mjs';
import { addCustomDomain, ensureDatabase, importCampaignFile, launchBenchExtension, putLeads, setYou } from './lib/ext.mjs';
import { BENCH, OUT_DIR, ROOT, TMP } from './lib/paths.mjs';
import { baselineScripts, launchPlain, measurePageCost, routePages } from './page-cost.mjs';
import { goals, toMarkdown } from './report.mjs';
import { benchClickToSaved, benchExport, benchImport, benchLookup, benchSync, hasImportUi } from './store.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(argValue('--runs') ?? (quick ? 1 : 5));
// Rounds with a CPU profile, for the scanners' own script time (not timed: the profiler slows scripts).
const profileRuns = Math.min(runs, 3);
const only = argValue('--only') ? new Set(argValue('--only').split(',')) : null;
const wants = (part) => !only || only.has(part);

const plan = quick
  ? {
      settle: { initial: { min: 1000, quiet: 600 }, later: { min: 600, quiet: 500 } },
      warmup: false,
      clicks: 3,
      lookup: { sizes: [1000, 10_000], rounds: 1, perRound: 2, restarts: 1 },
      importRuns: 1,
      exportEvents: 10_000,
      exportRuns: 1,
      syncEvents: 1000,
      syncRuns: 1,
    }
  : {
      // Every variant's window is `min` long whenever its count settles within `min - quiet`
      // (Unison's does in about 0.2 to 0.6 s): the same number of polls for each, so that the
      // polls' own cost on the page's main thread cancels out in "adds".
      settle: { initial: { min: 2000, quiet: 1200 }, later: { min: 2000, quiet: 1000 } },
      warmup: true,
      clicks: 25,
      lookup: { sizes: [1000, 10_000, 100_000], rounds: runs, perRound: 10, restarts: runs },
      importRuns: runs,
      exportEvents: 100_000,
      exportRuns: runs,
      syncEvents: 10_000,
      syncRuns: runs,
    };

const log = (...a) => console.log(...a);
const failures = [];
/** Runs one measurement; a failure is recorded and the run goes on with the next one. */
async function step(name, fn) {
  const t0 = Date.now();
  log(`\n▶ ${name}`);
  try {
    const r = await fn();
    if (r && r.unavailable) failures.push(`${name}: ${r.unavailable}`);
    log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return r;
  } catch (err) {
    failures.push(`${name}: ${err?.message?.split('\n')[0] ?? err}`);
    log(`✘ ${name}: ${err?.stack ?? err}`);
    return undefined;
  }
}

const chromium = requireChromium();
process.chdir(ROOT);
const results = { schema: 'unison.bench/1', quick, startedAt: new Date().toISOString(), machine: machine(chromium), runs, store: {} };
log(`Unison benchmarks${quick ? ' (quick mode)' : ''}: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.chromium}`);

// The benchmark's own build. The custom CRM domain of the generic page is granted in this build
// (as in end-to-end builds) because automation cannot answer the browser's permission prompt.
if (!args.includes('--no-build')) {
  process.env.UNISON_E2E_GRANT = CUSTOM_DOMAIN;
  buildExtension({ outDir: OUT_DIR, quiet: true });
}
const fixtures = writeFixtures({ outDir: join(TMP, quick ? 'fixtures-quick' : 'fixtures'), quick });

if (wants('bundle')) results.bundle = await step('bundle sizes', () => measureBundles());

if (wants('page')) {
  await step('page cost', async () => {
    const session = await launchBenchExtension();
    const plain = await launchPlain();
    try {
      const options = await session.optionsPage();
      await setYou(options, REP);
      await addCustomDomain(options, CUSTOM_DOMAIN);
      await ensureDatabase(options);
      if (await hasImportUi(options)) {
        const t0 = Date.now();
        const status = await importCampaignFile(options, fixtures.data.pages.file, { timeout: 300_000 });
        results.store.pageDataImport = { rows: fixtures.data.pages.rows, ms: Date.now() - t0, status };
        log(`  imported the pages' campaign data in ${Date.now() - t0} ms: ${status}`);
      } else {
        // Without the importer the leads are written to the store directly; the pages need them.
        await putLeads(options, pageLeadRecords());
        results.store.pageDataImport = { rows: fixtures.data.pages.rows, unavailable: 'no import input on the options page; leads written to the store directly' };
        failures.push(`import of the pages' campaign data: ${results.store.pageDataImport.unavailable}`);
      }
      await options.close();
      for (const c of [session.context, plain.context]) await routePages(c, fixtures.pages);
      const contexts = { extension: session.context, plain: plain.context };
      const scripts = await baselineScripts();
      const known = knownEmails();
      if (plan.warmup) {
        log('  warm-up round (not counted)');
        await measurePageCost({ pages: fixtures.pages, runs: 1, profileRuns: 0, contexts, scripts, settleOpts: plan.settle, known, log: () => undefined });
      }
      const pc = await measurePageCost({ pages: fixtures.pages, runs, profileRuns, contexts, scripts, settleOpts: plan.settle, known, log });
      results.pageCost = { runs, profileRuns, pages: Object.fromEntries(Object.entries(fixtures.pages).map(([id, p]) => [id, { url: p.url, bytes: p.bytes, size: p.size }])), summary: pc.summary };
      for (const [id, p] of Object.entries(pc.summary)) {
        const u = p.variants.unison;
        if (!u || !(u.initial.count.median > 0)) failures.push(`page cost on ${id}: no badge appeared`);
        if (u?.unexpectedBadges.length) failures.push(`page cost on ${id}: badges on addresses outside the campaign data (${u.unexpectedBadges.slice(0, 3).join(', ')})`);
      }

      results.store.clickToSaved = await step('click to saved', async () => {
        const page = await session.context.newPage();
        try {
          await page.goto(fixtures.pages.gmail.url);
          return await benchClickToSaved(page, { email: 'ann@acme.io', clicks: plan.clicks });
        } finally {
          await page.close();
        }
      });
    } finally {
      await plain.close();
      await session.close();
    }
  });
}

if (wants('store')) {
  const session = await launchBenchExtension();
  try {
    const options = await session.optionsPage();
    await setYou(options, REP);
    results.store.lookup = await step('lookup', () => benchLookup(options, { ...plan.lookup, log }));
    await options.close();
    const files = Object.fromEntries(Object.entries(fixtures.data).filter(([k]) => k.startsWith('import')).map(([, d]) => [d.rows, d.file]));
    results.store.import = await step('import', () => benchImport(session, { files, runs: plan.importRuns, log }));
    results.store.export = await step('export', () => benchExport(session, { events: plan.exportEvents, runs: plan.exportRuns, log }));
    results.store.sync = await step('sync', () => benchSync(session, { events: plan.syncEvents, runs: plan.syncRuns, log }));
  } finally {
    await session.close();
  }
}

results.finishedAt = new Date().toISOString();
results.machine.loadAtEnd = Math.round(loadavg()[0] * 10) / 10;
results.failures = failures;
results.goals = goals(results);
const md = toMarkdown(results);
log(`\n${md}`);

const outDir = quick ? TMP : BENCH;
mkdirSync(outDir, { recursive: true });
const jsonFile = join(outDir, quick ? 'quick-results.json' : 'results.json');
const mdFile = join(outDir, quick ? 'quick-RESULTS.md' : 'RESULTS.md');
if (quick || !only) {
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdFile, `${md}\n`);
  log(`Wrote ${relative(ROOT, jsonFile)} and ${relative(ROOT, mdFile)}.`);
} else {
  // A partial run (--only) never replaces the full results.
  writeFileSync(join(TMP, 'partial-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(TMP, 'partial-RESULTS.md'), `${md}\n`);
  log(`Partial run: wrote bench/.tmp/partial-results.json and partial-RESULTS.md.`);
}

if (failures.length) {
  log(`\n${failures.length} measurement(s) did not run:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  // Quick mode checks that every measurement still runs: a measurement that cannot run fails it.
  // Numbers never fail a run.
  process.exit(1);
}
