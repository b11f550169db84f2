// @vitest-environment node
/**
 * The build's polyfill plugin: the real webextension-polyfill file, given an ES default export,
 * hands over the browser's own `browser` without reading its APIs (the CommonJS interop copy read
 * every one), and still wraps `chrome` where there is no `browser`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_SCRIPT_APIS, keepApis, polyfillAsEsm, polyfillToEsm } from '../../build/polyfill-esm';

const require = createRequire(import.meta.url);
const file = require.resolve('webextension-polyfill');
const source = readFileSync(file, 'utf8');
const g = globalThis as Record<string, unknown>;
const dirs: string[] = [];
let n = 0;

async function load(code = polyfillToEsm(source)): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'polyfill-esm-'));
  dirs.push(dir);
  const path = join(dir, `polyfill-${++n}.mjs`);
  writeFileSync(path, code);
  return (await import(/* @vite-ignore */ pathToFileURL(path).href)).default;
}

/** An object standing for the browser's own API root: counts every API read. */
function apiRoot(reads: string[]) {
  const root = {};
  for (const name of ['runtime', 'storage', 'tabs', 'i18n', 'alarms', 'app']) {
    Object.defineProperty(root, name, {
      enumerable: true,
      configurable: true,
      get() {
        reads.push(name);
        return name === 'runtime' ? { id: 'unison-ext', sendMessage: () => undefined } : {};
      },
    });
  }
  return root;
}

/** `chrome.runtime` of a browser without `browser`: callbacks, no promises; `sendMessage` echoes. */
function callbackRuntime() {
  return {
    id: 'unison-ext',
    lastError: undefined,
    sendMessage: (message: unknown, callback: (reply: unknown) => void) => callback({ echo: message }),
  };
}

afterEach(() => {
  delete g.browser;
  delete g.chrome;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('polyfill as an ES module', () => {
  it('transforms only the polyfill file', () => {
    const plugin = polyfillAsEsm() as { transform: (code: string, id: string) => { code: string } | null };
    expect(plugin.transform('x', '/p/node_modules/lodash/index.js')).toBeNull();
    expect(plugin.transform(source, file)?.code).toContain('export default module.exports');
    expect(plugin.transform(source, `${file}?v=1`)).not.toBeNull();
  });

  it("hands over the browser's own `browser`, reading no API but `runtime`", async () => {
    const reads: string[] = [];
    const own = apiRoot(reads);
    g.browser = own;
    g.chrome = own;
    expect(await load()).toBe(own);
    // The polyfill's own check (`browser.runtime.id`); the interop copy read all six.
    expect(reads.every((r) => r === 'runtime')).toBe(true);
  });

  it('wraps `chrome` where there is no `browser`: callbacks become promises', async () => {
    g.chrome = { runtime: callbackRuntime() };
    const browser = (await load()) as { runtime: { sendMessage(m: unknown): Promise<unknown> } };
    await expect(browser.runtime.sendMessage({ type: 'hello' })).resolves.toEqual({ echo: { type: 'hello' } });
  });
});

describe("the polyfill in a content script's build", () => {
  type Plugin = { configResolved: (c: unknown) => void; transform: (code: string, id: string) => { code: string } | null };
  const built = (lib: unknown) => {
    const plugin = polyfillAsEsm() as unknown as Plugin;
    plugin.configResolved({ build: { lib } });
    return plugin.transform(source, file)!.code;
  };

  it('keeps the metadata of the APIs a content script has, there only', () => {
    const content = built({ entry: 'x', formats: ['iife'] });
    const pages = built(false);
    expect(pages).toBe(polyfillToEsm(source));
    expect(content).toContain('"sendMessage"');
    for (const gone of ['"alarms"', '"bookmarks"', '"tabs"', '"windows"', '"webRequest"']) {
      expect(pages).toContain(gone);
      expect(content).not.toContain(gone);
    }
    expect(content.length).toBeLessThan(pages.length * 0.7);
    expect(Object.keys(JSON.parse(/const apiMetadata = (\{.*?\});?\n/.exec(keepApis(source, CONTENT_SCRIPT_APIS))![1]))).toEqual(['runtime']);
  });

  it('still wraps `chrome` where there is no `browser`: messages', async () => {
    g.chrome = { runtime: callbackRuntime() };
    const browser = (await load(built({ entry: 'x', formats: ['iife'] }))) as { runtime: { sendMessage(m: unknown): Promise<unknown> } };
    await expect(browser.runtime.sendMessage({ type: 'hello' })).resolves.toEqual({ echo: { type: 'hello' } });
  });

  it('covers every API the content script uses', () => {
    // Every file the content script's entry reaches, and the APIs they call on `browser`.
    const files = new Set<string>();
    const visit = (path: string) => {
      if (files.has(path)) return;
      files.add(path);
      const code = readFileSync(path, 'utf8');
      for (const [, spec] of code.matchAll(/^import [^;]*?from '([@.][^']*)'/gms)) {
        if (spec.startsWith('@/') || spec.startsWith('.')) {
          const base = spec.startsWith('@/') ? join(root, spec.slice(2)) : join(path, '..', spec.split('?')[0]);
          const found = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'].map((ext) => base + ext).find((p) => existsSync(p) && !statSync(p).isDirectory());
          if (found && /\.tsx?$/.test(found)) visit(found);
        }
      }
    };
    const root = join(import.meta.dirname, '../..');
    visit(join(root, 'entrypoints/overlay.content/index.tsx'));
    expect(files.size).toBeGreaterThan(20);
    expect([...files].some((f) => f.endsWith('components/overlay/messages.ts'))).toBe(true);
    const used = new Set<string>();
    for (const f of files) for (const [, api] of readFileSync(f, 'utf8').matchAll(/\bbrowser\.(\w+)/g)) used.add(api);
    expect([...used].sort()).toEqual(['runtime']);
    for (const api of used) expect(CONTENT_SCRIPT_APIS).toContain(api);
  });
});
