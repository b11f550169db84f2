import { defineContentScript } from 'wxt/utils/define-content-script';
import { startOverlay } from '@/components/overlay/start';
import { BUILTIN_MATCHES } from '@/utils/sites/hosts';

export default defineContentScript({
  matches: BUILTIN_MATCHES,
  runAt: 'document_idle',
  // Styles are passed to each shadow root as text (see components/overlay), so nothing is fetched per badge.
  cssInjectionMode: 'manual',
  async main(ctx) {
    await startOverlay(ctx);
  },
});
