#!/usr/bin/env node
// The content script's size budget, on the build `npm test` has just made: at most 30 KB
// gzipped (level 9), Preact included, the goal of issue 3. It runs on every page a rep opens,
// so a change that grows it past the goal fails here, not only in the benchmark's report.
//   node scripts/size.mjs [extension dir]   (default .output/chrome-mv3)
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONTENT_SCRIPT_GOAL_BYTES } from '../bench/bundle.mjs';
import { gzipSize } from '../bench/lib/esbuild.mjs';

const dir = resolve(process.argv[2] ?? '.output/chrome-mv3');
const file = join(dir, 'content-scripts', 'overlay.js');
if (!existsSync(file)) {
  console.error(`No content script at ${file}: run \`npx wxt build\` first.`);
  process.exit(1);
}
const code = readFileSync(file);
const gz = gzipSize(code);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const line = `content script: ${kb(code.length)} minified, ${gz} bytes (${kb(gz)}) gzipped; budget ${CONTENT_SCRIPT_GOAL_BYTES} bytes (${kb(CONTENT_SCRIPT_GOAL_BYTES)}), ${CONTENT_SCRIPT_GOAL_BYTES - gz} bytes left`;
if (gz > CONTENT_SCRIPT_GOAL_BYTES) {
  console.error(`Over budget: ${line}`);
  process.exit(1);
}
console.log(line);
