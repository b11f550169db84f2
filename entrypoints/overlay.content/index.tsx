import { defineContentScript } from 'wxt/utils/define-content-script';
import { startOverlay } from '@/components/overlay/start';
import { BUILTIN_MATCHES } from '@/utils/sites/hosts';

export default defineContentScript({
  // Read when WXT builds the manifest, in Node (`SSR` is true there); the script that runs in
  // pages has no use for the list, and the bundler leaves it out (about 170 bytes gzipped).
  matches: import.meta.env.SSR ? BUILTIN_MATCHES : [],
  runAt: 'document_idle',
  // Styles are passed to each shadow root as text (see components/overlay), so nothing is fetched per badge.
  cssInjectionMode: 'manual',
  // A new instance (after an update) tells the old one to stop with a DOM event only: no
  // `window.postMessage`, which wakes every message listener of the host page.
  noScriptStartedPostMessage: true,
  async main(ctx) {
    await startOverlay(ctx);
  },
});
