/**
 * The options page's Sync section in happy-dom. Its messages reach the real background router
 * and scheduler, which sync to a real receiver on 127.0.0.1. Host permissions, which the fake
 * browser does not implement, are an in-memory version that records each request.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { maskToken, originPattern, SyncSection, type HostPermissions } from '@/components/options/SyncSection';
import { getDb, resetDbForTests, type UnisonDB } from '@/utils/db';
import { pullFeed, readFeedState } from '@/utils/feed';
import { handleMessage } from '@/utils/router';
import { createScheduler } from '@/utils/schedule';
import { readSettings, readStoredSettings, updateSettings } from '@/utils/settings';
import { startReceiver, type Receiver } from '../support/receiver.mjs';
import { makeEvents } from '../support/events';
import { flush as flushTicks, waitFor as waitUntil } from '../support/preact';

class MemoryPermissions implements HostPermissions {
  origins = new Set<string>();
  requests: string[][] = [];
  answer = true;
  async contains(p: { origins: string[] }) {
    return p.origins.every((o) => this.origins.has(o));
  }
  request(p: { origins: string[] }) {
    this.requests.push(p.origins);
    if (this.answer) for (const o of p.origins) this.origins.add(o);
    return Promise.resolve(this.answer);
  }
}

let root: HTMLDivElement;
let permissions: MemoryPermissions;
let rx: Receiver;
let db: UnisonDB;

beforeEach(async () => {
  resetDbForTests();
  await new Promise((r) => {
    const req = indexedDB.deleteDatabase('unison');
    req.onsuccess = req.onerror = req.onblocked = r;
  });
  db = getDb();
  await db.open();
  rx = await startReceiver();
  permissions = new MemoryPermissions();
  const scheduler = createScheduler({
    db: getDb,
    settings: readSettings,
    timeoutMs: 5000,
    pullFeed: async () => pullFeed({ db: getDb(), url: (await readSettings()).feed.url }),
    lastFeedUrl: async () => (await readFeedState(getDb())).url,
  });
  const page = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') };
  fakeBrowser.runtime.onMessage.addListener((message: unknown) =>
    handleMessage(message, page, {
      db: getDb,
      extensionId: fakeBrowser.runtime.id,
      extensionUrl: fakeBrowser.runtime.getURL('/'),
      syncNow: () => scheduler.syncNow(),
      onSettingsChanged: () => scheduler.onSettingsChanged(),
    }),
  );
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(async () => {
  render(null, root);
  root.remove();
  await rx.close();
  resetDbForTests();
});

const flush = (times = 5) => flushTicks(times, 5);
const waitFor = (check: () => boolean, what: string) =>
  waitUntil(check, what, { attempts: 300, delayMs: 5, describe: () => `status is "${statusText()}"` });
async function mount() {
  await act(() => {
    render(<SyncSection permissions={permissions} />, root);
  });
  await flush();
}
function field(label: string): HTMLInputElement {
  const l = [...root.querySelectorAll('label')].find((x) => x.textContent === label);
  if (!l) throw new Error(`no field labelled ${label}`);
  return root.querySelector<HTMLInputElement>(`#${l.htmlFor}`)!;
}
function button(name: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === name);
  if (!b) throw new Error(`no button ${name}`);
  return b;
}
function statusText(): string {
  return root.querySelector('[role="status"]')?.textContent ?? '';
}
async function type(label: string, value: string) {
  const input = field(label);
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function click(name: string) {
  await act(() => {
    button(name).click();
  });
  await flush();
}

describe('Sync section', () => {
  it('has the fields, buttons and a status with the pending count', async () => {
    await db.feedback.bulkAdd(makeEvents(3));
    await mount();
    expect(root.querySelector('h2')?.textContent).toBe('Sync');
    for (const l of ['Endpoint URL', 'Access token', 'Campaign feed URL']) expect(field(l)).toBeTruthy();
    expect(field('Access token').type).toBe('password');
    button('Save');
    button('Sync now');
    await waitFor(() => statusText().includes('3 pending'), '3 pending');
    expect(statusText()).toContain('Sync is off');
  });

  it('refuses an endpoint that is not https (or http on loopback) and saves nothing', async () => {
    await mount();
    await type('Endpoint URL', 'http://feedback.example/ingest');
    await click('Save');
    expect(root.querySelector('[role="alert"]')?.textContent).toMatch(/https/);
    expect((await readStoredSettings()).sync.endpoint).toBe('');
    expect(permissions.requests).toEqual([]);
  });

  it('saves endpoint and token, never shows the token again, and asks for the host permission once', async () => {
    const token = 'sk-live-1234567890abcdef';
    await mount();
    await type('Endpoint URL', rx.url);
    await type('Access token', token);
    await click('Save');
    await waitFor(() => root.textContent!.includes('Saved'), 'Saved');
    const stored = await readStoredSettings();
    expect(stored.sync).toMatchObject({ endpoint: rx.url, token });
    expect(permissions.requests).toEqual([['http://127.0.0.1/*']]);
    expect(field('Access token').value).toBe('');
    expect(root.textContent).toContain(maskToken(token));
    expect(maskToken(token)).toBe('••••cdef');
    const everything = root.innerHTML + [...root.querySelectorAll('input')].map((i) => i.value).join(' ');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('1234567890');

    // Saving again with the token field empty keeps the token; the permission is not asked again.
    await type('Campaign feed URL', rx.feedUrl);
    await click('Save');
    // The message itself (not the "Saved token" hint, which the first save left).
    await waitFor(() => root.querySelector('[aria-live="polite"]')?.textContent === 'Saved.', 'Saved again');
    expect((await readStoredSettings()).sync.token).toBe(token);
    expect((await readStoredSettings()).feed.url).toBe(rx.feedUrl);
    expect(permissions.requests).toHaveLength(1);
  });

  it('saves even when the permission is refused, and says the server must answer CORS', async () => {
    permissions.answer = false;
    await mount();
    await type('Endpoint URL', 'https://feedback.example/ingest');
    await click('Save');
    await waitFor(() => root.textContent!.includes('CORS'), 'the CORS note');
    expect((await readStoredSettings()).sync.endpoint).toBe('https://feedback.example/ingest');
  });

  it('"Sync now" sends the pending feedback and the status follows', async () => {
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
    });
    await db.feedback.bulkAdd(makeEvents(4));
    await mount();
    await waitFor(() => statusText().includes('4 pending'), '4 pending');
    await click('Sync now');
    await waitFor(() => statusText().includes('0 pending'), '0 pending');
    expect(rx.report()).toMatchObject({ unique: 4, duplicates: 0 });
    expect(statusText()).not.toContain('Last successful sync: never');
  });

  it('shows a held batch with its status and body, and retries it after the settings change', async () => {
    rx.setFaults([{ status: 403, body: 'Token revoked for this workspace', store: false }]);
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
      s.sync.token = 'old-token-000000';
    });
    await db.feedback.bulkAdd(makeEvents(2));
    await mount();
    await click('Sync now');
    await waitFor(() => statusText().includes('HTTP 403'), 'the held batch');
    expect(statusText()).toContain('Token revoked for this workspace');
    expect(statusText()).toContain('2 pending');
    await type('Access token', 'new-token-111111');
    await click('Save');
    await waitFor(() => statusText().includes('0 pending'), 'the retried batch');
    expect(rx.requests.at(-1)?.authorization).toBe('Bearer new-token-111111');
  });

  it('shows values set by policy locked', async () => {
    await fakeBrowser.storage.managed.set({ endpoint: 'https://feedback.corp.example/in', token: 'policy-token-abcdef', syncIntervalMinutes: 15 });
    await mount();
    await waitFor(() => field('Endpoint URL').value === 'https://feedback.corp.example/in', 'the policy endpoint');
    expect(field('Endpoint URL').disabled).toBe(true);
    expect(field('Access token').disabled).toBe(true);
    expect(field('Campaign feed URL').disabled).toBe(false);
    expect(root.querySelectorAll('.u-locked')).toHaveLength(3);
    // The note sits beside the label, so the field's name stays exactly its label; it describes the field.
    expect(field('Endpoint URL').getAttribute('aria-describedby')).toBe('lock-endpoint');
    expect(root.querySelector('#lock-endpoint')?.textContent).toBe('Set by your organisation');
    expect(field('Access token').getAttribute('aria-describedby')).toBe('lock-token sync-token-hint');
    expect(field('Campaign feed URL').hasAttribute('aria-describedby')).toBe(false);
    // A policy token is not shown, not even masked.
    expect(root.textContent).not.toContain('policy-token-abcdef');
    expect(root.textContent).not.toContain(maskToken('policy-token-abcdef'));
    expect(root.textContent).not.toContain('Saved token');
    expect(root.textContent).not.toContain('Remove token');
  });

  it('keeps the good values of a policy with a bad one, and says which one is ignored', async () => {
    await fakeBrowser.storage.managed.set({ endpoint: 'http://feedback.corp.example/in', token: 'policy-token-abcdef', feedUrl: '', syncIntervalMinutes: 0, allowedRepEmailDomain: 'seller.example' });
    const s = await readSettings();
    expect(s.locked.sort()).toEqual(['allowedRepEmailDomain', 'token']);
    expect(s.sync.token).toBe('policy-token-abcdef');
    expect(s.ignoredPolicy.map((p) => p.key).sort()).toEqual(['endpoint', 'feedUrl', 'syncIntervalMinutes']);
    await mount();
    await waitFor(() => field('Access token').disabled, 'the policy token locked');
    expect(field('Endpoint URL').disabled).toBe(false);
    const notes = [...root.querySelectorAll('p.error')].map((p) => p.textContent);
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/^Your organisation's policy sets endpoint to a value Unison cannot use \(must be https/);
    expect(notes.join(' ')).toContain('sets syncIntervalMinutes to a value');
  });

  it('masks tokens and builds permission patterns', () => {
    expect(maskToken('')).toBe('');
    expect(maskToken('short')).toBe('••••');
    expect(originPattern('https://feedback.example:8443/a/b?c')).toBe('https://feedback.example/*');
    expect(originPattern('nope')).toBeNull();
  });
});

describe('Sync section before its settings are read (reading policy can take seconds as the browser starts)', () => {
  /** Makes every read of `storage.managed` take `ms`; returns the undo. */
  function slowPolicy(ms: number): () => void {
    const managed = fakeBrowser.storage.managed;
    const realGet = managed.get.bind(managed);
    (managed as { get: unknown }).get = async (...a: Parameters<typeof realGet>) => {
      await new Promise((r) => setTimeout(r, ms));
      return realGet(...a);
    };
    return () => void ((managed as { get: unknown }).get = realGet);
  }

  it('Save waits for them: a token saved at once keeps the endpoint, feed and interval', async () => {
    await updateSettings((s) => {
      s.sync.endpoint = rx.url;
      s.sync.intervalMinutes = 30;
      s.feed.url = 'http://127.0.0.1:1/feed.json';
    });
    const restore = slowPolicy(300);
    try {
      await act(() => {
        render(<SyncSection permissions={permissions} />, root);
      });
      await type('Access token', 'sk-new-token-1234567890');
      expect(button('Save').disabled).toBe(true);
      await act(() => field('Access token').form!.requestSubmit());
      await waitFor(() => !button('Save').disabled, 'Save enabled');
      await click('Save');
      await waitFor(() => root.querySelector('[aria-live="polite"]')?.textContent === 'Saved.', 'Saved');
      const s = await readStoredSettings();
      expect(s.sync).toMatchObject({ token: 'sk-new-token-1234567890', endpoint: rx.url, intervalMinutes: 30 });
      expect(s.feed.url).toBe('http://127.0.0.1:1/feed.json');
    } finally {
      restore();
    }
  });

  it('what the rep typed meanwhile stays in the fields', async () => {
    const restore = slowPolicy(100);
    try {
      await act(() => {
        render(<SyncSection permissions={permissions} />, root);
      });
      await type('Endpoint URL', 'https://typed.example/in');
      await new Promise((r) => setTimeout(r, 200));
      await flush();
      expect(field('Endpoint URL').value).toBe('https://typed.example/in');
      expect(button('Save').disabled).toBe(false);
    } finally {
      restore();
    }
  });
});
