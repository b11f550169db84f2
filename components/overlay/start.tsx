import type { ContentScriptContext } from 'wxt/utils/content-script-context';

export async function startOverlay(_ctx: ContentScriptContext): Promise<void> {}
