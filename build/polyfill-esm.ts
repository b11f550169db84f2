/**
 * webextension-polyfill ships as one UMD (CommonJS) file. Imported from an ES module (as WXT's
 * module does), the bundler's CommonJS interop makes a new object and reads the property
 * descriptor of every property of the module's export onto it. Where the browser has its own
 * `browser` (Chromium does now), that export is the browser's own object, whose APIs are bound
 * lazily, so the copy binds every API the extension may use, on every page the content script
 * runs on: about 6 ms of each page load in Chromium, measured.
 *
 * This plugin gives the polyfill file an ES default export instead (the same file, run as it is
 * with a `module` object of its own), so no interop copy is made. Nothing else changes: the
 * polyfill still wraps the APIs where the browser has no `browser` of its own.
 */
import type { Plugin } from 'vite';

/** The polyfill's file, minified or not, as the bundler resolves it. */
const POLYFILL_FILE = /[\\/]webextension-polyfill[\\/]dist[\\/]browser-polyfill(?:\.min)?\.js$/;

/** The polyfill's UMD source as an ES module whose default export is what it exports. */
export function polyfillToEsm(source: string): string {
  // `exports` defined and `define` not: the UMD header takes its CommonJS branch, `factory(module)`.
  // The file's source map comment goes: its lines moved.
  const body = source.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  return `const module = { exports: {} };\nconst exports = module.exports;\n${body}\nexport default module.exports;\n`;
}

/**
 * The APIs Unison's content script uses (messages to and from the background: its storage lives
 * in the extension's own pages): in a content script's build the polyfill keeps only their
 * metadata (how to wrap each method). The rest weighed 1 KB gzipped of the script every host page
 * loads. tests/unit/polyfill-esm.test.ts checks that the content script's sources use no other.
 */
export const CONTENT_SCRIPT_APIS = ['runtime'];

/**
 * The polyfill's source with the metadata of the APIs not in `keep` left out. The metadata is one
 * JSON object literal (`const apiMetadata = {…};`), written in at the polyfill's build.
 */
export function keepApis(source: string, keep: readonly string[]): string {
  const at = source.indexOf('const apiMetadata = {');
  if (at < 0) throw new Error('webextension-polyfill: its API metadata was not found');
  const open = source.indexOf('{', at);
  let depth = 0;
  let end = open;
  for (; end < source.length; end++) {
    if (source[end] === '{') depth++;
    else if (source[end] === '}' && --depth === 0) break;
  }
  const meta = JSON.parse(source.slice(open, end + 1)) as Record<string, unknown>;
  const kept = Object.fromEntries(Object.entries(meta).filter(([api]) => keep.includes(api)));
  return source.slice(0, open) + JSON.stringify(kept) + source.slice(end + 1);
}

export function polyfillAsEsm(): Plugin {
  let contentScript = false;
  return {
    name: 'unison:polyfill-as-esm',
    enforce: 'pre',
    configResolved(config) {
      // WXT builds each content script on its own, as an IIFE library.
      const formats = config.build.lib ? (config.build.lib.formats ?? []) : [];
      contentScript = formats.includes('iife');
    },
    transform(code, id) {
      if (!POLYFILL_FILE.test(id.split('?')[0])) return null;
      return { code: polyfillToEsm(contentScript ? keepApis(code, CONTENT_SCRIPT_APIS) : code), map: null };
    },
  };
}
