// Where things are, for end-to-end tests.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The built extension the tests load (scripts/e2e.mjs builds it into .output-e2e). */
export const EXTENSION_DIR = resolve(ROOT, process.env.UNISON_EXTENSION_DIR || '.output-e2e/chrome-mv3');

/** An absolute path under tests/fixtures/. */
export function fixturePath(relative) {
  return resolve(ROOT, 'tests/fixtures', relative);
}
