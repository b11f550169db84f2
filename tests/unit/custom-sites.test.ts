/**
 * Registration of the custom-domain content script. WXT's fake browser implements neither
 * `scripting` nor `permissions`, so the APIs are passed in: the in-memory versions of
 * tests/support/extension-apis.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CUSTOM_SCRIPT_ID,
  OVERLAY_SCRIPT,
  grantedCustomDomains,
  syncCustomContentScripts,
  type CustomSiteApis,
} from '@/utils/custom-sites';
import { readSettings, updateSettings } from '@/utils/settings';
import { MemoryPermissions, MemoryScripting } from '../support/extension-apis';

let scripting: MemoryScripting;
let permissions: MemoryPermissions;
let apis: CustomSiteApis;

beforeEach(() => {
  scripting = new MemoryScripting();
  permissions = new MemoryPermissions();
  apis = { scripting, permissions };
});

async function addDomain(host: string) {
  await permissions.request({ origins: [`https://${host}/*`, `http://${host}/*`] });
  await updateSettings((s) => {
    s.customDomains.push(host);
  });
}

describe('custom-domain content script', () => {
  it('registers nothing while no domain is added', async () => {
    expect(await syncCustomContentScripts(apis)).toEqual({ action: 'unchanged', matches: [] });
    expect(scripting.scripts.size).toBe(0);
  });

  it('registers one script for the added domains, with the overlay bundle', async () => {
    await addDomain('crm.acme-custom.test');
    expect(await syncCustomContentScripts(apis)).toMatchObject({ action: 'registered' });
    expect([...scripting.scripts.values()]).toEqual([
      {
        id: CUSTOM_SCRIPT_ID,
        js: [OVERLAY_SCRIPT],
        matches: ['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*'],
        runAt: 'document_idle',
        allFrames: false,
        persistAcrossSessions: true,
      },
    ]);
  });

  it('is idempotent: a second run, or runs at the same time, change nothing', async () => {
    await addDomain('crm.acme-custom.test');
    const results = await Promise.all([syncCustomContentScripts(apis), syncCustomContentScripts(apis), syncCustomContentScripts(apis)]);
    expect(results.map((r) => r.action)).toEqual(['registered', 'unchanged', 'unchanged']);
    scripting.calls = [];
    expect((await syncCustomContentScripts(apis)).action).toBe('unchanged');
    expect(scripting.calls).toEqual(['get']);
    expect(scripting.scripts.size).toBe(1);
  });

  it('updates the matches when a domain is added or removed, and unregisters with the last one', async () => {
    await addDomain('crm.acme-custom.test');
    await syncCustomContentScripts(apis);
    await addDomain('crm.globex.example');
    expect(await syncCustomContentScripts(apis)).toMatchObject({ action: 'updated' });
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual([
      'https://crm.acme-custom.test/*',
      'http://crm.acme-custom.test/*',
      'https://crm.globex.example/*',
      'http://crm.globex.example/*',
    ]);
    await updateSettings((s) => {
      s.customDomains = s.customDomains.filter((d) => d !== 'crm.acme-custom.test');
    });
    await syncCustomContentScripts(apis);
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(['https://crm.globex.example/*', 'http://crm.globex.example/*']);
    await updateSettings((s) => {
      s.customDomains = [];
    });
    expect((await syncCustomContentScripts(apis)).action).toBe('unregistered');
    expect(scripting.scripts.size).toBe(0);
    expect((await syncCustomContentScripts(apis)).action).toBe('unchanged');
  });

  it('leaves out a domain whose permission was withdrawn in the browser', async () => {
    await addDomain('crm.acme-custom.test');
    await addDomain('crm.globex.example');
    await permissions.remove({ origins: ['http://crm.globex.example/*'] });
    expect(await grantedCustomDomains(await readSettings(), permissions)).toEqual(['crm.acme-custom.test']);
    await syncCustomContentScripts(apis);
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']);
  });

  it('registers no second script for a saved domain the built-in script covers already', async () => {
    await addDomain('businesscentral.dynamics.com');
    await addDomain('crm.acme-custom.test');
    await syncCustomContentScripts(apis);
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']);
  });

  it('unregisters while "Custom domains" is switched off, and registers again when it is on', async () => {
    await addDomain('crm.acme-custom.test');
    await syncCustomContentScripts(apis);
    await updateSettings((s) => {
      s.disabledSites = ['custom'];
    });
    expect((await syncCustomContentScripts(apis)).action).toBe('unregistered');
    await updateSettings((s) => {
      s.disabledSites = ['gmail'];
    });
    expect((await syncCustomContentScripts(apis)).action).toBe('registered');
  });

  it('repairs a script left with other settings (an older version)', async () => {
    await addDomain('crm.acme-custom.test');
    await scripting.registerContentScripts([{ id: CUSTOM_SCRIPT_ID, js: ['content-scripts/old.js'], matches: ['https://crm.acme-custom.test/*'] }]);
    expect((await syncCustomContentScripts(apis)).action).toBe('updated');
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)).toMatchObject({ js: [OVERLAY_SCRIPT], matches: ['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*'] });
  });

  it('does nothing in a browser without the scripting API', async () => {
    await addDomain('crm.acme-custom.test');
    expect(await syncCustomContentScripts({ permissions })).toMatchObject({ action: 'unsupported' });
  });

  it('keeps working after a failed run', async () => {
    await addDomain('crm.acme-custom.test');
    const failing = Object.assign(new MemoryScripting(), {
      registerContentScripts: async () => {
        throw new Error('Could not load javascript');
      },
    });
    await expect(syncCustomContentScripts({ scripting: failing, permissions })).rejects.toThrow('Could not load');
    expect((await syncCustomContentScripts(apis)).action).toBe('registered');
  });
});
