#!/usr/bin/env node
// The content script's size budget, on the build `npm test` has just made: at most 30 KB
// gzipped (level 9), Preact included, the goal of issue 3. It runs on every page a rep opens,
// so a change that grows it past the goal fails here, not only in the benchmark's report.
//   node scripts/size.mjs [extension dir]   (default .output/chrome-mv3)
import { resolve } from 'node:path';
import { CONTENT_SCRIPT_GOAL_BYTES, contentScriptSize } from '../bench/bundle.mjs';

let size;
try {
  size = contentScriptSize(resolve(process.argv[2] ?? '.output/chrome-mv3'));
} catch (e) {
  console.error(`${e.message} (npx wxt build).`);
  process.exit(1);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const { minified, gzip } = size;
const line = `content script: ${kb(minified)} minified, ${gzip} bytes (${kb(gzip)}) gzipped; budget ${CONTENT_SCRIPT_GOAL_BYTES} bytes (${kb(CONTENT_SCRIPT_GOAL_BYTES)}), ${CONTENT_SCRIPT_GOAL_BYTES - gzip} bytes left`;
if (gzip > CONTENT_SCRIPT_GOAL_BYTES) {
  console.error(`Over budget: ${line}`);
  process.exit(1);
}
console.log(line);
