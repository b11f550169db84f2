// Bundling the baselines the same way for every comparison: esbuild, minified, browser, IIFE.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { ROOT } from './paths.mjs';

/** Bundles one entry file; resolves to the minified code as a string. */
export async function bundle(entry, { platform = 'browser', format = 'iife', minify = true, external = [] } = {}) {
  const r = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    minify,
    platform,
    format,
    target: platform === 'node' ? 'node20' : 'es2022',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    external,
    alias: { '@': ROOT },
  });
  return r.outputFiles[0].text;
}

/** gzip size at the highest level (the same setting for every file compared). */
export function gzipSize(text) {
  return gzipSync(Buffer.isBuffer(text) ? text : Buffer.from(text), { level: 9 }).length;
}
