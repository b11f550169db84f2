// Turns the results object into the goals list (PASS/MISS, informational) and a Markdown report.
import { fmt, fmtBytes, fmtRatio, fmtSpread } from './lib/stats.mjs';
import { PHASES } from './page-cost.mjs';

const PAGE_LABEL = {
  gmail: 'Gmail inbox, 100 rows + 50-message thread',
  salesforce: 'Salesforce list view, 2,000 rows',
  generic: 'Generic page, 5,000 addresses in text (custom domain)',
};
const PHASE_LABEL = { initial: 'initial scan', row: 'one new row', burst: 'mutation burst (+50 rows)', navigate: 'in-page navigation' };

/** Each goal of the issues with the measured value and PASS / MISS (or n/a when not measured). */
export function goals(results) {
  const out = [];
  const add = (goal, value, pass, note) => out.push({ goal, value, status: pass === null ? 'n/a' : pass ? 'PASS' : 'MISS', note });
  const b = results.bundle;
  if (b) add('Content script ≤ 30 KB gzipped (Preact included)', fmtBytes(b.rows[0].gzip), b.pass);
  for (const id of ['gmail', 'salesforce']) {
    const p = results.pageCost?.summary?.[id];
    const u = p?.extra?.unison;
    if (!u) continue;
    const firstScript = p.variants.unison.initial.script.median;
    add(
      `${PAGE_LABEL[id]}: first scan and badges ≤ 50 ms main-thread`,
      `adds ${fmt(u.initial.task.median)} ms, of which script ${fmt(firstScript)} ms`,
      u.initial.task.median <= 50 && (firstScript ?? 0) <= 50,
    );
    // Every later batch counts: the common one (a row arrives) and the 50 rows added at once. The
    // content script's own work (profiled rounds) is a floor under what it adds, so a batch passes
    // only when both are within the goal. Its own work leaves out the page's style and layout for
    // the new rows that its visibility check has the browser work out early (shown beside it):
    // the page's next frame then has that much less to do, which `adds` measures.
    for (const [ph, what] of [['row', 'one new row'], ['burst', '50 rows at once']]) {
      const adds = u[ph].task.median;
      const x = p.variants.unison[ph];
      const own = x.own?.median ?? x.script.median;
      add(
        `${PAGE_LABEL[id]}: later mutation batch ≤ 2 ms (${what})`,
        `adds ${fmt(adds)} ms; script ${fmt(x.script.median)} ms: own work ${fmt(own)} ms, the page's style and layout worked out early ${fmt(x.forced?.median ?? 0)} ms`,
        adds <= 2 && own <= 2,
      );
    }
    // The badges take room beside their contacts: what follows on the line moves over, unless
    // the badge goes in with the content, in the frame that first shows it.
    const shifts = PHASES.map((ph) => u[ph].shift?.median ?? 0);
    add(
      `${PAGE_LABEL[id]}: badges cause no layout shift (score added, median)`,
      PHASES.map((ph, i) => `${PHASE_LABEL[ph]} ${fmtShift(shifts[i])}`).join(', '),
      shifts.every((x) => x <= SHIFT_NOISE),
    );
    const extraLong = Math.max(...PHASES.map((ph) => u[ph].longCount.median ?? 0));
    const maxLong = Math.max(...PHASES.map((ph) => p.variants.unison[ph].longMax.max ?? 0));
    add(`${PAGE_LABEL[id]}: no long task (> 50 ms) caused by the extension`, `${fmt(extraLong)} extra long tasks (longest seen with it: ${fmt(maxLong)} ms)`, extraLong <= 0);
  }
  const lk = results.store?.lookup?.[100000];
  if (lk) add('Lookup of 1,000 addresses among 100,000 leads ≤ 20 ms (round trip, messaging included)', `${fmt(lk.median)} ms`, lk.median <= 20);
  else add('Lookup of 1,000 addresses among 100,000 leads ≤ 20 ms', 'not measured', null);
  const click = results.store?.clickToSaved;
  if (click && !click.unavailable) add('Click to saved and shown, median ≤ 50 ms', `${fmt(click.median)} ms`, click.median <= 50);
  else add('Click to saved and shown, median ≤ 50 ms', click?.unavailable ?? 'not measured', null);
  const ex = results.store?.export;
  if (ex && !ex.unavailable && ex.events >= 100_000) {
    add('Export of 100,000 events ≤ 3 s (CSV)', `${fmt(ex.csv.median / 1000)} s`, ex.csv.median <= 3000);
    add('Export of 100,000 events ≤ 3 s (JSON)', `${fmt(ex.json.median / 1000)} s`, ex.json.median <= 3000);
  } else add('Export of 100,000 events ≤ 3 s', ex?.unavailable ?? (ex ? `only ${ex.events} events in this mode` : 'not measured'), null);
  const sy = results.store?.sync;
  if (sy && !sy.unavailable && sy.events >= 10_000) add('Sync of 10,000 events ≥ 2,000 events/s', `${fmt(sy.perSecond.median)} events/s`, sy.perSecond.median >= 2000);
  else add('Sync of 10,000 events ≥ 2,000 events/s', sy?.unavailable ?? (sy ? `only ${sy.events} events in this mode` : 'not measured'), null);
  return out;
}

/** A layout-shift score added below this counts as none (rounding of the API's own sums). */
const SHIFT_NOISE = 0.0005;

/** A layout-shift score, e.g. "0.0136", or "0" when there is none. */
function fmtShift(x) {
  if (x == null || !Number.isFinite(x)) return '–';
  return Math.abs(x) < SHIFT_NOISE ? '0' : x.toFixed(4);
}

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function toMarkdown(results) {
  const m = results.machine;
  const lines = [];
  lines.push(`# Unison benchmarks${results.quick ? ' (quick mode: one small run each, numbers not meaningful)' : ''}`);
  lines.push('');
  lines.push(
    `Run ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu} (${m.cores} cores, ${m.memoryGb} GB; load average ${m.loadAtStart} at the start, ${m.loadAtEnd ?? '?'} at the end), ${m.chromium ?? 'Chromium ?'}, Node ${m.node}. ` +
      `Page cost: ${results.pageCost?.runs ?? 0} rounds (median, with min–max), and ${results.pageCost?.profileRuns ?? 0} more with a CPU profile for the script time; main-thread time is CPU time of the page's main thread. See docs/benchmarks.md for what each number means.`,
  );
  lines.push('');

  // Headline ratios
  const pc = results.pageCost?.summary;
  if (pc) {
    lines.push('## Headline: main-thread time Unison adds, against the two baselines (same run)');
    lines.push('');
    lines.push('"Unison ÷ …" is Unison\'s extra main-thread time divided by the baseline\'s: below 1× Unison costs the page less, above 1× more. "–" when a median is not above zero (within noise).');
    lines.push('');
    const rows = [];
    for (const [id, p] of Object.entries(pc)) {
      for (const ph of PHASES) {
        const u = p.extra.unison?.[ph];
        rows.push([
          PAGE_LABEL[id] ?? id,
          PHASE_LABEL[ph],
          `${fmtSpread(u?.task)} ms`,
          `${fmtSpread(p.extra.naive?.[ph]?.task)} ms`,
          `${fmtSpread(p.extra.linkify?.[ph]?.task)} ms`,
          fmtRatio(p.ratios.naive?.[ph]),
          fmtRatio(p.ratios.linkify?.[ph]),
        ]);
      }
    }
    lines.push(table(['Page', 'Phase', 'Unison adds', 'Naive scanner adds', 'linkifyjs scanner adds', 'Unison ÷ naive', 'Unison ÷ linkifyjs'], rows));
    lines.push('');
  }

  // Bundle
  if (results.bundle) {
    lines.push('## Bundle size');
    lines.push('');
    const u = results.bundle.rows[0].gzip;
    lines.push(
      table(
        ['Script', 'Minified', 'Gzipped (level 9)', '× Unison'],
        results.bundle.rows.map((r) => [r.label, fmtBytes(r.minified), fmtBytes(r.gzip), r.id === 'unison' ? '1×' : fmtRatio(r.gzip / u)]),
      ),
    );
    lines.push('');
  }

  // Page cost details
  if (pc) {
    lines.push('## Page cost in detail');
    lines.push('');
    lines.push('Main-thread, script and style + layout time in ms (CPU time of the page\'s main thread), long tasks over 50 ms, layout-shift score (median), badges or markers on the page, per phase. "Adds" is paired: each round\'s run minus the plain run of the same round. "Script" is the scanner\'s own JavaScript and the DOM calls it makes, wherever it runs (tasks, callbacks, promise jobs), from the profiled rounds; "of it, forced style + layout" is the part spent in calls that make the browser work out style or layout early (a visibility check, a box read), mostly the page\'s own work for its next frame, done sooner ("style + layout" counts it too).');
    lines.push('');
    for (const [id, p] of Object.entries(pc)) {
      lines.push(`### ${PAGE_LABEL[id] ?? id}`);
      lines.push('');
      const rows = [];
      for (const v of ['plain', 'unison', 'naive', 'linkify']) {
        const vs = p.variants[v];
        if (!vs) continue;
        for (const ph of PHASES) {
          const x = vs[ph];
          const e = p.extra[v]?.[ph];
          rows.push([
            v,
            PHASE_LABEL[ph],
            fmtSpread(x.task),
            e ? fmtSpread(e.task) : '–',
            fmtSpread(x.script),
            fmt(x.forced?.median ?? 0),
            fmtSpread(x.layout),
            `${fmt(x.longCount.median)} (longest ${fmt(x.longMax.max)} ms)`,
            fmtShift(x.shift?.median),
            fmt(x.count.median),
          ]);
        }
      }
      lines.push(table(['Variant', 'Phase', 'Main thread', 'Adds', 'Script', 'Of it, forced style + layout', 'Style + layout', 'Long tasks', 'Layout shift', 'Badges / markers'], rows));
      lines.push('');
      const u = p.variants.unison;
      if (u) {
        const notes = [];
        notes.push(`distinct leads badged: ${fmt(u.distinctLeads.median)}`);
        if (u.unexpectedBadges.length) notes.push(`**badges on addresses that are not known leads: ${u.unexpectedBadges.slice(0, 5).join(', ')}**`);
        else notes.push('no badge on an address outside the campaign data');
        if (u.pageErrors.length) notes.push(`page errors: ${u.pageErrors.slice(0, 3).join(' | ')}`);
        const timeouts = PHASES.filter((ph) => u[ph].timedOut);
        if (timeouts.length) notes.push(`did not settle within the timeout in: ${timeouts.join(', ')}`);
        lines.push(`Unison on this page: ${notes.join('; ')}.`);
        lines.push('');
      }
    }

    lines.push('## Memory: JS heap after the initial scan (after two forced collections)');
    lines.push('');
    lines.push('The isolate\'s used heap (`Runtime.getHeapUsage`), which holds the page\'s world and the content script\'s isolated world alike; "adds" is the paired difference with the plain page.');
    lines.push('');
    lines.push(
      table(
        ['Page', 'Plain page', 'Unison adds', 'Naive scanner adds', 'linkifyjs scanner adds'],
        Object.entries(pc).map(([id, p]) => [
          PAGE_LABEL[id] ?? id,
          fmtBytes(p.variants.plain?.heap.median),
          fmtBytes(p.extra.unison?.heap.median),
          fmtBytes(p.extra.naive?.heap.median),
          fmtBytes(p.extra.linkify?.heap.median),
        ]),
      ),
    );
    lines.push('');
  }

  // Store
  const st = results.store;
  if (st) {
    lines.push('## Store, import, export, feedback and sync');
    lines.push('');
    const rows = [];
    if (st.lookup) {
      if (st.lookup.helloRoundTrip) rows.push(['`hello` round trip (messaging floor, no store access)', `${fmtSpread(st.lookup.helloRoundTrip)} ms`]);
      for (const [size, r] of Object.entries(st.lookup)) {
        if (size === 'helloRoundTrip' || size === 'afterRestart') continue;
        rows.push([`Lookup of ${r.batch.toLocaleString('en-US')} addresses (half known) among ${Number(size).toLocaleString('en-US')} leads, round trip`, `${fmtSpread(r)} ms`]);
      }
      const ar = st.lookup.afterRestart;
      if (ar) {
        rows.push([`First lookup among ${ar.size.toLocaleString('en-US')} leads after the service worker stopped (worker start included)`, `${fmtSpread(ar.first)} ms`]);
        rows.push([`… until lookups are fast again (lead index rebuilt)`, `${fmtSpread(ar.untilWarmMs)} ms`]);
      }
    }
    if (st.pageDataImport) rows.push([`Import of the pages' campaign data (${st.pageDataImport.rows.toLocaleString('en-US')} rows)`, st.pageDataImport.ms != null ? `${fmt(st.pageDataImport.ms)} ms` : st.pageDataImport.unavailable]);
    if (st.import?.unavailable) rows.push(['Import of 10,000 / 100,000 CSV rows', `not measured: ${st.import.unavailable}`]);
    else if (st.import) for (const r of Object.values(st.import)) rows.push([`Import of ${r.rows.toLocaleString('en-US')} CSV rows (${fmtBytes(r.bytes)}) through the options page`, `${fmtSpread(r)} ms`]);
    if (st.export?.unavailable) rows.push(['Export', `not measured: ${st.export.unavailable}`]);
    else if (st.export) {
      rows.push([`Export CSV of ${st.export.events.toLocaleString('en-US')} events (click to download, ${fmtBytes(st.export.csv.bytes)})`, `${fmtSpread(st.export.csv)} ms`]);
      rows.push([`Export JSON of ${st.export.events.toLocaleString('en-US')} events (click to download, ${fmtBytes(st.export.json.bytes)})`, `${fmtSpread(st.export.json)} ms`]);
    }
    if (st.clickToSaved?.unavailable) rows.push(['Click to saved', `not measured: ${st.clickToSaved.unavailable}`]);
    else if (st.clickToSaved) rows.push([`Click on \`Good lead\` to \`aria-pressed="true"\` (${st.clickToSaved.n} clicks)`, `${fmtSpread(st.clickToSaved)} ms`]);
    if (st.sync?.unavailable) rows.push(['Sync', `not measured: ${st.sync.unavailable}`]);
    else if (st.sync) {
      rows.push([`Sync of ${st.sync.events.toLocaleString('en-US')} events to a loopback receiver (${st.sync.requests} requests)`, `${fmtSpread(st.sync.perSecond)} events/s (${fmtSpread(st.sync.ms)} ms)`]);
    }
    lines.push(table(['Measure', 'Median (min–max)'], rows));
    lines.push('');
  }

  lines.push('## Goals (informational: the benchmark reports, it does not fail)');
  lines.push('');
  lines.push(table(['Goal', 'Measured', ''], goals(results).map((g) => [g.goal, g.value, g.status])));
  lines.push('');
  if (results.failures?.length) {
    lines.push('## Measurements that did not run');
    lines.push('');
    for (const f of results.failures) lines.push(`- ${f}`);
    lines.push('');
  }
  return lines.join('\n');
}
