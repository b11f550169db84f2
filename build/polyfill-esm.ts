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

export function polyfillAsEsm(): Plugin {
  return {
    name: 'unison:polyfill-as-esm',
    enforce: 'pre',
    transform(code, id) {
      if (!POLYFILL_FILE.test(id.split('?')[0])) return null;
      return { code: polyfillToEsm(code), map: null };
    },
  };
}
