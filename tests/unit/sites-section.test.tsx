/**
 * The options page's Sites section, rendered with Preact into happy-dom. Settings go through
 * WXT's fake storage; the settings-changed message reaches the real background router, which
 * re-syncs the custom-domain script. Permissions and scripting, which the fake browser does not
 * implement, are small in-memory versions.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import { SitesSection } from '@/components/options/SitesSection';
import { CUSTOM_SCRIPT_ID, syncCustomContentScripts, type PermissionsApi, type ScriptingApi } from '@/utils/custom-sites';
import { openDb, type UnisonDB } from '@/utils/db';
import { handleMessage } from '@/utils/router';
import { readSettings, updateSettings } from '@/utils/settings';
import { BUILTIN_SITES } from '@/utils/sites/hosts';
import { flush, waitFor as waitUntil } from '../support/preact';

type Script = Browser.scripting.RegisteredContentScript;

class MemoryScripting implements ScriptingApi {
  scripts = new Map<string, Script>();
  async getRegisteredContentScripts(filter?: { ids?: string[] }) {
    return [...this.scripts.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id)).map((s) => structuredClone(s));
  }
  async registerContentScripts(scripts: Script[]) {
    for (const s of scripts) if (this.scripts.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
    for (const s of scripts) this.scripts.set(s.id, structuredClone(s));
  }
  async updateContentScripts(scripts: Script[]) {
    for (const s of scripts) if (!this.scripts.has(s.id)) throw new Error(`Nonexistent script ID '${s.id}'`);
    for (const s of scripts) this.scripts.set(s.id, { ...this.scripts.get(s.id)!, ...structuredClone(s) });
  }
  async unregisterContentScripts(filter?: { ids?: string[] }) {
    for (const id of filter?.ids ?? [...this.scripts.keys()]) {
      if (!this.scripts.has(id)) throw new Error(`Nonexistent script ID '${id}'`);
      this.scripts.delete(id);
    }
  }
}

/** Grants or refuses as the "user" decides; records every request as it is made. */
class MemoryPermissions implements PermissionsApi {
  origins = new Set<string>();
  requests: string[][] = [];
  removals: string[][] = [];
  answer = true;
  async contains(p: { origins?: string[] }) {
    return (p.origins ?? []).every((o) => this.origins.has(o));
  }
  request(p: { origins?: string[] }) {
    this.requests.push(p.origins ?? []);
    if (this.answer) for (const o of p.origins ?? []) this.origins.add(o);
    return Promise.resolve(this.answer);
  }
  async remove(p: { origins?: string[] }) {
    this.removals.push(p.origins ?? []);
    for (const o of p.origins ?? []) this.origins.delete(o);
    return true;
  }
}

let root: HTMLDivElement;
let permissions: MemoryPermissions;
let scripting: MemoryScripting;
let db: UnisonDB;
let n = 0;
let notified = 0;

beforeEach(async () => {
  permissions = new MemoryPermissions();
  scripting = new MemoryScripting();
  db = openDb(`sites-${++n}`);
  notified = 0;
  const options = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') };
  fakeBrowser.runtime.onMessage.addListener((message: unknown) =>
    handleMessage(message, options, {
      db: () => db,
      extensionId: fakeBrowser.runtime.id,
      extensionUrl: fakeBrowser.runtime.getURL('/'),
      onSettingsChanged: async () => {
        notified += 1;
        await syncCustomContentScripts({ permissions, scripting });
      },
    }),
  );
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  db.close();
});

const waitFor = (check: () => boolean, what: string) => waitUntil(check, what);

async function mount() {
  await act(() => {
    render(<SitesSection permissions={permissions} />, root);
  });
  await flush();
}

function switchFor(name: string): HTMLInputElement {
  const input = [...root.querySelectorAll<HTMLInputElement>('input[role="switch"]')].find((i) => i.labels?.[0]?.textContent?.trim() === name);
  if (!input) throw new Error(`no switch labelled ${name}`);
  return input;
}
function button(name: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => (x.getAttribute('aria-label') ?? x.textContent ?? '').trim() === name);
  if (!b) throw new Error(`no button ${name}`);
  return b;
}
function domainField(): HTMLInputElement {
  const label = [...root.querySelectorAll('label')].find((l) => l.textContent?.trim() === 'CRM domain')!;
  return root.querySelector<HTMLInputElement>(`#${label.htmlFor}`)!;
}
async function typeDomain(value: string) {
  const input = domainField();
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('Sites section', () => {
  it('lists every supported site with a switch, all on by default', async () => {
    await mount();
    expect(root.querySelector('section h2')?.textContent).toBe('Sites');
    const names = [...root.querySelectorAll<HTMLInputElement>('input[type="checkbox"][role="switch"]')].map((i) => i.labels?.[0]?.textContent?.trim());
    expect(names).toEqual([...BUILTIN_SITES.map((s) => s.label), 'Custom domains']);
    for (const name of names) expect(switchFor(name!).checked).toBe(true);
  });

  it('shows a site switched off as off', async () => {
    await updateSettings((s) => {
      s.disabledSites = ['hubspot'];
    });
    await mount();
    expect(switchFor('HubSpot').checked).toBe(false);
    expect(switchFor('Gmail').checked).toBe(true);
  });

  it('switches a site off and on again, and tells the background', async () => {
    await mount();
    await act(() => switchFor('Gmail').click());
    await waitFor(() => notified === 1, 'the background to hear of it');
    expect((await readSettings()).disabledSites).toEqual(['gmail']);
    expect(switchFor('Gmail').checked).toBe(false);
    await act(() => switchFor('Salesforce Lightning').click());
    await waitFor(() => notified === 2, 'the second change');
    expect((await readSettings()).disabledSites).toEqual(['gmail', 'salesforce']);
    await act(() => switchFor('Gmail').click());
    await waitFor(() => notified === 3, 'the third change');
    expect((await readSettings()).disabledSites).toEqual(['salesforce']);
  });

  it('keeps a change made before the first read of the settings has ended', async () => {
    // The first read answers late with what was stored before the click (as a slow read at
    // browser start does).
    const local = fakeBrowser.storage.local;
    const realGet = local.get.bind(local);
    let first = true;
    (local as { get: unknown }).get = async (...args: Parameters<typeof realGet>) => {
      const result = await realGet(...args);
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 50));
      }
      return result;
    };
    try {
      await act(() => {
        render(<SitesSection permissions={permissions} />, root);
      });
      await act(() => switchFor('Gmail').click());
      await waitFor(() => notified === 1, 'the background to hear of it');
      await new Promise((r) => setTimeout(r, 80));
      await flush();
      expect(switchFor('Gmail').checked).toBe(false);
      expect((await readSettings()).disabledSites).toEqual(['gmail']);
    } finally {
      (local as { get: unknown }).get = realGet;
    }
  });

  it('asks for the domain in the click itself, saves it on grant and registers the script', async () => {
    await mount();
    await typeDomain('  https://CRM.Acme-Custom.test/app/contacts ');
    // The request is made synchronously inside the click: nothing awaited before it.
    button('Add').click();
    expect(permissions.requests).toEqual([['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']]);
    await waitFor(() => notified === 1, 'the background to hear of it');
    await flush();
    expect((await readSettings()).customDomains).toEqual(['crm.acme-custom.test']);
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']);
    expect(root.querySelector('[aria-label="Added CRM domains"]')?.textContent).toContain('crm.acme-custom.test');
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Added crm.acme-custom.test');
    expect(domainField().value).toBe('');
  });

  it('adds nothing when the rep refuses the permission', async () => {
    permissions.answer = false;
    await mount();
    await typeDomain('crm.acme-custom.test');
    button('Add').click();
    expect(permissions.requests).toHaveLength(1);
    await waitFor(() => !!root.querySelector('[role="alert"]'), 'the refusal to show');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('not granted');
    expect((await readSettings()).customDomains).toEqual([]);
    expect(notified).toBe(0);
    expect(scripting.scripts.size).toBe(0);
    expect(root.querySelector('[aria-label="Added CRM domains"]')).toBeNull();
  });

  it('asks again for a domain added already (its access may have been withdrawn in the browser), and says how to allow it', async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm.acme-custom.test'];
    });
    permissions.answer = false;
    await mount();
    await typeDomain('crm.acme-custom.test');
    button('Add').click();
    expect(permissions.requests).toEqual([['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']]);
    await waitFor(() => !!root.querySelector('[role="alert"]'), 'the refusal');
    expect(root.querySelector('[role="alert"]')?.textContent).toMatch(/not granted, so Unison stays off there\. To allow it, click Add again and choose Allow/);
    permissions.answer = true;
    button('Add').click();
    await waitFor(() => notified === 1, 'the background to hear of it');
    await waitFor(() => (root.querySelector('[role="status"]')?.textContent ?? '').includes('is added, with access to it'), 'the status');
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']);
    expect((await readSettings()).customDomains).toEqual(['crm.acme-custom.test']);
  });

  it('asks for nothing when the domain is not one, or is built in', async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm.acme-custom.test'];
    });
    await mount();
    for (const value of ['', 'not a domain', 'javascript:alert(1)', 'ftp://crm.example.com', 'mail.google.com', 'acme.lightning.force.com']) {
      await typeDomain(value);
      button('Add').click();
      await flush(2);
      expect(root.querySelector('[role="alert"]')?.textContent, value).toBeTruthy();
    }
    expect(permissions.requests).toEqual([]);
    expect((await readSettings()).customDomains).toEqual(['crm.acme-custom.test']);
  });

  it('refuses a host where the built-in script reads the site, a wildcard and a short IP address; takes a root dot, another HubSpot data centre and another Dynamics host', async () => {
    await mount();
    const said = () => root.querySelector('[role="alert"]')?.textContent ?? '';
    for (const [value, message] of [
      ['acme.crm4.dynamics.com', /part of Dynamics 365, which Unison supports already/],
      ['acme.pipedrive.com', /part of Pipedrive/],
      ['app-eu1.hubspot.com', /part of HubSpot/],
      ['*.example.com', /without \*/],
      ['1.2.3', /Enter a domain such as crm\.example\.com\./],
    ] as const) {
      await typeDomain(value);
      button('Add').click();
      await flush(2);
      expect(said(), value).toMatch(message);
    }
    expect(permissions.requests).toEqual([]);
    for (const value of ['crm.example.com.', 'app-na3.hubspot.com', 'businesscentral.dynamics.com']) {
      await typeDomain(value);
      button('Add').click();
      await waitFor(() => !!root.querySelector('[aria-label="Added CRM domains"]')?.textContent?.includes(value.replace(/\.$/, '')), `${value} to be listed`);
    }
    expect((await readSettings()).customDomains).toEqual(['crm.example.com', 'app-na3.hubspot.com', 'businesscentral.dynamics.com']);
    // Another data centre of HubSpot's gets the HubSpot adapter there (the router names the site).
    expect(BUILTIN_SITES.find((x) => x.id === 'hubspot')!.host.test('app-na3.hubspot.com')).toBe(true);
    // The built-in script runs on the Dynamics host already: no second script is registered for it.
    await waitFor(() => (scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches?.length ?? 0) === 4, 'the script');
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual([
      'https://crm.example.com/*',
      'http://crm.example.com/*',
      'https://app-na3.hubspot.com/*',
      'http://app-na3.hubspot.com/*',
    ]);
  });

  it('shows a domain whose access the browser withdrew, and allows it again in one click', async () => {
    await mount();
    await typeDomain('crm.acme-custom.test');
    button('Add').click();
    await waitFor(() => scripting.scripts.size === 1, 'registration');
    expect(root.textContent).not.toContain('Access withdrawn');
    // Withdrawn in the browser's own settings; the rep comes back to the options page.
    await permissions.remove({ origins: ['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*'] });
    await act(() => {
      dispatchEvent(new Event('focus'));
    });
    await waitFor(() => root.textContent!.includes('Access withdrawn in the browser: Unison is off there.'), 'the withdrawn access');
    const requests = permissions.requests.length;
    button('Allow crm.acme-custom.test again').click();
    expect(permissions.requests.length).toBe(requests + 1);
    await waitFor(() => !root.textContent!.includes('Access withdrawn'), 'the access back');
    expect(root.querySelector('[role="status"]')?.textContent).toContain('crm.acme-custom.test is added, with access to it');
    await syncCustomContentScripts({ permissions, scripting });
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']);
  });

  it('removes a domain: gives the permission back and unregisters the script', async () => {
    await mount();
    for (const d of ['crm.acme-custom.test', 'crm.globex.example']) {
      await typeDomain(d);
      button('Add').click();
      await waitFor(() => !!root.querySelector('[aria-label="Added CRM domains"]')?.textContent?.includes(d), `${d} to be listed`);
    }
    await waitFor(() => (scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches?.length ?? 0) === 4, 'both domains registered');
    await act(() => button('Remove crm.acme-custom.test').click());
    await waitFor(() => (scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches?.length ?? 0) === 2, 'the script to be updated');
    expect((await readSettings()).customDomains).toEqual(['crm.globex.example']);
    expect(permissions.removals).toEqual([['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']]);
    expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(['https://crm.globex.example/*', 'http://crm.globex.example/*']);
    await act(() => button('Remove crm.globex.example').click());
    await waitFor(() => scripting.scripts.size === 0, 'the script to be unregistered');
    expect((await readSettings()).customDomains).toEqual([]);
    expect(root.querySelector('[aria-label="Added CRM domains"]')).toBeNull();
  });

  it('switching "Custom domains" off unregisters the script', async () => {
    await mount();
    await typeDomain('crm.acme-custom.test');
    button('Add').click();
    await waitFor(() => scripting.scripts.size === 1, 'registration');
    await act(() => switchFor('Custom domains').click());
    await waitFor(() => scripting.scripts.size === 0, 'unregistration');
    expect((await readSettings()).customDomains).toEqual(['crm.acme-custom.test']);
  });
});
