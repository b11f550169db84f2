#!/usr/bin/env node
// `npm test`: every check, in order, with one summary at the end.
//   typecheck, lint, unit and component tests, the Chrome build, the content script's size
//   budget, the Firefox build and web-ext lint of it, end-to-end tests in Chromium, and the
//   benchmarks in quick mode.
// `npm test -- --only unit,e2e` runs a subset.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { requireChromium } from './lib/chromium.mjs';

const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;

const steps = [
  { id: 'typecheck', cmd: ['npx', 'tsc', '--noEmit'] },
  { id: 'lint', cmd: ['npx', 'eslint', '.'] },
  { id: 'unit', cmd: ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.tmp/vitest.json'], counts: 'vitest' },
  { id: 'build', cmd: ['npx', 'wxt', 'build'] },
  { id: 'size', cmd: ['node', 'scripts/size.mjs'] },
  { id: 'build-firefox', cmd: ['npx', 'wxt', 'build', '-b', 'firefox'] },
  { id: 'webext-lint', cmd: ['npx', 'web-ext', 'lint', '--source-dir', '.output/firefox-mv2', '--self-hosted'] },
  { id: 'e2e', cmd: ['node', 'scripts/e2e.mjs'], needsChromium: true, counts: 'node' },
  { id: 'bench-quick', cmd: ['node', 'bench/run.mjs', '--quick'], needsChromium: true },
];

let passed = 0;
let failed = 0;
const failures = [];
// Before anything else: a run that would end on a missing browser says so at once, not after
// the rest (and touches nothing: the end-to-end tests run this check themselves).
if (steps.some((step) => step.needsChromium && (!only || only.has(step.id)))) requireChromium();

rmSync('.tmp/vitest.json', { force: true });
rmSync('.tmp/e2e-summary.json', { force: true });

for (const step of steps) {
  if (only && !only.has(step.id)) continue;
  console.log(`\n▶ ${step.id}: ${step.cmd.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const ok = r.status === 0;
  console.log(`${ok ? '✔' : '✘'} ${step.id} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (step.counts === 'vitest' && existsSync('.tmp/vitest.json')) {
    const j = JSON.parse(readFileSync('.tmp/vitest.json', 'utf8'));
    passed += j.numPassedTests;
    failed += j.numFailedTests;
  } else if (step.counts === 'node' && existsSync('.tmp/e2e-summary.json')) {
    const j = JSON.parse(readFileSync('.tmp/e2e-summary.json', 'utf8'));
    passed += j.passed;
    failed += j.failed;
  } else {
    if (ok) passed += 1;
    else failed += 1;
  }
  if (!ok) failures.push(step.id);
}

console.log(`\nFailed steps: ${failures.length ? failures.join(', ') : 'none'}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);
