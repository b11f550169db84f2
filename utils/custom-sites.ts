/**
 * CRM domains the rep adds in the options page's `Sites` section. Each one is asked for with
 * `permissions.request` (optional host permission) when the rep adds it; the background then
 * keeps ONE dynamic content script, `unison-custom-domains`, whose matches are the patterns of
 * the added domains whose permission is still granted. The script is the same overlay bundle
 * the built-in sites run; on those pages it detects with the generic adapter.
 *
 * `syncCustomContentScripts` is idempotent: it runs at startup, on install/update and whenever
 * the settings change, and only registers, updates or unregisters when something differs.
 */
import { browser, type Browser } from 'wxt/browser';
import { isSiteEnabled, readStoredSettings, type Settings } from './settings';
import { builtinSiteCovering, customDomainMatches } from './sites/hosts';

export const CUSTOM_SCRIPT_ID = 'unison-custom-domains';
/** The overlay content script's bundle (entrypoints/overlay.content). */
export const OVERLAY_SCRIPT = 'content-scripts/overlay.js';

type RegisteredContentScript = Browser.scripting.RegisteredContentScript;

/** The part of `browser.scripting` used here. */
export interface ScriptingApi {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<RegisteredContentScript[]>;
  registerContentScripts(scripts: RegisteredContentScript[]): Promise<void>;
  updateContentScripts(scripts: RegisteredContentScript[]): Promise<void>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
}

/** The part of `browser.permissions` used here and by the Sites section. */
export interface PermissionsApi {
  contains(p: { origins?: string[] }): Promise<boolean>;
  request(p: { origins?: string[] }): Promise<boolean>;
  remove(p: { origins?: string[] }): Promise<boolean>;
}

export interface CustomSiteApis {
  permissions: PermissionsApi;
  /** Absent in browsers without the scripting API: then nothing is registered. */
  scripting?: ScriptingApi;
  settings?: () => Promise<Settings>;
}

/** The browser's own APIs (the production path). */
export function browserApis(): CustomSiteApis {
  return {
    permissions: browser.permissions as unknown as PermissionsApi,
    scripting: (browser.scripting as unknown as ScriptingApi | undefined) ?? undefined,
  };
}

/** Whether Unison may run on an added domain: its access is granted (the browser can withdraw it). */
export async function customDomainGranted(permissions: Pick<PermissionsApi, 'contains'>, host: string): Promise<boolean> {
  try {
    return await permissions.contains({ origins: customDomainMatches(host) });
  } catch {
    return false;
  }
}

/** The added domains whose permission is granted, in the order the rep added them. */
export async function grantedCustomDomains(settings: Settings, permissions: PermissionsApi): Promise<string[]> {
  const out: string[] = [];
  for (const host of settings.customDomains) if (await customDomainGranted(permissions, host)) out.push(host);
  return out;
}

/** The match patterns the custom-domain script should have now (empty: no script). */
export async function wantedCustomMatches(apis: CustomSiteApis): Promise<string[]> {
  // The rep's own settings only: sites and domains are never set by policy, and reading
  // `storage.managed` can take seconds while the browser starts.
  const settings = await (apis.settings ?? readStoredSettings)();
  if (!isSiteEnabled(settings, 'custom')) return [];
  // A domain the built-in script covers already (saved before Sites refused those) gets no second one.
  const hosts = (await grantedCustomDomains(settings, apis.permissions)).filter((h) => !builtinSiteCovering(h));
  return [...new Set(hosts.flatMap(customDomainMatches))];
}

function sameSet(a: readonly string[] = [], b: readonly string[] = []): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

export type SyncResult = { action: 'registered' | 'updated' | 'unregistered' | 'unchanged' | 'unsupported'; matches: string[] };

let queue: Promise<unknown> = Promise.resolve();

/**
 * Makes the registered custom-domain script match the settings and granted permissions.
 * Calls are serialised, so startup, install and a settings change arriving together never
 * register the same id twice.
 */
export function syncCustomContentScripts(apis: CustomSiteApis = browserApis()): Promise<SyncResult> {
  const run = queue.then(() => doSync(apis));
  queue = run.catch(() => undefined);
  return run;
}

async function doSync(apis: CustomSiteApis): Promise<SyncResult> {
  const scripting = apis.scripting;
  const matches = await wantedCustomMatches(apis);
  if (!scripting?.registerContentScripts) return { action: 'unsupported', matches };
  const existing = (await scripting.getRegisteredContentScripts({ ids: [CUSTOM_SCRIPT_ID] })).find((s) => s.id === CUSTOM_SCRIPT_ID);
  if (matches.length === 0) {
    if (!existing) return { action: 'unchanged', matches };
    await scripting.unregisterContentScripts({ ids: [CUSTOM_SCRIPT_ID] });
    return { action: 'unregistered', matches };
  }
  const script: RegisteredContentScript = {
    id: CUSTOM_SCRIPT_ID,
    js: [OVERLAY_SCRIPT],
    matches,
    runAt: 'document_idle',
    allFrames: false,
    persistAcrossSessions: true,
  };
  if (!existing) {
    await scripting.registerContentScripts([script]);
    return { action: 'registered', matches };
  }
  if (sameSet(existing.matches, matches) && sameSet(existing.js, script.js) && (existing.runAt ?? 'document_idle') === 'document_idle') {
    return { action: 'unchanged', matches };
  }
  await scripting.updateContentScripts([script]);
  return { action: 'updated', matches };
}
