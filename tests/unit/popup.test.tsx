/**
 * The popup, rendered with Preact into happy-dom. Its messages to the background reach the real
 * router (fake-indexeddb behind it) through WXT's fake browser; tabs come from the fake browser
 * too. The one part the fake browser cannot be is a tab's content script: `tabs.sendMessage` is
 * given a small one here that answers `get-spotted` with a fixed report.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PopupApp, answerLabels, FORMAT_LABELS } from '@/components/popup/PopupApp';
import { browserPopupApi, asSpottedReport } from '@/components/popup/api';
import { openDb, type UnisonDB } from '@/utils/db';
import { recordFeedback } from '@/utils/feedback';
import { handleMessage } from '@/utils/router';
import { updateSettings } from '@/utils/settings';
import { REQUEST_FORMATS } from '@/utils/schema';
import type { SpottedReport } from '@/utils/protocol';
import { flush, waitFor as waitUntil } from '../support/preact';

let root: HTMLDivElement;
let db: UnisonDB;
let n = 0;
/** Every message the popup sent to the background, in order. */
let sent: unknown[];
/** How many of the next feedback messages are stored but get no answer back. */
let lostReplies = 0;
/** Every message the popup sent to a tab: [tabId, message]. */
let toTabs: Array<[number, unknown]>;
let optionsOpened: number;
/** The background's answer to `card` waits for this (a slow answer, in one test). */
let cardGate: Promise<void>;
/** What the tab's content script answers; a function so a test can make it throw. */
let contentScript: (message: unknown) => Promise<unknown>;

const rep = { name: 'Sam Ortiz', email: 'sam@seller.example' };

async function seed() {
  const updatedAt = '2026-11-01T00:00:00.000Z';
  await db.campaigns.bulkPut([
    { id: 'cmp-q3-webinar', name: 'Q3 ROI webinar', channel: 'Webinar', product: 'Forecasting' },
    { id: 'cmp-cfo-ebook', name: 'CFO guide ebook', channel: 'Paid Social', product: 'Planning' },
  ]);
  await db.content.put({ id: 'ast-roi-calc', title: 'ROI calculator', type: 'tool', url: 'https://example.com/roi', product: 'Forecasting', campaignId: 'cmp-q3-webinar' });
  await db.leads.bulkPut([
    { email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', title: 'CFO', firstCampaign: 'Q3 ROI webinar', updatedAt },
    { email: 'raj.patel@globex.com', name: 'Raj Patel', company: 'Globex', title: 'VP Sales', firstCampaign: 'CFO guide ebook', updatedAt },
  ]);
  await db.touches.bulkPut([
    { id: 't1', email: 'ann@acme.io', campaignId: 'cmp-q3-webinar', contentId: 'ast-roi-calc', at: '2026-07-14T10:00:00Z', kind: 'first' },
    { id: 't2', email: 'raj.patel@globex.com', campaignId: 'cmp-cfo-ebook', at: '2026-08-01T10:00:00Z' },
  ]);
}

const report = (over: Partial<SpottedReport> = {}): SpottedReport => ({
  site: 'gmail',
  leads: [
    { email: 'ann@acme.io', name: 'Ann Lee', firstCampaign: 'Q3 ROI webinar', answers: {} },
    { email: 'raj.patel@globex.com', name: 'Raj Patel', firstCampaign: 'CFO guide ebook', answers: {} },
  ],
  scanned: 6,
  capped: false,
  ...over,
});

beforeEach(async () => {
  db = openDb(`popup-${++n}`);
  await seed();
  sent = [];
  lostReplies = 0;
  toTabs = [];
  cardGate = Promise.resolve();
  optionsOpened = 0;
  contentScript = async (m) => ((m as { type?: string }).type === 'get-spotted' ? report() : undefined);
  const popupSender = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') };
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
    sent.push(message);
      const answer = () => handleMessage(message, popupSender, { db: () => db, extensionId: fakeBrowser.runtime.id, extensionUrl: fakeBrowser.runtime.getURL('/') });
    const type = (message as { type?: string }).type;
    // The background stored it, and its answer was lost on the way back (the worker restarted).
    if (type === 'feedback' && lostReplies > 0) {
      lostReplies -= 1;
      return answer().then(() => Promise.reject(new Error('The message port closed before a response was received.')));
    }
    return type === 'card' ? cardGate.then(answer) : answer();
  });
  (fakeBrowser.tabs as { sendMessage: unknown }).sendMessage = async (tabId: number, message: unknown) => {
    toTabs.push([tabId, message]);
    return contentScript(message);
  };
  (fakeBrowser.runtime as { openOptionsPage: unknown }).openOptionsPage = async () => {
    optionsOpened += 1;
  };
  await updateSettings((s) => {
    s.you = rep;
  });
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  db.close();
});

const waitFor = (check: () => boolean, what: string) => waitUntil(check, what, { describe: () => `page says: ${root.textContent}` });

/** Opens the popup about tab `tabId` (as end-to-end tests do, with ?tab=). */
async function openPopup(tabId: number) {
  await act(() => {
    render(<PopupApp api={browserPopupApi(`?tab=${tabId}`)} startWaitMs={1} />, root);
  });
  await flush();
}
async function gmailTab(url = 'https://mail.google.com/mail/u/0/#inbox') {
  const tab = await fakeBrowser.tabs.create({ url });
  return tab.id!;
}

const text = () => root.textContent ?? '';
function button(name: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === name);
  if (!b) throw new Error(`no button ${name} in: ${text()}`);
  return b;
}
function field<T extends HTMLElement>(label: string): T {
  const l = [...root.querySelectorAll('label')].find((x) => x.textContent?.trim() === label);
  if (!l) throw new Error(`no field ${label}`);
  return root.querySelector<T>(`#${l.htmlFor}`)!;
}
async function choose(select: HTMLSelectElement, value: string) {
  await act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}
async function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
function leadItem(email: string) {
  return root.querySelector<HTMLLIElement>(`li.lead[data-email="${email}"]`);
}

describe('popup', () => {
  it('asks the named tab for its leads and lists them with their first campaign', async () => {
    const tabId = await gmailTab();
    await openPopup(tabId);
    await waitFor(() => !!leadItem('ann@acme.io'), 'the leads');
    expect(toTabs).toEqual([[tabId, { type: 'get-spotted' }]]);
    expect(root.querySelector('[aria-label="Leads on this page"]')?.children).toHaveLength(2);
    expect(leadItem('ann@acme.io')?.textContent).toContain('Ann Lee');
    expect(leadItem('ann@acme.io')?.textContent).toContain('First campaign: Q3 ROI webinar');
    expect(leadItem('raj.patel@globex.com')?.textContent).toContain('First campaign: CFO guide ebook');
    expect(text()).toContain('Gmail');
    expect(text()).not.toContain('does not run');
    expect(root.querySelector('.capped')).toBeNull();
  });

  it('uses the active tab of the current window when no tab is named', async () => {
    // The fake browser keeps no focused window or active tab, so `tabs.query` answers here as
    // the browser would: the active tab of the current window.
    const active = await fakeBrowser.tabs.get(await gmailTab());
    const queries: unknown[] = [];
    const query = fakeBrowser.tabs.query;
    (fakeBrowser.tabs as { query: unknown }).query = async (q: unknown) => {
      queries.push(q);
      return [active];
    };
    try {
      await act(() => {
        render(<PopupApp api={browserPopupApi('')} />, root);
      });
      await waitFor(() => !!leadItem('ann@acme.io'), 'the leads');
    } finally {
      (fakeBrowser.tabs as { query: unknown }).query = query;
    }
    expect(queries).toEqual([{ active: true, currentWindow: true }]);
    expect(toTabs).toEqual([[active!.id, { type: 'get-spotted' }]]);
  });

  it("shows each lead's current answers from the store, not the page's older copy", async () => {
    const stamp = { rep, site: 'gmail' as const };
    await recordFeedback(db, { type: 'lead_quality', value: 'poor_fit', reason: 'no_budget', leadEmail: 'ann@acme.io' }, stamp);
    await recordFeedback(db, { type: 'info_sufficiency', value: 'insufficient', leadEmail: 'ann@acme.io' }, stamp);
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('ann@acme.io')?.textContent?.includes('Need more info'), 'the answers');
    const ann = leadItem('ann@acme.io')!.querySelector('[aria-label="Answers for Ann Lee"]');
    expect([...ann!.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Poor fit: No budget', 'Need more info']);
    expect(leadItem('raj.patel@globex.com')?.querySelector('.answers')).toBeNull();
    expect(sent).toContainEqual({ type: 'lookup', emails: ['ann@acme.io', 'raj.patel@globex.com'] });
  });

  it("shows each lead's current name and first campaign from the store, not the page's older copy", async () => {
    contentScript = async () =>
      report({ leads: [{ email: 'ann@acme.io', name: 'Ann L.', firstCampaign: 'Old webinar name', answers: {} }] });
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('ann@acme.io')?.textContent?.includes('Ann Lee'), 'the name');
    expect(leadItem('ann@acme.io')!.textContent).toContain('Q3 ROI webinar');
    expect(leadItem('ann@acme.io')!.textContent).not.toContain('Ann L.');
  });

  it('shows names and campaigns holding markup as text', async () => {
    const name = 'Eve <img src=x onerror="window.__hit=1">';
    const campaign = '<b id="inj">Spring</b> <a href="javascript:alert(1)">launch</a>';
    contentScript = async () => report({ leads: [{ email: 'eve@evil.example', name, firstCampaign: campaign, answers: {} }] });
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('eve@evil.example'), 'the lead');
    const item = leadItem('eve@evil.example')!;
    expect(item.textContent).toContain(name);
    expect(item.textContent).toContain(campaign);
    expect(item.querySelector('img, b, a[href^="javascript"]')).toBeNull();
    expect((window as { __hit?: number }).__hit).toBeUndefined();
  });

  it('says when the page held more addresses than Unison looked at', async () => {
    contentScript = async () => report({ capped: true, scanned: 5000 });
    await openPopup(await gmailTab());
    await waitFor(() => !!root.querySelector('.capped'), 'the note');
    expect(root.querySelector('.capped')?.textContent).toBe('Unison looked at the first 5000 addresses on this page.');
  });

  it('says so when no known lead is on the page', async () => {
    contentScript = async () => report({ leads: [], scanned: 3 });
    await openPopup(await gmailTab());
    await waitFor(() => text().includes('No known leads on this page.'), 'the empty state');
  });

  it('shows where Unison does not run, with a way to the options', async () => {
    contentScript = async () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    };
    await openPopup(await gmailTab('https://example.com/'));
    await waitFor(() => text().includes('Unison does not run on this page.'), 'the off state');
    expect(root.querySelector('li.lead')).toBeNull();
    const link = [...root.querySelectorAll('a')].find((a) => a.textContent === 'Open options')!;
    await act(() => link.click());
    await flush(2);
    expect(optionsOpened).toBe(1);
  });

  it('treats a tab whose script does not answer, or answers nonsense, as not running', async () => {
    for (const answer of [undefined, null, 'leads', { leads: 'ann@acme.io' }]) {
      contentScript = async () => answer;
      render(null, root);
      await openPopup(await gmailTab());
      await waitFor(() => text().includes('Unison does not run on this page.'), `the off state for ${JSON.stringify(answer)}`);
    }
  });

  it('says a built-in site is switched off', async () => {
    await updateSettings((s) => {
      s.disabledSites = ['gmail'];
    });
    contentScript = async () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    };
    await openPopup(await gmailTab());
    await waitFor(() => text().includes('switched off for Gmail'), 'the reason');
  });

  it('says a site is switched off even when its page, open since before, still answers', async () => {
    await updateSettings((s) => {
      s.disabledSites = ['gmail'];
    });
    // The page's script stopped when Gmail was switched off; it answers with no leads.
    contentScript = async () => report({ leads: [], scanned: 0 });
    await openPopup(await gmailTab());
    await waitFor(() => text().includes('switched off for Gmail'), 'the reason');
    expect(text()).not.toContain('No known leads');
    expect(root.querySelector('li.lead')).toBeNull();
  });

  it('asks a supported page that is still loading again before saying Unison does not run there', async () => {
    let asked = 0;
    contentScript = async () => {
      asked += 1;
      if (asked < 3) throw new Error('Could not establish connection. Receiving end does not exist.');
      return report();
    };
    await openPopup(await gmailTab());
    await waitFor(() => !!root.querySelector('.lead'), 'the leads once the page has started');
    expect(asked).toBe(3);
    expect(text()).not.toContain('does not run');
    // A page where Unison never runs is not asked again.
    render(null, root);
    asked = 0;
    await openPopup(await gmailTab('https://www.example.com/'));
    await waitFor(() => text().includes('Unison does not run on this page.'), 'the off state');
    expect(asked).toBe(1);
  });

  it('says why Unison is off on an added CRM domain: custom domains switched off, or its access withdrawn', async () => {
    await updateSettings((s) => {
      s.customDomains = ['crm.acme-custom.test'];
      s.disabledSites = ['custom'];
    });
    contentScript = async () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    };
    await openPopup(await gmailTab('https://crm.acme-custom.test/contacts/1'));
    await waitFor(() => text().includes('switched off for custom CRM domains'), 'the switched-off reason');
    await updateSettings((s) => {
      s.disabledSites = [];
    });
    const contains = vi.spyOn(fakeBrowser.permissions, 'contains').mockResolvedValue(false);
    render(null, root);
    await openPopup(await gmailTab('https://crm.acme-custom.test/contacts/1'));
    await waitFor(() => text().includes('access to crm.acme-custom.test was withdrawn'), 'the withdrawn access');
    expect(text()).toContain('add crm.acme-custom.test again under Sites');
    expect(contains).toHaveBeenCalledWith({ origins: ['https://crm.acme-custom.test/*', 'http://crm.acme-custom.test/*'] });
    contains.mockRestore();
  });

  it('shows the pending feedback count', async () => {
    const stamp = { rep, site: 'gmail' as const };
    await recordFeedback(db, { type: 'lead_quality', value: 'good', leadEmail: 'ann@acme.io' }, stamp);
    await recordFeedback(db, { type: 'info_sufficiency', value: 'sufficient', leadEmail: 'ann@acme.io' }, stamp);
    const synced = await recordFeedback(db, { type: 'lead_quality', value: 'good', leadEmail: 'raj.patel@globex.com' }, stamp);
    await db.feedback.update(synced.id, { syncState: 'synced', syncedAt: new Date().toISOString() });
    await openPopup(await gmailTab());
    await waitFor(() => !!root.querySelector('.pending'), 'the count');
    expect(root.querySelector('.pending')?.textContent).toBe('2 pending');
  });

  it('shows the pending count on pages where Unison does not run, too', async () => {
    contentScript = async () => {
      throw new Error('no receiver');
    };
    await openPopup(await gmailTab('https://example.com/'));
    await waitFor(() => root.querySelector('.pending')?.textContent === '0 pending', 'the count');
  });

  it('requests content for a lead in view, with the product prefilled from its campaign', async () => {
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('ann@acme.io'), 'the leads');
    await act(() => button('Request content').click());
    const lead = field<HTMLSelectElement>('Lead');
    expect([...lead.options].map((o) => o.textContent)).toEqual(['No particular lead', 'Ann Lee (ann@acme.io)', 'Raj Patel (raj.patel@globex.com)']);
    expect(lead.value).toBe('');
    expect([...field<HTMLSelectElement>('Format').options].map((o) => o.value)).toEqual([...REQUEST_FORMATS]);
    await choose(lead, 'ann@acme.io');
    await waitFor(() => field<HTMLInputElement>('Product').value === 'Forecasting', 'the product to be prefilled');
    expect(sent).toContainEqual({ type: 'card', email: 'ann@acme.io' });
    await choose(field<HTMLSelectElement>('Format'), 'one_pager');
    await type(field<HTMLTextAreaElement>('Note'), '  For the CFO  ');
    sent = [];
    await act(() => button('Send request').click());
    await waitFor(() => text().includes('Request sent'), 'the confirmation');
    expect(sent[0]).toEqual({
      type: 'feedback',
      input: {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        type: 'content_request',
        value: 'requested',
        leadEmail: 'ann@acme.io',
        product: 'Forecasting',
        format: 'one_pager',
        note: 'For the CFO',
        campaignId: 'cmp-q3-webinar',
        contentId: 'ast-roi-calc',
      },
    });
    const events = await db.feedback.toArray();
    expect(events).toHaveLength(1);
    // The event's id is the one the popup made when the rep sent the request.
    expect(events[0].id).toBe((sent[0] as { input: { id: string } }).input.id);
    expect(events[0]).toMatchObject({ type: 'content_request', leadEmail: 'ann@acme.io', product: 'Forecasting', format: 'one_pager', site: 'popup', rep, syncState: 'pending' });
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Request sent: one-pager on Forecasting for Ann Lee.');
    await waitFor(() => root.querySelector('.pending')?.textContent === '1 pending', 'the count to follow');
    expect(leadItem('ann@acme.io')?.textContent).toContain('Content requested');
    // The form closed; it can be opened again.
    expect(root.querySelector('form[aria-label="Request content"]')).toBeNull();
    button('Request content');
  });

  it('requests content about no particular lead, with what the rep typed', async () => {
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('ann@acme.io'), 'the leads');
    await act(() => button('Request content').click());
    await type(field<HTMLInputElement>('Product'), ' Planning ');
    await choose(field<HTMLSelectElement>('Format'), 'comparison');
    sent = [];
    await act(() => button('Send request').click());
    await waitFor(() => text().includes('Request sent'), 'the confirmation');
    expect(sent[0]).toEqual({
      type: 'feedback',
      input: { id: expect.any(String), type: 'content_request', value: 'requested', leadEmail: null, product: 'Planning', format: 'comparison', note: null },
    });
    expect(await db.feedback.toArray()).toMatchObject([{ leadEmail: null, product: 'Planning', format: 'comparison', site: 'popup' }]);
  });

  it('sends a request whose answer was lost again with the same event id: it is stored once', async () => {
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('ann@acme.io'), 'the leads');
    await act(() => button('Request content').click());
    await type(field<HTMLInputElement>('Product'), 'Planning');
    lostReplies = 1;
    sent = [];
    await act(() => button('Send request').click());
    await waitFor(() => text().includes('Not saved'), 'the failure');
    expect(await db.feedback.count()).toBe(1);
    await act(() => button('Send request').click());
    await waitFor(() => text().includes('Request sent'), 'the confirmation');
    const ids = sent.filter((m) => (m as { type: string }).type === 'feedback').map((m) => (m as { input: { id: string } }).input.id);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(await db.feedback.toArray()).toMatchObject([{ id: ids[0], product: 'Planning', site: 'popup' }]);
    // Sent: another request is another event.
    await act(() => button('Request content').click());
    await type(field<HTMLInputElement>('Product'), 'Planning');
    await act(() => button('Send request').click());
    await waitFor(() => text().includes('Request sent'), 'the second confirmation');
    expect(await db.feedback.count()).toBe(2);
  });

  it('keeps a product the rep typed when the lead changes, and prefills one lead when only one is in view', async () => {
    contentScript = async () => report({ leads: [{ email: 'raj.patel@globex.com', name: 'Raj Patel', firstCampaign: 'CFO guide ebook', answers: {} }] });
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('raj.patel@globex.com'), 'the lead');
    await act(() => button('Request content').click());
    expect(field<HTMLSelectElement>('Lead').value).toBe('raj.patel@globex.com');
    await waitFor(() => field<HTMLInputElement>('Product').value === 'Planning', 'the product of its campaign');
    await type(field<HTMLInputElement>('Product'), 'Forecasting Pro');
    await choose(field<HTMLSelectElement>('Lead'), '');
    await flush();
    expect(field<HTMLInputElement>('Product').value).toBe('Forecasting Pro');
  });

  it("files a request under the campaign that brought the lead's content, and keeps a product typed before the lead's details arrived", async () => {
    // A later touch from another campaign, with no content.
    await db.campaigns.put({ id: 'cmp-event', name: 'Field event', channel: 'Event', product: 'Planning' });
    await db.touches.put({ id: 't3', email: 'ann@acme.io', campaignId: 'cmp-event', at: '2026-10-01T10:00:00Z', kind: 'latest' });
    let release!: () => void;
    cardGate = new Promise((r) => (release = r));
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('ann@acme.io'), 'the leads');
    await act(() => button('Request content').click());
    await choose(field<HTMLSelectElement>('Lead'), 'ann@acme.io');
    await type(field<HTMLInputElement>('Product'), 'Forecasting Pro');
    release();
    await waitFor(() => sent.some((m) => (m as { type?: string }).type === 'card'), 'the card asked for');
    await flush();
    expect(field<HTMLInputElement>('Product').value).toBe('Forecasting Pro');
    sent = [];
    await act(() => button('Send request').click());
    await waitFor(() => text().includes('Request sent'), 'the confirmation');
    expect((sent[0] as { input: unknown }).input).toMatchObject({ product: 'Forecasting Pro', campaignId: 'cmp-q3-webinar', contentId: 'ast-roi-calc' });
  });

  it('requests content from a page where Unison does not run', async () => {
    contentScript = async () => {
      throw new Error('no receiver');
    };
    await openPopup(await gmailTab('https://example.com/'));
    await waitFor(() => text().includes('does not run'), 'the off state');
    await act(() => button('Request content').click());
    expect([...field<HTMLSelectElement>('Lead').options].map((o) => o.textContent)).toEqual(['No particular lead']);
    await act(() => button('Send request').click());
    await waitFor(() => text().includes('Request sent'), 'the confirmation');
    expect(await db.feedback.count()).toBe(1);
  });

  it('says so when the request is not saved', async () => {
    await openPopup(await gmailTab());
    await waitFor(() => !!leadItem('ann@acme.io'), 'the leads');
    await act(() => button('Request content').click());
    // A product longer than the contract allows is refused by the background.
    const product = field<HTMLInputElement>('Product');
    product.removeAttribute('maxlength');
    await type(product, 'p'.repeat(201));
    await act(() => button('Send request').click());
    await waitFor(() => !!root.querySelector('[role="alert"]'), 'the error');
    expect(await db.feedback.count()).toBe(0);
    expect(root.querySelector('form[aria-label="Request content"]')).not.toBeNull();
  });
});

describe('popup helpers', () => {
  it('names every format', () => {
    expect(Object.keys(FORMAT_LABELS)).toEqual([...REQUEST_FORMATS]);
  });

  it('says answers as the card buttons do', () => {
    const a = { id: 'x', note: null, contentId: null, createdAt: '', synced: false, reason: null };
    expect(answerLabels({})).toEqual([]);
    expect(
      answerLabels({
        lead_quality: { ...a, value: 'good' },
        content_relevance: { ...a, value: 'not_relevant' },
        info_sufficiency: { ...a, value: 'sufficient' },
        content_request: { ...a, value: 'requested' },
      }),
    ).toEqual(['Good lead', 'Content not relevant', 'Info sufficient', 'Content requested']);
    expect(answerLabels({ lead_quality: { ...a, value: 'poor_fit', reason: 'wrong_persona' } })).toEqual(['Poor fit: Wrong persona']);
  });

  it('reads a report defensively', () => {
    expect(asSpottedReport(null)).toBeNull();
    expect(asSpottedReport({ site: 'gmail', leads: [{ email: 'Ann@Acme.io' }, { name: 'no address' }, null], scanned: -1 })).toEqual({
      site: 'gmail',
      leads: [{ email: 'ann@acme.io', name: null, firstCampaign: null, answers: {} }],
      scanned: 1,
      capped: false,
    });
  });
});
