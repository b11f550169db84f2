// Where the benchmark keeps things.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BENCH = resolve(ROOT, 'bench');
/** Generated fixtures, quick-mode results and scratch files (git-ignored). */
export const TMP = resolve(BENCH, '.tmp');
/** The benchmark's own build of the extension. */
export const OUT_DIR = '.output-bench';
export const EXTENSION_DIR = resolve(ROOT, OUT_DIR, 'chrome-mv3');
