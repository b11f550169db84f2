import { defineContentScript } from 'wxt/utils/define-content-script';
import { startOverlay } from '@/components/overlay/start';
import { BUILTIN_MATCHES } from '@/utils/sites/hosts';

export default defineContentScript({
  matches: BUILTIN_MATCHES,
  runAt: 'document_idle',
  cssInjectionMode: 'ui',
  async main(ctx) {
    await startOverlay(ctx);
  },
});
