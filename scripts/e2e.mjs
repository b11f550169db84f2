#!/usr/bin/env node
// End-to-end tests in a real Chromium with the built extension (see tests/e2e/README.md).
//
//   node scripts/e2e.mjs                      build into .output-e2e, run every tests/e2e/**/*.test.mjs
//   node scripts/e2e.mjs --no-build           reuse the last build
//   node scripts/e2e.mjs tests/e2e/x.test.mjs run some files only
//   node scripts/e2e.mjs --grep "restart"     only tests whose name matches
//   node scripts/e2e.mjs --headed             show the browser (needs a display)
//
// Writes .tmp/e2e-summary.json ({ "passed": N, "failed": N, "skipped": N }) and exits non-zero
// when any test fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildExtension } from './lib/build.mjs';
import { requireChromium } from './lib/chromium.mjs';

const OUT_DIR = '.output-e2e';
const SUMMARY = '.tmp/e2e-summary.json';

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const grepAt = argv.indexOf('--grep');
const grep = grepAt >= 0 ? argv[grepAt + 1] : null;
const files = argv.filter((a, i) => !a.startsWith('--') && !(grepAt >= 0 && i === grepAt + 1));

requireChromium();

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'lib' ? [] : findTests(path);
    return entry.name.endsWith('.test.mjs') ? [path] : [];
  });
}

const testFiles = (files.length ? files : findTests('tests/e2e').sort()).map((f) => relative(process.cwd(), resolve(f)));
if (testFiles.length === 0) {
  console.error('No end-to-end tests found (tests/e2e/**/*.test.mjs).');
  process.exit(1);
}
for (const f of testFiles) {
  if (!existsSync(f)) {
    console.error(`No such test file: ${f}`);
    process.exit(1);
  }
}

// tests/e2e/custom-domain.test.mjs adds the first CRM domain in the Sites section; the test build
// pre-grants it so no permission prompt blocks the test (see wxt.config.ts). The second one is
// granted but never added: Unison must still leave it alone (a script registered too widely
// would run there).
process.env.UNISON_E2E_GRANT ||= 'crm.acme-custom.test,crm.other-custom.test';
const extensionDir = flags.has('--no-build') ? join(OUT_DIR, 'chrome-mv3') : buildExtension({ outDir: OUT_DIR, quiet: true });
if (!existsSync(join(extensionDir, 'manifest.json'))) {
  console.error(`No build in ${extensionDir}: run without --no-build.`);
  process.exit(1);
}

mkdirSync('.tmp', { recursive: true });
rmSync(SUMMARY, { force: true });
console.log(`Running ${testFiles.length} end-to-end test file(s) in Chromium, one at a time:\n  ${testFiles.join('\n  ')}\n`);
const t0 = Date.now();
const r = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=1',
    // A safety net against a hung browser; it bounds each test and each file.
    '--test-timeout=900000',
    ...(grep ? [`--test-name-pattern=${grep}`] : []),
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/lib/summary-reporter.mjs',
    `--test-reporter-destination=${SUMMARY}`,
    ...testFiles,
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      UNISON_EXTENSION_DIR: extensionDir,
      ...(flags.has('--headed') ? { UNISON_E2E_HEADED: '1' } : {}),
    },
  },
);

let summary;
if (existsSync(SUMMARY)) {
  summary = JSON.parse(readFileSync(SUMMARY, 'utf8'));
} else {
  console.error('The test runner ended without a summary.');
  summary = { passed: 0, failed: 0, skipped: 0 };
}
if (r.status !== 0 && summary.failed === 0) {
  // The runner failed outside any test (a crash, a file that did not load): count it once.
  summary.failed = 1;
  writeFileSync(SUMMARY, `${JSON.stringify(summary)}\n`);
}
console.log(
  `\nEnd-to-end: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped ` +
    `in ${((Date.now() - t0) / 1000).toFixed(1)} s.`,
);
process.exitCode = summary.failed > 0 ? 1 : 0;
