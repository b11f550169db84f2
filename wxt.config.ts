import { fileURLToPath } from 'node:url';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { BUILTIN_MATCHES, customDomainMatches, normaliseDomain } from './utils/sites/hosts';
import { polyfillAsEsm } from './build/polyfill-esm';

/**
 * End-to-end test builds only. Chromium asks the user before granting a CRM domain added in the
 * options page's Sites section, and automation cannot accept that prompt. With
 * `UNISON_E2E_GRANT=crm.acme-custom.test[,other.host]` set at build time, those hosts' patterns
 * join `host_permissions`, so `permissions.request` for them resolves at once without a prompt.
 * Everything else (saving the domain, registering the content script, detection) takes the real
 * path. Release builds never set it.
 */
const E2E_GRANTED_MATCHES = (process.env.UNISON_E2E_GRANT ?? '')
  .split(',')
  .map((h) => normaliseDomain(h))
  .filter((h): h is string => !!h)
  .flatMap(customDomainMatches);

// https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports everywhere: easier to read and to test.
  imports: false,
  // Tests and benchmarks build into their own folders so parallel runs never share one.
  outDir: process.env.UNISON_OUT_DIR || '.output',
  vite: () => ({
    // The polyfill as an ES module: no interop copy that binds every API on each page load.
    plugins: [preact(), polyfillAsEsm()],
    resolve: {
      // `autoMount` of WXT's shadow-root UI is never used: its element watcher stays out of the
      // content script (about 2 KB gzipped). See utils/no-auto-mount.ts.
      alias: [
        { find: /^@1natsu\/wait-element$/, replacement: fileURLToPath(new URL('./utils/no-auto-mount.ts', import.meta.url)) },
        // The check of the card element's name, narrowed to ASCII names (see utils/custom-element-name.ts).
        { find: /^is-potential-custom-element-name$/, replacement: fileURLToPath(new URL('./utils/custom-element-name.ts', import.meta.url)) },
      ],
    },
    build: {
      target: 'es2022',
      // Terser packs the content script (which every host page loads) a few per cent tighter than esbuild.
      // `unsafe_arrows` writes function expressions that use no `this` as arrows: unsafe only for
      // one called with `new` or read for its prototype, which no code here does (the unit and
      // end-to-end tests run on these builds).
      minify: 'terser',
      terserOptions: { ecma: 2020, compress: { passes: 3, unsafe_arrows: true } },
    },
  }),
  manifest: ({ browser, manifestVersion }) => ({
    name: 'Unison',
    description: 'Campaign context beside every lead in Gmail, Outlook and your CRM, and one-click lead feedback for marketing.',
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'scripting'],
    host_permissions: [...BUILTIN_MATCHES, ...E2E_GRANTED_MATCHES],
    // CRM domains the rep adds in Sites are asked for at run time (permissions.request).
    // Manifest V2 (Firefox) lists optional hosts among optional_permissions.
    ...(manifestVersion === 2
      ? { optional_permissions: ['https://*/*', 'http://*/*'] }
      : { optional_host_permissions: ['https://*/*', 'http://*/*'] }),
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'unison@unison-extension.org',
              // The data-collection declaration that stores require came with Firefox 140 (142 on Android).
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : { storage: { managed_schema: 'managed-schema.json' } }),
  }),
});
