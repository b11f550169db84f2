// Bundle sizes: Unison's content script as built, beside the same minimal job (list the
// senders of the open thread) written with InboxSDK and with gmail.js + jQuery, each bundled
// with esbuild (minified, browser, IIFE) and gzipped at level 9.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BENCH, EXTENSION_DIR, ROOT } from './lib/paths.mjs';
import { bundle, gzipSize } from './lib/esbuild.mjs';

/** The goal of issue 3: the content script, Preact included, at most 30 KB gzipped. */
export const CONTENT_SCRIPT_GOAL_BYTES = 30 * 1024;

/** The built content script's size: minified bytes, and gzipped at level 9. */
export function contentScriptSize(extensionDir = EXTENSION_DIR) {
  const file = join(extensionDir, 'content-scripts', 'overlay.js');
  if (!existsSync(file)) throw new Error(`No content script at ${file}: build the extension first`);
  const code = readFileSync(file);
  return { minified: code.length, gzip: gzipSize(code) };
}

export async function measureBundles({ extensionDir = EXTENSION_DIR } = {}) {
  const rows = [{ id: 'unison', label: 'Unison content script (WXT build, Preact included)', ...contentScriptSize(extensionDir) }];
  const inbox = await bundle(join(BENCH, 'baselines', 'inboxsdk-senders.js'));
  rows.push({ id: 'inboxsdk', label: 'InboxSDK: list the senders of a thread', minified: Buffer.byteLength(inbox), gzip: gzipSize(inbox) });
  // InboxSDK also injects its page-world script into Gmail at run time (a second file the
  // extension must ship); reported apart, not added to the row above.
  const pageWorld = readFileSync(resolve(ROOT, 'node_modules/@inboxsdk/core/pageWorld.js'));
  rows.push({ id: 'inboxsdk-pageworld', label: 'InboxSDK page-world script (shipped as is, loaded into Gmail)', minified: pageWorld.length, gzip: gzipSize(pageWorld) });
  const gmailjs = await bundle(join(BENCH, 'baselines', 'gmailjs-senders.js'));
  rows.push({ id: 'gmailjs', label: 'gmail.js + jQuery: list the senders of a thread', minified: Buffer.byteLength(gmailjs), gzip: gzipSize(gmailjs) });
  const unison = rows[0];
  return {
    rows,
    goalBytes: CONTENT_SCRIPT_GOAL_BYTES,
    pass: unison.gzip <= CONTENT_SCRIPT_GOAL_BYTES,
    ratios: {
      inboxsdk: rows.find((r) => r.id === 'inboxsdk').gzip / unison.gzip,
      gmailjs: rows.find((r) => r.id === 'gmailjs').gzip / unison.gzip,
    },
  };
}
