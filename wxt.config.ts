import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { BUILTIN_MATCHES } from './utils/sites/hosts';

// https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports everywhere: easier to read and to test.
  imports: false,
  // Tests and benchmarks build into their own folders so parallel runs never share one.
  outDir: process.env.UNISON_OUT_DIR || '.output',
  vite: () => ({
    plugins: [preact()],
    build: { target: 'es2022' },
  }),
  manifest: ({ browser, manifestVersion }) => ({
    name: 'Unison',
    description: 'Campaign context beside every lead in Gmail, Outlook and your CRM, and one-click lead feedback for marketing.',
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'scripting'],
    host_permissions: BUILTIN_MATCHES,
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'unison@unison-extension.org',
              strict_min_version: '115.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : { storage: { managed_schema: 'managed-schema.json' } }),
    ...(manifestVersion === 3 ? {} : {}),
  }),
});
