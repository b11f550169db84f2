/**
 * The background's own wiring (entrypoints/background), run as the browser runs it: its `main`
 * with WXT's fake browser, and in-memory `scripting` and `permissions` (which the fake browser
 * does not implement). What is checked here: open pages are told when an added domain's access
 * changes in the browser, after the domain's content script follows, and changes close together
 * make one message per tab.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '@/entrypoints/background';
import { CUSTOM_SCRIPT_ID } from '@/utils/custom-sites';
import { resetDbForTests } from '@/utils/db';
import { updateSettings } from '@/utils/settings';
import { MemoryPermissions, MemoryScripting } from '../support/extension-apis';

const HOST = 'crm.acme-custom.test';
const ORIGINS = [`https://${HOST}/*`, `http://${HOST}/*`];

let permissions: MemoryPermissions;
let scripting: MemoryScripting;
/** What each tab was sent, with whether the domain's script was registered at that moment. */
let sent: Array<{ tab: number; message: unknown; registered: boolean }>;
const saved = { permissions: fakeBrowser.permissions, scripting: fakeBrowser.scripting, sendMessage: fakeBrowser.tabs.sendMessage };

beforeEach(async () => {
  resetDbForTests();
  permissions = new MemoryPermissions();
  scripting = new MemoryScripting();
  Object.assign(fakeBrowser, { permissions, scripting });
  sent = [];
  // Three open tabs: 1 and 2 with a page, 3 where no content script runs (the browser rejects).
  vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([{ id: 1 }, { id: 3 }, { id: 2 }, {}] as never);
  fakeBrowser.tabs.sendMessage = (async (tab: number, message: unknown) => {
    if (tab === 3) throw new Error('Could not establish connection. Receiving end does not exist.');
    sent.push({ tab, message, registered: scripting.scripts.has(CUSTOM_SCRIPT_ID) });
  }) as never;
});

afterEach(() => {
  Object.assign(fakeBrowser, { permissions: saved.permissions, scripting: saved.scripting });
  fakeBrowser.tabs.sendMessage = saved.sendMessage;
  vi.restoreAllMocks();
});

/** Adds the CRM domain with its access granted, and starts the background. */
async function startWithDomain(): Promise<void> {
  await permissions.request({ origins: ORIGINS });
  await updateSettings((s) => {
    s.customDomains.push(HOST);
  });
  background.main();
  await vi.waitFor(() => expect(scripting.scripts.get(CUSTOM_SCRIPT_ID)?.matches).toEqual(ORIGINS));
}

/** Waits for what was sent, then long enough that a second message would have come. */
async function settled(): Promise<typeof sent> {
  await vi.waitFor(() => expect(sent.length).toBeGreaterThan(0), { timeout: 3000 });
  await new Promise((r) => setTimeout(r, 600));
  return sent;
}

const told = (registered: boolean) => [
  { tab: 1, message: { type: 'data-changed' }, registered },
  { tab: 2, message: { type: 'data-changed' }, registered },
];

describe('background: open pages and an added domain’s access', () => {
  it('tells no page anything when it starts and nothing changed', async () => {
    await startWithDomain();
    await new Promise((r) => setTimeout(r, 600));
    expect(sent).toEqual([]);
  });

  it('access withdrawn in the browser: the domain’s script goes, then every open page is told once', async () => {
    await startWithDomain();
    await permissions.remove({ origins: ORIGINS });
    // Told after the script was unregistered (a page that asks again gets the new answer).
    expect(await settled()).toEqual(told(false));
    expect(scripting.scripts.size).toBe(0);
  });

  it('access granted again: the script comes back, then the pages are told', async () => {
    await startWithDomain();
    await permissions.remove({ origins: ORIGINS });
    await settled();
    sent = [];
    await permissions.request({ origins: ORIGINS });
    expect(await settled()).toEqual(told(true));
  });

  it('changes close together (the access, then the settings) make one message per tab', async () => {
    await startWithDomain();
    await permissions.remove({ origins: [ORIGINS[1]] });
    await permissions.remove({ origins: [ORIGINS[0]] });
    const sender = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') };
    await fakeBrowser.runtime.onMessage.trigger({ type: 'settings-changed' }, sender);
    expect(await settled()).toEqual(told(false));
  });

  it('a change after the pages were told is told again', async () => {
    await startWithDomain();
    await permissions.remove({ origins: ORIGINS });
    await settled();
    await permissions.request({ origins: ORIGINS });
    await vi.waitFor(() => expect(sent.length).toBe(4), { timeout: 3000 });
    expect(sent.slice(2)).toEqual(told(true));
  });
});

describe('background: new answers reach only pages Unison answers', () => {
  it('a page of a site switched off, of an added domain whose access was withdrawn, or of any other site hears nothing', async () => {
    await permissions.request({ origins: ORIGINS });
    await updateSettings((s) => {
      s.customDomains = [HOST, 'crm.other-custom.test'];
      s.disabledSites = ['salesforce'];
    });
    const urls: Record<number, string> = {
      1: 'https://mail.google.com/mail/u/0/#inbox',
      2: 'https://acme.lightning.force.com/lightning/r/Lead/00Q1/view',
      4: `https://${HOST}/contacts/1`,
      5: 'https://crm.other-custom.test/contacts/1',
      6: 'https://news.example/',
    };
    vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([...Object.entries(urls).map(([id, url]) => ({ id: +id, url })), { id: 7 }] as never);
    background.main();
    const gmail = { id: fakeBrowser.runtime.id, url: urls[1], tab: { id: 1, url: urls[1] } as Browser.tabs.Tab };
    await fakeBrowser.runtime.onMessage.trigger({ type: 'feedback', input: { type: 'lead_quality', value: 'good', leadEmail: 'ann@acme.io' } }, gmail);
    await vi.waitFor(() => expect(sent.map((m) => m.tab).sort()).toEqual([1, 4]));
    await new Promise((r) => setTimeout(r, 100));
    expect(sent.map((m) => [m.tab, (m.message as { type: string }).type]).sort()).toEqual([
      [1, 'answers-changed'],
      [4, 'answers-changed'],
    ]);
  });
});
