// Where the benchmark keeps things.
import { resolve } from 'node:path';
import { ROOT } from '../../tests/e2e/lib/paths.mjs';

export { ROOT };
export const BENCH = resolve(ROOT, 'bench');
/** Generated fixtures, quick-mode results and scratch files (git-ignored). */
export const TMP = resolve(BENCH, '.tmp');
/** The benchmark's own build of the extension. */
export const OUT_DIR = '.output-bench';
export const EXTENSION_DIR = resolve(ROOT, OUT_DIR, 'chrome-mv3');
