// A node:test reporter that writes only the totals, as JSON: { "passed", "failed", "skipped" }.
// Suites (describe blocks) are not counted, only tests. scripts/e2e.mjs points its output at
// .tmp/e2e-summary.json, which scripts/test.mjs reads.
export default async function* summaryReporter(source) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) totals.skipped += 1;
    else if (event.type === 'test:pass') totals.passed += 1;
    else totals.failed += 1;
  }
  yield `${JSON.stringify(totals)}\n`;
}
