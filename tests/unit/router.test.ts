/**
 * The background's trust boundary: every message is refused unless it is well formed and comes
 * from this extension's own pages or its content script on a site Unison runs on. Real code
 * paths throughout: the router, zod parsing, Dexie on fake-indexeddb and WXT's fake browser.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import { openDb, type UnisonDB } from '@/utils/db';
import { LeadCache } from '@/utils/leads';
import { handleMessage, type RouterDeps } from '@/utils/router';
import { updateSettings, type Settings } from '@/utils/settings';
import { BUILTIN_SITES } from '@/utils/sites/hosts';
import type { UnisonResponse } from '@/utils/protocol';

type Sender = Browser.runtime.MessageSender;

const EXT_ID = fakeBrowser.runtime.id;
const EXT_URL = `chrome-extension://${EXT_ID}/`;
const NOW = new Date('2026-11-27T09:14:03.512Z');

let db: UnisonDB;
let dbName: string;
let n = 0;
let broadcasts: Array<{ email: string; answers: unknown }>;
let settingsChanged: number;

function deps(over: Partial<RouterDeps> = {}): RouterDeps {
  return {
    db: () => db,
    extensionId: EXT_ID,
    extensionUrl: EXT_URL,
    now: () => NOW,
    broadcast: async (email, answers) => {
      broadcasts.push({ email, answers });
    },
    onSettingsChanged: async () => {
      settingsChanged += 1;
    },
    ...over,
  };
}

/** A content script's sender in a top frame of a tab showing `url`. */
function tabSender(url: string, over: Partial<Sender> = {}): Sender {
  return { id: EXT_ID, url, frameId: 0, origin: new URL(url).origin, tab: { id: 7, index: 0, url, windowId: 1, active: true, pinned: false, highlighted: true, incognito: false } as Browser.tabs.Tab, ...over };
}
const popupSender = (): Sender => ({ id: EXT_ID, url: `${EXT_URL}popup.html`, origin: `chrome-extension://${EXT_ID}` });

const GMAIL = 'https://mail.google.com/mail/u/0/#inbox';
const goodClick = { type: 'feedback', input: { type: 'lead_quality', value: 'good', leadEmail: 'ann@acme.io' } };

async function seedLeads() {
  const updatedAt = '2026-11-01T00:00:00.000Z';
  await db.campaigns.put({ id: 'cmp-q3-webinar', name: 'Q3 ROI webinar', channel: 'Webinar', product: 'Forecasting' });
  await db.leads.bulkPut([
    { email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', title: 'CFO', firstCampaign: 'Q3 ROI webinar', updatedAt },
    { email: 'raj.patel@globex.com', name: 'Raj Patel', company: 'Globex', title: 'VP Sales', updatedAt },
  ]);
  await db.touches.put({ id: 't1', email: 'ann@acme.io', campaignId: 'cmp-q3-webinar', at: '2026-07-14T10:00:00Z', kind: 'first' });
}

beforeEach(async () => {
  dbName = `router-${++n}`;
  db = openDb(dbName);
  await db.open();
  broadcasts = [];
  settingsChanged = 0;
  await updateSettings((s) => {
    s.you = { name: 'Sam Ortiz', email: 'sam@seller.example' };
  });
  await seedLeads();
});
afterEach(() => {
  db.close();
});

/** Asserts the message was ignored: no answer, nothing written, nothing broadcast. */
async function expectRefused(message: unknown, sender: Sender | undefined, d = deps()) {
  const before = await db.feedback.count();
  const res = await handleMessage(message, sender, d);
  expect(res).toBeUndefined();
  expect(await db.feedback.count()).toBe(before);
  expect(broadcasts).toEqual([]);
  expect(settingsChanged).toBe(0);
}

describe('router: ignores', () => {
  it('unknown message types and non-objects', async () => {
    for (const m of [
      { type: 'delete-everything' },
      { type: 'write', table: 'feedback', row: {} },
      { type: 'FEEDBACK', input: goodClick.input },
      { kind: 'feedback' },
      {},
      null,
      undefined,
      'feedback',
      42,
      ['feedback'],
    ]) {
      await expectRefused(m, tabSender(GMAIL));
      await expectRefused(m, popupSender());
    }
  });

  it('messages only extension pages may send, when they come from a content script', async () => {
    for (const m of [{ type: 'pending-count' }, { type: 'sync-now' }, { type: 'settings-changed' }, { type: 'data-changed' }]) {
      await expectRefused(m, tabSender(GMAIL));
      // ...while the popup gets an answer.
      expect(await handleMessage(m, popupSender(), deps())).toBeDefined();
      settingsChanged = 0;
    }
  });

  it('bad question types, values, reasons and formats', async () => {
    const bad = [
      { type: 'lead_score', value: 'good', leadEmail: 'ann@acme.io' },
      { type: 'lead_quality', value: 'great', leadEmail: 'ann@acme.io' },
      { type: 'lead_quality', value: 'poor_fit', reason: 'too_expensive', leadEmail: 'ann@acme.io' },
      { type: 'content_relevance', value: 'good', leadEmail: 'ann@acme.io' },
      { type: 'info_sufficiency', value: 'relevant', leadEmail: 'ann@acme.io' },
      { type: 'content_request', value: 'requested', format: 'podcast', leadEmail: 'ann@acme.io' },
      { type: 'content_request', value: 'requested', leadEmail: 'ann@acme.io' },
      { type: 'content_request', value: 'declined', format: 'pricing', leadEmail: 'ann@acme.io' },
      { type: 'lead_quality', value: ['good'], leadEmail: 'ann@acme.io' },
      { type: 'lead_quality', value: 1, leadEmail: 'ann@acme.io' },
    ];
    for (const input of bad) {
      await expectRefused({ type: 'feedback', input }, tabSender(GMAIL));
      await expectRefused({ type: 'feedback', input }, popupSender());
    }
  });

  it('bad or missing addresses', async () => {
    for (const leadEmail of ['ann', 'ann@', '@acme.io', 'ann@acme', 'ann lee@acme.io', '<ann@acme.io>', `${'a'.repeat(250)}@acme.io`, 42, '']) {
      await expectRefused({ type: 'feedback', input: { type: 'lead_quality', value: 'good', leadEmail } }, tabSender(GMAIL));
    }
    // Every question but a content request is about a lead.
    await expectRefused({ type: 'feedback', input: { type: 'lead_quality', value: 'good' } }, tabSender(GMAIL));
    await expectRefused({ type: 'feedback', input: { type: 'info_sufficiency', value: 'sufficient', leadEmail: null } }, popupSender());
    await expectRefused({ type: 'card', email: 'not-an-address' }, tabSender(GMAIL));
  });

  it('over-long notes, products and ids', async () => {
    await expectRefused({ type: 'feedback', input: { ...goodClick.input, note: 'x'.repeat(2001) } }, tabSender(GMAIL));
    await expectRefused(
      { type: 'feedback', input: { type: 'content_request', value: 'requested', format: 'pricing', product: 'p'.repeat(201), leadEmail: null } },
      popupSender(),
    );
    await expectRefused({ type: 'feedback', input: { ...goodClick.input, campaignId: 'c'.repeat(201) } }, tabSender(GMAIL));
    await expectRefused({ type: 'note', id: crypto.randomUUID(), note: 'x'.repeat(2001) }, tabSender(GMAIL));
    await expectRefused({ type: 'lookup', emails: Array.from({ length: 2001 }, (_, i) => `x${i}@acme.io`) }, tabSender(GMAIL));
    await expectRefused({ type: 'lookup', emails: [] }, tabSender(GMAIL));
  });

  it('extra fields, at the top and inside the click', async () => {
    await expectRefused({ ...goodClick, tabId: 3 }, tabSender(GMAIL));
    // A client may not choose the time, rep, site or sync state of an event; its id (made at the
    // click) only as a UUID.
    for (const extra of [
      { id: 'event-1' },
      { id: 42 },
      { createdAt: '2020-01-01T00:00:00.000Z' },
      { rep: { name: 'Mallory', email: 'mallory@evil.example' } },
      { site: 'salesforce' },
      { syncState: 'synced' },
      { evil: true },
    ]) {
      await expectRefused({ type: 'feedback', input: { ...goodClick.input, ...extra } }, tabSender(GMAIL));
      await expectRefused({ type: 'feedback', input: { ...goodClick.input, ...extra } }, popupSender());
    }
    await expectRefused({ type: 'hello', site: 'gmail' }, tabSender(GMAIL));
  });

  it('messages without a sender, or a content script without a tab', async () => {
    await expectRefused(goodClick, undefined);
    await expectRefused(goodClick, {});
    await expectRefused(goodClick, { id: EXT_ID, url: GMAIL });
    await expectRefused(goodClick, { id: EXT_ID, url: GMAIL, tab: { url: GMAIL } as Browser.tabs.Tab });
    await expectRefused(goodClick, { id: EXT_ID });
  });

  it('senders from other extensions', async () => {
    await expectRefused(goodClick, tabSender(GMAIL, { id: 'some-other-extension' }));
    await expectRefused(goodClick, { ...popupSender(), id: 'some-other-extension' });
    await expectRefused(goodClick, { id: 'some-other-extension', url: 'chrome-extension://some-other-extension/popup.html' });
    // Another extension's page, even if it claims our id.
    await expectRefused(goodClick, { id: EXT_ID, url: 'chrome-extension://some-other-extension/popup.html' });
    await expectRefused(goodClick, { id: EXT_ID, url: `chrome-extension://${EXT_ID}.evil.example/popup.html` });
    await expectRefused({ type: 'pending-count' }, { id: EXT_ID, url: `chrome-extension://${EXT_ID}-x/options.html` });
  });

  it('senders on pages Unison does not run on', async () => {
    for (const url of [
      'https://example.com/',
      'https://mail.google.com.evil.example/mail/',
      'https://evil.example/?u=https://mail.google.com/',
      'https://google.com/',
      'https://lightning.force.com/',
      'https://acme.lightning.force.com.evil.example/',
      'https://hubspot.com/',
      'http://mail.google.com/mail/u/0/', // Gmail over plain http
      'http://app.hubspot.com/contacts/1/record/0-1/2',
      'file:///home/sam/leads.html',
      'data:text/html,<p>ann@acme.io</p>',
      'about:blank',
      'javascript:alert(1)',
      'not a url',
      'https://crm.acme-custom.test/contacts', // a custom domain not added
    ]) {
      await expectRefused(goodClick, tabSender(url.startsWith('http') ? url : 'https://example.com/', { url }));
    }
  });

  it('senders on a site the rep switched off', async () => {
    await updateSettings((s) => {
      s.disabledSites = ['gmail'];
    });
    await expectRefused(goodClick, tabSender(GMAIL));
    await expectRefused({ type: 'hello' }, tabSender(GMAIL));
    await expectRefused({ type: 'lookup', emails: ['ann@acme.io'] }, tabSender(GMAIL));
    // Other sites still run.
    expect(await handleMessage({ type: 'hello' }, tabSender('https://app.hubspot.com/contacts/1'), deps())).toMatchObject({ site: 'hubspot' });
  });

  it('a custom domain once it is switched off, or removed', async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm.acme-custom.test'];
      s.disabledSites = ['custom'];
    });
    await expectRefused(goodClick, tabSender('https://crm.acme-custom.test/contacts'));
    await updateSettings((s) => {
      s.disabledSites = [];
      s.customDomains = ['other.example'];
    });
    await expectRefused(goodClick, tabSender('https://crm.acme-custom.test/contacts'));
    // A sub-domain of an added domain is a different site.
    await expectRefused(goodClick, tabSender('https://evil.other.example/'));
  });

  it('another HubSpot data centre, added in Sites: the HubSpot adapter, but answered only as an added domain is', async () => {
    const page = tabSender('https://app-ap1.hubspot.com/contacts/1/record/0-1/2');
    // Not added: not answered (the built-in patterns do not cover it).
    await expectRefused({ type: 'hello' }, page, deps());
    await updateSettings((s) => {
      s.customDomains = ['app-ap1.hubspot.com'];
    });
    let granted = true;
    const d = deps({ permissions: { contains: async () => granted } });
    expect(await handleMessage({ type: 'hello' }, page, d)).toMatchObject({ site: 'hubspot', siteId: 'hubspot' });
    expect(await handleMessage(goodClick, page, d)).toMatchObject({ ok: true, event: { site: 'hubspot' } });
    broadcasts.length = 0;
    // Its access withdrawn, "Custom domains" off, HubSpot off, or removed from Sites: refused.
    granted = false;
    await expectRefused({ type: 'hello' }, page, d);
    await expectRefused({ type: 'lookup', emails: ['ann@acme.io'] }, page, d);
    granted = true;
    for (const change of [
      (s: Settings) => void (s.disabledSites = ['custom']),
      (s: Settings) => void (s.disabledSites = ['hubspot']),
      (s: Settings) => void (s.customDomains = []),
    ]) {
      await updateSettings((s) => {
        s.disabledSites = [];
        s.customDomains = ['app-ap1.hubspot.com'];
        change(s);
      });
      await expectRefused({ type: 'hello' }, page, d);
    }
    // The built-in data centres need none of it.
    await updateSettings((s) => {
      s.customDomains = [];
      s.disabledSites = [];
    });
    granted = false;
    expect(await handleMessage({ type: 'hello' }, tabSender('https://app-eu1.hubspot.com/contacts/1'), d)).toMatchObject({ siteId: 'hubspot' });
  });

  it('a custom domain whose access was withdrawn in the browser, its page still open', async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm.acme-custom.test'];
    });
    const asked: string[][] = [];
    let granted = true;
    const withPermissions = deps({
      permissions: {
        contains: async ({ origins }) => {
          asked.push(origins ?? []);
          return granted;
        },
      },
    });
    const page = tabSender('https://crm.acme-custom.test/contacts/1');
    expect(await handleMessage({ type: 'hello' }, page, withPermissions)).toMatchObject({ siteId: 'custom' });
    expect(asked).toEqual([['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*']]);
    granted = false;
    await expectRefused({ type: 'hello' }, page, withPermissions);
    await expectRefused({ type: 'lookup', emails: ['ann@acme.io'] }, page, withPermissions);
    await expectRefused(goodClick, page, withPermissions);
    // Built-in sites are the manifest's own: no permission is asked about them.
    asked.length = 0;
    expect(await handleMessage({ type: 'hello' }, tabSender(GMAIL), withPermissions)).toMatchObject({ siteId: 'gmail' });
    expect(asked).toEqual([]);
  });
});

describe('router: accepts', () => {
  const hosts: Record<string, string[]> = {
    gmail: ['mail.google.com'],
    outlook: ['outlook.office.com', 'outlook.live.com', 'outlook.office365.com'],
    salesforce: ['acme.lightning.force.com', 'acme--dev.sandbox.lightning.force.com', 'acme.my.salesforce.com'],
    hubspot: ['app.hubspot.com', 'app-eu1.hubspot.com'],
    pipedrive: ['acme.pipedrive.com'],
    dynamics: ['acme.crm.dynamics.com', 'acme.crm4.dynamics.com'],
    zoho: ['crm.zoho.com', 'crm.zoho.eu', 'crm.zoho.com.au'],
  };

  it('covers every built-in site in this test', () => {
    expect(Object.keys(hosts).sort()).toEqual(BUILTIN_SITES.map((s) => s.id).sort());
  });

  it('a content script on each built-in host, with the site stamped from the sender tab', async () => {
    for (const [site, list] of Object.entries(hosts)) {
      for (const host of list) {
        const sender = tabSender(`https://${host}/some/path?x=1#y`);
        expect(await handleMessage({ type: 'hello' }, sender, deps())).toEqual({
          type: 'hello',
          enabled: true,
          site,
          siteId: site,
          repEmail: 'sam@seller.example',
          digest: null,
        });
        const res = await handleMessage({ type: 'feedback', input: { type: 'info_sufficiency', value: 'sufficient', leadEmail: 'ann@acme.io' } }, sender, deps());
        expect(res).toMatchObject({ type: 'feedback', ok: true, event: { site } });
      }
    }
  });

  it('stamps id, time, rep and site itself, and never takes the site from the message', async () => {
    const res = (await handleMessage(goodClick, tabSender('https://acme.lightning.force.com/lightning/r/Lead/00Q1/view'), deps())) as Extract<
      UnisonResponse,
      { type: 'feedback' }
    >;
    expect(res.type).toBe('feedback');
    expect(res.event).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      type: 'lead_quality',
      value: 'good',
      reason: null,
      note: null,
      leadEmail: 'ann@acme.io',
      campaignId: null,
      contentId: null,
      product: null,
      format: null,
      rep: { name: 'Sam Ortiz', email: 'sam@seller.example' },
      site: 'salesforce',
      createdAt: NOW.toISOString(),
      supersedes: null,
    });
    const stored = await db.feedback.get(res.event.id);
    expect(stored).toMatchObject({ ...res.event, syncState: 'pending', syncedAt: null, syncError: null });
    // No page URL or other page detail is stored.
    expect(JSON.stringify(stored)).not.toContain('lightning/r/Lead');
    expect(res.answers.lead_quality).toMatchObject({ id: res.event.id, value: 'good' });
  });

  it('lower-cases and trims the address', async () => {
    const res = await handleMessage({ type: 'feedback', input: { type: 'lead_quality', value: 'good', leadEmail: '  Ann@ACME.io ' } }, tabSender(GMAIL), deps());
    expect(res).toMatchObject({ event: { leadEmail: 'ann@acme.io' } });
  });

  it('stamps the rep as set in You at the time of the click', async () => {
    await updateSettings((s) => {
      s.you = { name: '  ', email: '' };
    });
    const a = await handleMessage(goodClick, tabSender(GMAIL), deps());
    expect(a).toMatchObject({ event: { rep: { name: null, email: null } } });
    await updateSettings((s) => {
      s.you = { name: 'Sam Ortiz', email: 'not an address' };
    });
    const b = await handleMessage(goodClick, tabSender(GMAIL), deps());
    expect(b).toMatchObject({ event: { rep: { name: 'Sam Ortiz', email: null } } });
  });

  it('computes supersedes itself and ignores the one a client sends', async () => {
    const first = (await handleMessage(goodClick, tabSender(GMAIL), deps())) as Extract<UnisonResponse, { type: 'feedback' }>;
    // Another lead's event exists; a client naming it (or any id) does not change the chain.
    const other = (await handleMessage(
      { type: 'feedback', input: { type: 'lead_quality', value: 'good', leadEmail: 'raj.patel@globex.com' } },
      tabSender(GMAIL),
      deps(),
    )) as Extract<UnisonResponse, { type: 'feedback' }>;
    const second = (await handleMessage(
      { type: 'feedback', input: { type: 'lead_quality', value: 'poor_fit', reason: 'no_budget', leadEmail: 'ann@acme.io', supersedes: other.event.id } },
      tabSender(GMAIL),
      deps(),
    )) as Extract<UnisonResponse, { type: 'feedback' }>;
    expect(second.event.supersedes).toBe(first.event.id);
    expect(second.event.reason).toBe('no_budget');
    const firstOfItsKind = (await handleMessage(
      { type: 'feedback', input: { type: 'info_sufficiency', value: 'insufficient', leadEmail: 'ann@acme.io', supersedes: first.event.id } },
      tabSender(GMAIL),
      deps(),
    )) as Extract<UnisonResponse, { type: 'feedback' }>;
    expect(firstOfItsKind.event.supersedes).toBeNull();
    expect(await db.feedback.count()).toBe(4);
  });

  it('stores a click sent again with its id once, and answers it as made', async () => {
    const id = crypto.randomUUID();
    const click = { type: 'feedback', input: { ...goodClick.input, id, campaignId: 'cmp-q3-webinar', note: ' Met at the webinar ' } };
    const first = (await handleMessage(click, tabSender(GMAIL), deps())) as Extract<UnisonResponse, { type: 'feedback' }>;
    expect(first.event).toMatchObject({ id, note: 'Met at the webinar', supersedes: null });
    // Its answer was lost on the way back: the same click again.
    const again = (await handleMessage(click, tabSender(GMAIL), deps())) as Extract<UnisonResponse, { type: 'feedback' }>;
    expect(again).toMatchObject({ ok: true, event: first.event, answers: first.answers });
    expect(await db.feedback.toArray()).toMatchObject([{ id, supersedes: null }]);
    // A content request from the popup, sent twice, too.
    const request = { type: 'feedback', input: { id: crypto.randomUUID(), type: 'content_request', value: 'requested', leadEmail: null, product: ' Planning ', format: 'pricing' } };
    await handleMessage(request, popupSender(), deps());
    await handleMessage(request, popupSender(), deps());
    expect(await db.feedback.count()).toBe(2);
  });

  it('refuses an id in use by another event, and changes nothing', async () => {
    const id = crypto.randomUUID();
    await handleMessage({ type: 'feedback', input: { ...goodClick.input, id } }, tabSender(GMAIL), deps());
    const before = await db.feedback.toArray();
    for (const [input, sender] of [
      [{ type: 'lead_quality', value: 'poor_fit', reason: 'no_budget', leadEmail: 'ann@acme.io', id }, tabSender(GMAIL)],
      [{ ...goodClick.input, leadEmail: 'raj.patel@globex.com', id }, tabSender(GMAIL)],
      [{ ...goodClick.input, note: 'another note', id }, tabSender(GMAIL)],
      [{ ...goodClick.input, id }, tabSender('https://acme.lightning.force.com/lightning/r/Lead/00Q1/view')],
    ] as const) {
      await expect(handleMessage({ type: 'feedback', input }, sender, deps())).rejects.toThrow(/stored already/);
    }
    expect(await db.feedback.toArray()).toEqual(before);
  });

  it('stores a note sent again with its id once', async () => {
    const made = (await handleMessage(goodClick, tabSender(GMAIL), deps())) as Extract<UnisonResponse, { type: 'feedback' }>;
    const noteId = crypto.randomUUID();
    const note = { type: 'note', id: made.event.id, note: 'asked for pricing', noteId };
    const first = await handleMessage(note, tabSender(GMAIL), deps());
    expect(first).toMatchObject({ ok: true, event: { id: noteId, supersedes: made.event.id, note: 'asked for pricing' } });
    expect(await handleMessage(note, tabSender(GMAIL), deps())).toMatchObject({ ok: true, event: { id: noteId, supersedes: made.event.id } });
    expect(await db.feedback.count()).toBe(2);
    // The same id with another note is not that note.
    expect(await handleMessage({ ...note, note: 'something else' }, tabSender(GMAIL), deps())).toMatchObject({ ok: false });
    expect(await db.feedback.count()).toBe(2);
  });

  it('broadcasts the new answers to every tab', async () => {
    const res = (await handleMessage(goodClick, tabSender(GMAIL), deps())) as Extract<UnisonResponse, { type: 'feedback' }>;
    expect(broadcasts).toEqual([{ email: 'ann@acme.io', answers: res.answers }]);
  });

  it('answers a saved click even when telling the tabs fails or hangs', async () => {
    const failing = deps({
      broadcast: async () => {
        throw new Error('No tab answered');
      },
    });
    expect(await handleMessage(goodClick, tabSender(GMAIL), failing)).toMatchObject({ type: 'feedback', ok: true });
    const throwing = deps({
      broadcast: () => {
        throw new Error('tabs API gone');
      },
    });
    expect(await handleMessage(goodClick, tabSender(GMAIL), throwing)).toMatchObject({ type: 'feedback', ok: true });
    const hanging = deps({ broadcast: () => new Promise<void>(() => undefined) });
    expect(await handleMessage(goodClick, tabSender(GMAIL), hanging)).toMatchObject({ type: 'feedback', ok: true });
    expect(await db.feedback.count()).toBe(3);
  });

  it('a content request from the popup about no particular lead, stamped "popup"', async () => {
    const res = await handleMessage(
      { type: 'feedback', input: { type: 'content_request', value: 'requested', leadEmail: null, product: ' Forecasting ', format: 'one_pager', note: 'For CFOs' } },
      popupSender(),
      deps(),
    );
    expect(res).toMatchObject({ type: 'feedback', event: { site: 'popup', leadEmail: null, product: 'Forecasting', format: 'one_pager', note: 'For CFOs' } });
    expect(broadcasts).toEqual([]);
  });

  it('the options page opened in a tab counts as an extension page', async () => {
    const sender: Sender = { id: EXT_ID, url: `${EXT_URL}options.html`, tab: { id: 3, url: `${EXT_URL}options.html` } as Browser.tabs.Tab };
    expect(await handleMessage({ type: 'pending-count' }, sender, deps())).toEqual({ type: 'pending-count', pending: 0 });
    let toldTabs = 0;
    await handleMessage({ type: 'settings-changed' }, sender, deps({ broadcastDataChanged: async () => void (toldTabs += 1) }));
    expect(settingsChanged).toBe(1);
    // Open tabs ask again whether Unison runs there (a site switched off leaves its pages).
    expect(toldTabs).toBe(1);
  });

  it('a content script on a custom domain the rep added, over https or http', async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm.acme-custom.test'];
    });
    for (const url of ['https://crm.acme-custom.test/contacts/1', 'http://crm.acme-custom.test/contacts/1', 'https://CRM.Acme-Custom.test/']) {
      expect(await handleMessage({ type: 'hello' }, tabSender(url), deps())).toMatchObject({ site: 'custom', siteId: 'custom' });
    }
    expect(await handleMessage(goodClick, tabSender('https://crm.acme-custom.test/contacts/1'), deps())).toMatchObject({ event: { site: 'custom' } });
  });

  it('an event carries the rep\'s address only at the domain a policy allows, also one saved in You before the policy came', async () => {
    await updateSettings((s) => {
      s.you = { name: 'Sam Ortiz', email: 'sam@gmail.com' };
    });
    const click = async () => ((await handleMessage(goodClick, tabSender(GMAIL), deps())) as Extract<UnisonResponse, { type: 'feedback' }>).event.rep;
    expect(await click()).toEqual({ name: 'Sam Ortiz', email: 'sam@gmail.com' });
    await fakeBrowser.storage.managed.set({ allowedRepEmailDomain: 'seller.example' });
    expect(await click()).toEqual({ name: 'Sam Ortiz', email: null });
    await updateSettings((s) => {
      s.you.email = 'sam@seller.example';
    });
    expect(await click()).toEqual({ name: 'Sam Ortiz', email: 'sam@seller.example' });
    // The policy as the background keeps it is the one asked.
    expect(((await handleMessage(goodClick, tabSender(GMAIL), deps({ policy: async () => ({ allowedRepEmailDomain: '@other.example' }) }))) as Extract<UnisonResponse, { type: 'feedback' }>).event.rep.email).toBeNull();
  });

  it("an added domain cannot claim another's event: not by a note sent again under its id, not by the click sent again, nor after the background restarts", async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm-a.test', 'crm-b.test'];
    });
    const A = 'https://crm-a.test/contacts/1';
    const B = 'https://crm-b.test/contacts/2';
    const made = (await handleMessage(goodClick, tabSender(A), deps())) as Extract<UnisonResponse, { type: 'feedback' }>;
    const y = made.event.id;
    // crm-b learns the id from an ordinary lookup.
    const look = (await handleMessage({ type: 'lookup', emails: ['ann@acme.io'] }, tabSender(B), deps())) as Extract<UnisonResponse, { type: 'lookup' }>;
    expect(look.leads[0].answers.lead_quality?.id).toBe(y);
    // A "note" whose own id is crm-a's event (its note empty, as the event's), then the click itself under its id.
    expect(await handleMessage({ type: 'note', id: crypto.randomUUID(), note: '', noteId: y }, tabSender(B), deps())).toMatchObject({ ok: false });
    await expect(handleMessage({ ...goodClick, input: { ...goodClick.input, id: y } }, tabSender(B), deps())).rejects.toThrow(/stored already/);
    // A new background (nothing kept in memory): still refused.
    expect(await handleMessage({ type: 'undo', id: y }, tabSender(B), deps())).toMatchObject({ ok: false });
    expect(await handleMessage({ type: 'note', id: y, note: 'from crm-b' }, tabSender(B), deps())).toMatchObject({ ok: false });
    expect((await db.feedback.toArray()).map((e) => e.id)).toEqual([y]);
    // crm-a keeps its own: a note, and the note's own id sent again is the same note.
    const noteId = crypto.randomUUID();
    const noted = await handleMessage({ type: 'note', id: y, note: 'mine', noteId }, tabSender(A), deps());
    expect(noted).toMatchObject({ ok: true, event: { id: noteId, supersedes: y } });
    expect(await handleMessage({ type: 'note', id: y, note: 'mine', noteId }, tabSender(A), deps())).toMatchObject({ ok: true, event: { id: noteId } });
    // The domain stays in the store: never in what is sent or shown.
    expect((await db.feedback.get(noteId))?.madeOn).toBe('crm-a.test');
    expect(JSON.stringify(noted)).not.toContain('madeOn');
  });

  it("refuses an undo or a note on another site's click, and on another added domain's", async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm-a.test', 'crm-b.test'];
    });
    const d = deps();
    const click = async (url: string) => ((await handleMessage(goodClick, tabSender(url), d)) as Extract<UnisonResponse, { type: 'feedback' }>).event.id;
    const refused = async (message: unknown, url: string) => expect(await handleMessage(message, tabSender(url), d)).toMatchObject({ ok: false });
    const SF = 'https://acme.lightning.force.com/lightning/r/Lead/00Q1/view';

    // Made on Gmail: Salesforce may neither take it back nor put a note on it.
    const onGmail = await click(GMAIL);
    await refused({ type: 'undo', id: onGmail }, SF);
    await refused({ type: 'note', id: onGmail, note: 'from elsewhere' }, SF);
    expect((await db.feedback.toArray()).map((e) => e.id)).toEqual([onGmail]);
    // Gmail itself may.
    expect(await handleMessage({ type: 'note', id: onGmail, note: 'asked for pricing' }, tabSender(GMAIL), d)).toMatchObject({ ok: true, event: { site: 'gmail', supersedes: onGmail } });

    // Made on one added domain: another added domain (the same site, "custom") may not, over http least of all.
    const onA = await click('https://crm-a.test/contacts/1');
    for (const url of ['https://crm-b.test/contacts/2', 'http://crm-b.test/']) {
      await refused({ type: 'undo', id: onA }, url);
      await refused({ type: 'note', id: onA, note: 'x' }, url);
    }
    expect(await db.feedback.get(onA)).toBeDefined();
    const noted = await handleMessage({ type: 'note', id: onA, note: 'mine' }, tabSender('https://crm-a.test/contacts/1'), d);
    expect(noted).toMatchObject({ ok: true, event: { site: 'custom', supersedes: onA } });
    // The note is the added domain's too: only it may add to it.
    const noteId = (noted as Extract<UnisonResponse, { type: 'note' }> & { event: { id: string } }).event.id;
    await refused({ type: 'note', id: noteId, note: 'y' }, 'https://crm-b.test/contacts/2');
    const onB = await click('https://crm-b.test/contacts/2');
    expect(await handleMessage({ type: 'undo', id: onB }, tabSender('https://crm-b.test/contacts/2'), d)).toMatchObject({ ok: true });
  });

  it('keeps the answers it hands out with lookups up to date after a click, an undo and a note', async () => {
    const cache = new LeadCache();
    const d = deps({ cache });
    const lookupAnn = async () => ((await handleMessage({ type: 'lookup', emails: ['ann@acme.io'] }, tabSender(GMAIL), d)) as Extract<UnisonResponse, { type: 'lookup' }>).leads[0].answers;
    expect(await lookupAnn()).toEqual({});
    const made = (await handleMessage(goodClick, tabSender(GMAIL), d)) as Extract<UnisonResponse, { type: 'feedback' }>;
    expect((await lookupAnn()).lead_quality).toMatchObject({ value: 'good', id: made.event.id });
    const poor = (await handleMessage({ type: 'feedback', input: { type: 'lead_quality', value: 'poor_fit', reason: 'no_budget', leadEmail: 'ann@acme.io' } }, tabSender(GMAIL), d)) as Extract<UnisonResponse, { type: 'feedback' }>;
    expect((await lookupAnn()).lead_quality).toMatchObject({ value: 'poor_fit', reason: 'no_budget' });
    await handleMessage({ type: 'undo', id: poor.event.id }, tabSender(GMAIL), d);
    expect((await lookupAnn()).lead_quality).toMatchObject({ value: 'good', id: made.event.id });
    const noted = (await handleMessage({ type: 'note', id: made.event.id, note: 'pricing' }, tabSender(GMAIL), d)) as Extract<UnisonResponse, { type: 'note' }> & { event: { id: string } };
    expect((await lookupAnn()).lead_quality).toMatchObject({ value: 'good', id: noted.event.id, note: 'pricing' });
  });

  it('counts pending events for the popup', async () => {
    await handleMessage(goodClick, tabSender(GMAIL), deps());
    await handleMessage({ type: 'feedback', input: { type: 'info_sufficiency', value: 'sufficient', leadEmail: 'ann@acme.io' } }, tabSender(GMAIL), deps());
    expect(await handleMessage({ type: 'pending-count' }, popupSender(), deps())).toEqual({ type: 'pending-count', pending: 2 });
  });

  it('looks up known leads only, never the rep', async () => {
    const res = await handleMessage(
      { type: 'lookup', emails: ['ANN@acme.io', 'bob@unknown.org', 'sam@seller.example', 'raj.patel@globex.com', 'nonsense'] },
      tabSender(GMAIL),
      deps(),
    );
    expect(res?.type).toBe('lookup');
    const leads = (res as Extract<UnisonResponse, { type: 'lookup' }>).leads;
    expect(leads.map((l) => l.email).sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
  });

  it('a saved click survives the service worker stopping right after it', async () => {
    const res = (await handleMessage(goodClick, tabSender(GMAIL), deps())) as Extract<UnisonResponse, { type: 'feedback' }>;
    // The worker stops: its database connection goes away with it.
    db.close();
    const reopened = openDb(dbName);
    await reopened.open();
    try {
      expect(await reopened.feedback.get(res.event.id)).toMatchObject({ leadEmail: 'ann@acme.io', value: 'good', syncState: 'pending' });
      // And the new worker answers with it.
      const look = await handleMessage({ type: 'lookup', emails: ['ann@acme.io'] }, tabSender(GMAIL), deps({ db: () => reopened }));
      expect(look).toMatchObject({ leads: [{ email: 'ann@acme.io', answers: { lead_quality: { id: res.event.id, value: 'good' } } }] });
    } finally {
      reopened.close();
    }
  });
});
