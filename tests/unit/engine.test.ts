/**
 * The overlay engine on a live (happy-dom) document with the real generic adapter and a real
 * store behind the lookup: badges for known leads only, one per visible mention, following
 * mutations, batched lookups, and the cap for huge pages.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EAGER_BADGES, OverlayEngine, SYNC_BATCH_NODES, afterFrame, type BadgeHandle } from '@/components/overlay/engine';
import { openDb, type UnisonDB } from '@/utils/db';
import { Digest, buildDigest } from '@/utils/digest';
import { lookupLeads } from '@/utils/leads';
import { generic } from '@/utils/sites/generic';
import { gmail } from '@/utils/sites/gmail';
import { hubspot } from '@/utils/sites/hubspot';
import { salesforce } from '@/utils/sites/salesforce';
import type { Mention, SiteAdapter } from '@/utils/sites/types';

let db: UnisonDB;
let n = 0;
let engine: OverlayEngine | null = null;

beforeEach(async () => {
  db = openDb(`engine-${++n}`);
  await db.open();
  const now = new Date().toISOString();
  await db.leads.bulkPut([
    { email: 'ann@acme.io', name: 'Ann Lee', firstCampaign: 'Q3 ROI webinar', updatedAt: now },
    { email: 'raj.patel@globex.com', name: 'Raj Patel', updatedAt: now },
    { email: 'sam@seller.example', name: 'Sam Ortiz', updatedAt: now },
  ]);
  document.body.replaceChildren();
});
afterEach(() => {
  engine?.stop();
  engine = null;
});

function makeEngine(
  opts: {
    /** The generic adapter unless given. */
    adapter?: SiteAdapter;
    limit?: number;
    addressLimit?: number;
    whenNear?: (el: Element, onNear: () => void) => () => void;
    digest?: { has(email: string): boolean } | null;
    /** The digest as the engine asks for it each time (a new object: new campaign data). */
    digestOf?: () => { has(email: string): boolean } | null;
    yieldToPage?: () => Promise<void>;
    offscreen?: (el: Element) => -1 | 0 | 1;
    onViewport?: (check: () => void) => () => void;
    schedule?: (fn: () => void) => void;
    /** More of the rep's own addresses, read each time the engine asks. */
    own?: () => string[];
  } = {},
) {
  const lookup = vi.fn((emails: string[]) => lookupLeads(db, emails));
  const created: Mention[] = [];
  const pending: boolean[] = [];
  engine = new OverlayEngine({
    adapter: opts.adapter ?? generic,
    doc: document,
    lookup,
    ownEmails: () => new Set(['sam@seller.example', ...(opts.own?.() ?? [])]),
    isOwnNode: (node) => {
      const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
      return !!el?.closest('unison-badge');
    },
    createBadge: (m, lead, isPending): BadgeHandle => {
      created.push(m);
      pending.push(!!isPending);
      const host = document.createElement('unison-badge');
      host.attachShadow({ mode: 'open' });
      host.setAttribute('data-unison-email', lead.email);
      if (isPending) host.setAttribute('data-unison-pending', '');
      m.anchor.parentNode!.insertBefore(host, m.anchor.nextSibling);
      return { host, remove: () => host.remove(), confirm: (l) => {
          host.setAttribute('data-name', l.name ?? '');
          host.removeAttribute('data-unison-pending');
        },
      };
    },
    schedule: opts.schedule ?? ((fn) => setTimeout(fn, 0)),
    yieldToPage: opts.yieldToPage ?? (() => Promise.resolve()),
    limit: opts.limit,
    addressLimit: opts.addressLimit,
    whenNear: opts.whenNear,
    offscreen: opts.offscreen,
    onViewport: opts.onViewport,
    digest: opts.digestOf ?? (opts.digest === undefined ? undefined : () => opts.digest ?? null),
  });
  return { engine, lookup, created, pending };
}

const badges = () => [...document.querySelectorAll('unison-badge')].map((b) => b.getAttribute('data-unison-email'));

describe('the engine\'s schedule (after the page\'s next frame, in idle time)', () => {
  it('does not wait for a frame in a hidden tab, which draws none', async () => {
    const raf = vi.spyOn(globalThis, 'requestAnimationFrame').mockImplementation(() => 0);
    const hidden = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden');
    try {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      const ran = vi.fn();
      afterFrame(ran);
      await vi.waitFor(() => expect(ran).toHaveBeenCalledTimes(1));
      expect(raf).not.toHaveBeenCalled();
      // Shown: the frame first (none comes here, so nothing runs).
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      const later = vi.fn();
      afterFrame(later);
      await new Promise((r) => setTimeout(r, 40));
      expect(raf).toHaveBeenCalledTimes(1);
      expect(later).not.toHaveBeenCalled();
    } finally {
      delete (document as { hidden?: boolean }).hidden;
      if (hidden) expect(Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')).toEqual(hidden);
      raf.mockRestore();
    }
  });
});

describe('overlay engine', () => {
  it('badges each visible mention of a known lead, never unknown contacts or the rep', async () => {
    document.body.innerHTML = `
      <p><a href="mailto:ann@acme.io">Ann Lee</a> and <a href="mailto:bob@unknown.org">Bob</a></p>
      <p><a href="mailto:sam@seller.example">me</a></p>
      <div hidden><a href="mailto:raj.patel@globex.com">Raj (hidden)</a></div>
      <p><a href="mailto:RAJ.PATEL@GLOBEX.COM?subject=hi">Raj Patel</a></p>`;
    const { engine: e, lookup } = makeEngine();
    await e.start();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(e.spottedLeads().map((l) => l.email).sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
  });

  it('badges two known addresses in one text node', async () => {
    document.body.innerHTML = `<p>Call ann@acme.io or raj.patel@globex.com, not bob@unknown.org.</p>`;
    const { engine: e } = makeEngine();
    await e.start();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(e.badgeCount()).toBe(2);
    document.querySelector('p')!.remove();
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(e.badgeCount()).toBe(0);
  });

  it('follows added and removed nodes with one lookup per batch and a cache', async () => {
    document.body.innerHTML = `<ul id="list"><li><a href="mailto:ann@acme.io">Ann</a></li></ul>`;
    const { engine: e, lookup } = makeEngine();
    await e.start();
    const list = document.getElementById('list')!;
    for (let i = 0; i < 3; i++) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = i === 0 ? 'mailto:raj.patel@globex.com' : `mailto:someone${i}@unknown.org`;
      a.textContent = 'x';
      li.append(a);
      list.append(li);
    }
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(lookup.mock.calls[1][0].sort()).toEqual(['raj.patel@globex.com', 'someone1@unknown.org', 'someone2@unknown.org']);

    // The same contact again: no new lookup, a second badge for the second mention.
    const li = document.createElement('li');
    li.innerHTML = '<a href="mailto:ann@acme.io">Ann again</a>';
    list.append(li);
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(badges().filter((b) => b === 'ann@acme.io')).toHaveLength(2);

    // Contacts leaving the page take their badges with them.
    list.firstElementChild!.remove();
    li.remove();
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['raj.patel@globex.com']);
  });

  it('after new campaign data or settings, asks again about the leads it badged: gone leads and the rep lose their badges, the rest show the new details', async () => {
    document.body.innerHTML = `<p><a href="mailto:ann@acme.io">Ann</a></p><p><a href="mailto:raj.patel@globex.com">Raj</a></p>
      <p><a href="mailto:li.wei@umbrella.co">Li</a></p>`;
    await db.leads.put({ email: 'li.wei@umbrella.co', name: 'Li Wei', updatedAt: new Date().toISOString() });
    let own: string[] = [];
    const { engine: e, lookup } = makeEngine({ own: () => own });
    await e.start();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'li.wei@umbrella.co', 'raj.patel@globex.com']);
    // Raj is no longer in the data, Ann has a new name, and Li is now the rep (saved under You).
    await db.leads.delete('raj.patel@globex.com');
    await db.leads.update('ann@acme.io', { name: 'Ann Smith' });
    own = ['li.wei@umbrella.co'];
    const calls = lookup.mock.calls.length;
    await e.refreshData();
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
    expect(document.querySelector('unison-badge')!.getAttribute('data-name')).toBe('Ann Smith');
    expect(lookup.mock.calls.slice(calls).flatMap((c) => c[0]).sort()).toEqual(['ann@acme.io', 'li.wei@umbrella.co', 'raj.patel@globex.com']);
    // The lead badged is known to the page again: listed, and its answers can be updated.
    expect(e.spottedLeads().map((l) => [l.email, l.name])).toEqual([['ann@acme.io', 'Ann Smith']]);
    expect(e.updateLead('ann@acme.io', { answers: {} })).not.toBeNull();
  });

  it('looks again at a field whose value the rep edited (recheck): the badge follows the value, not the value attribute', async () => {
    document.body.innerHTML = `<form><input type="email" id="a" value="ann@acme.io"><input type="email" id="b" value=""></form>`;
    const { engine: e } = makeEngine();
    await e.start();
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
    const a = document.getElementById('a') as HTMLInputElement;
    const b = document.getElementById('b') as HTMLInputElement;
    a.value = 'raj.patel@globex.com';
    b.value = 'ann@acme.io';
    // No mutation says so: only the change events, which the content script passes on.
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
    e.recheck(a);
    e.recheck(b);
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['raj.patel@globex.com', 'ann@acme.io']);
    expect(a.nextElementSibling!.getAttribute('data-unison-email')).toBe('raj.patel@globex.com');
    expect(a.getAttribute('value')).toBe('ann@acme.io');
    // Emptied: its badge goes.
    a.value = '';
    e.recheck(a);
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
  });

  it('after new data, leaves the page as it was when the background cannot answer', async () => {
    document.body.innerHTML = `<p><a href="mailto:ann@acme.io">Ann</a></p><p><a href="mailto:raj.patel@globex.com">Raj</a></p>`;
    const { engine: e, lookup } = makeEngine();
    await e.start();
    await e.idle();
    await db.leads.delete('raj.patel@globex.com');
    lookup.mockResolvedValueOnce(null as never);
    await e.refreshData();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(e.spottedLeads().map((l) => l.email).sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    // The next change of data, answered, applies.
    await e.refreshData();
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
  });

  it('does not take a lookup that failed for "not a lead": a later pass asks again', async () => {
    document.body.innerHTML = `<ul id="list"><li><a href="mailto:ann@acme.io">Ann</a></li></ul>`;
    const { engine: e, lookup } = makeEngine();
    lookup.mockResolvedValueOnce(null as never);
    await e.start();
    await e.idle();
    expect(badges()).toEqual([]);
    expect(e.known.has('ann@acme.io')).toBe(false);
    const li = document.createElement('li');
    li.innerHTML = '<a href="mailto:ann@acme.io">Ann again</a>';
    document.getElementById('list')!.append(li);
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('removes a badge when its mention is hidden and adds it back when shown', async () => {
    document.body.innerHTML = `<section id="view"><a href="mailto:ann@acme.io">Ann</a></section>`;
    const { engine: e } = makeEngine();
    await e.start();
    expect(badges()).toEqual(['ann@acme.io']);
    const view = document.getElementById('view')!;
    view.setAttribute('hidden', '');
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual([]);
    view.removeAttribute('hidden');
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
  });

  it('moves the badge when the page reuses an element for someone else, and drops it when text loses its address', async () => {
    document.body.innerHTML = `
      <p><a id="link" href="mailto:ann@acme.io">Contact</a></p>
      <p><span id="who" title="Ann Lee <ann@acme.io>">A. Lee</span></p>
      <p id="note">Email: raj.patel@globex.com</p>
      <p><a id="wrap" href="/people/1"><span title="ann@acme.io">A.</span></a></p>`;
    const { engine: e } = makeEngine();
    await e.start();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'ann@acme.io', 'ann@acme.io', 'raj.patel@globex.com']);
    // A link holding a labelled span keeps its badge when only the link's class changes.
    const wrapped = document.querySelector('#wrap + unison-badge');
    document.getElementById('wrap')!.setAttribute('class', 'hover');
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(document.querySelector('#wrap + unison-badge')).toBe(wrapped);
    document.getElementById('wrap')!.remove();
    const settle = async () => {
      await new Promise((r) => setTimeout(r, 10));
      await e.idle();
    };
    // A virtual list reuses the link and the labelled span for another contact.
    document.getElementById('link')!.setAttribute('href', 'mailto:raj.patel@globex.com');
    document.getElementById('who')!.setAttribute('title', 'Raj Patel <raj.patel@globex.com>');
    await settle();
    expect(badges().sort()).toEqual(['raj.patel@globex.com', 'raj.patel@globex.com', 'raj.patel@globex.com']);
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['raj.patel@globex.com']);
    // The text is edited in place: no address any more.
    (document.getElementById('note')!.firstChild as Text).data = 'Email: (removed)';
    await settle();
    expect(badges().sort()).toEqual(['raj.patel@globex.com', 'raj.patel@globex.com']);
    // An attribute that changes nothing of the address keeps the badge as it is.
    const kept = document.querySelector('#link + unison-badge');
    document.getElementById('link')!.setAttribute('class', 'hover');
    document.getElementById('link')!.setAttribute('title', 'Write to Raj');
    await settle();
    expect(document.querySelector('#link + unison-badge')).toBe(kept);
  });

  it('puts a badge back when the page re-renders it away but keeps the mention', async () => {
    document.body.innerHTML = `<p id="p"><a href="mailto:ann@acme.io">Ann</a></p>`;
    const { engine: e } = makeEngine();
    await e.start();
    document.querySelector('unison-badge')!.remove();
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
  });

  it('removes empty copies of badges when the page clones a row, and badges the copy', async () => {
    document.body.innerHTML = `<table><tbody id="rows"><tr><td><a href="mailto:ann@acme.io">Ann</a></td></tr></tbody></table>`;
    const { engine: e } = makeEngine();
    await e.start();
    expect(badges()).toEqual(['ann@acme.io']);
    const rows = document.getElementById('rows')!;
    rows.append(rows.firstElementChild!.cloneNode(true));
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io', 'ann@acme.io']);
    expect([...document.querySelectorAll('unison-badge')].every((b) => b.shadowRoot)).toBe(true);
  });

  // With the lead digest (the usual case), small batches are handled in the observer's callback; without it, in idle time.
  for (const digest of [null, { has: () => true }]) {
    const how = digest ? 'handled at once' : 'handled in idle time';
    const settleOf = (e: OverlayEngine) => async () => {
      await new Promise((r) => setTimeout(r, 10));
      await e.idle();
    };

    it(`moves the badge when the page rewrites the text or the content of a mention for someone else (${how})`, async () => {
      document.body.innerHTML = `<p id="note">Contact: ann@acme.io</p><p>Owner: <a id="owner" href="/u/1"><span>ann@acme.io</span></a></p>`;
      const { engine: e } = makeEngine({ digest });
      const settle = settleOf(e);
      await e.start();
      await settle();
      expect(badges()).toEqual(['ann@acme.io', 'ann@acme.io']);
      (document.getElementById('note')!.firstChild as Text).data = 'Contact: raj.patel@globex.com';
      await settle();
      expect(badges()).toEqual(['raj.patel@globex.com', 'ann@acme.io']);
      // A link whose content the page replaced (its badge is put after the link).
      document.getElementById('owner')!.replaceChildren(Object.assign(document.createElement('span'), { textContent: 'raj.patel@globex.com' }));
      await settle();
      expect(badges()).toEqual(['raj.patel@globex.com', 'raj.patel@globex.com']);
      document.getElementById('owner')!.replaceChildren(Object.assign(document.createElement('span'), { textContent: 'bob@unknown.org' }));
      await settle();
      expect(badges()).toEqual(['raj.patel@globex.com']);
    });

    it(`takes the badge away when a reused Gmail row names someone whose address holds the lead's (${how})`, async () => {
      document.body.innerHTML = `<div role="main"><table><tbody><tr class="zA yO" role="row"><td class="yX xY"><div class="yW"><span class="bA4"><span class="yP" email="ann@acme.io" name="Ann Lee" data-hovercard-id="ann@acme.io">Ann Lee</span></span></div></td></tr></tbody></table></div>`;
      const { engine: e } = makeEngine({ adapter: gmail, digest });
      const settle = settleOf(e);
      await e.start();
      await settle();
      expect(badges()).toEqual(['ann@acme.io']);
      const span = document.querySelector('span.yP')!;
      for (const [k, v] of [['email', 'joann@acme.io'], ['data-hovercard-id', 'joann@acme.io'], ['name', 'Jo Ann']]) span.setAttribute(k, v);
      span.textContent = 'Jo Ann';
      await settle();
      expect(badges()).toEqual([]);
    });
  }

  it('puts no badge on an avatar that links to the address, but on the name or address beside it; an icon link alone has one', async () => {
    document.body.innerHTML = `<table><tr><td><a href="mailto:ann@acme.io"><img alt="" src="a.png" width="16" height="16"></a></td><td><a id="ann" href="mailto:ann@acme.io">ann@acme.io</a></td></tr></table>
      <div><a href="mailto:raj.patel@globex.com"><img alt="Raj Patel" src="r.png"></a> <a id="raj" href="mailto:raj.patel@globex.com">Raj Patel</a></div>
      <table><tr><td><a href="/contacts/7">Raj Patel</a></td><td><a id="icon" href="mailto:raj.patel@globex.com" aria-label="Email Raj Patel"><svg width="12" height="12"></svg></a></td></tr></table>`;
    const { engine: e } = makeEngine();
    await e.start();
    await e.idle();
    expect([...document.querySelectorAll('unison-badge')].map((b) => b.previousElementSibling?.id)).toEqual(['ann', 'raj', 'icon']);
  });

  for (const digest of [null, { has: () => true }]) {
    it(`keeps a badge whose mention shows its name and address in two elements when the page restyles it or takes out an icon (${digest ? 'handled at once' : 'handled in idle time'})`, async () => {
      document.body.innerHTML = `<p><a id="who" href="/contacts/5"><i class="icon"></i><span>Ann Lee</span><span>ann@acme.io</span></a></p>
        <p><a id="mail" href="mailto:%3Cann%40acme.io%3E">Write to Ann</a></p>`;
      const { engine: e } = makeEngine({ digest });
      await e.start();
      await e.idle();
      const before = [...document.querySelectorAll('unison-badge')];
      expect(before.map((b) => b.previousElementSibling?.id)).toEqual(['who', 'mail']);
      const settle = async () => {
        await new Promise((r) => setTimeout(r, 10));
        await e.idle();
      };
      document.getElementById('who')!.setAttribute('class', 'hover');
      document.getElementById('mail')!.setAttribute('class', 'hover');
      await settle();
      document.querySelector('#who i')!.remove();
      await settle();
      expect([...document.querySelectorAll('unison-badge')]).toEqual(before);
    });
  }

  it('takes a badge away when the text under its anchor is rewritten for someone else (a list re-sorted in place)', async () => {
    // HubSpot anchors a list cell's badge above the text: the cell's child around the truncating spans.
    const cell = (email: string) => `<td><span class="private-truncated-string__inner"><span>${email}</span></span></td>`;
    document.body.innerHTML = `<table><tbody>
      <tr data-test-id="row-0"><td><a href="/contacts/1/record/0-1/1">Ann Lee</a></td>${cell('ann@acme.io')}</tr>
      <tr data-test-id="row-1"><td><a href="/contacts/1/record/0-1/2">Bob</a></td>${cell('bob@unknown.org')}</tr>
    </tbody></table>`;
    const { engine: e } = makeEngine({ adapter: hubspot });
    await e.start();
    await e.idle();
    const rowBadges = () => [...document.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('unison-badge')].map((b) => b.getAttribute('data-unison-email')));
    expect(rowBadges()).toEqual([['ann@acme.io'], []]);
    // The rows keep their elements; only the text nodes change.
    const [a, b] = [...document.querySelectorAll('td:nth-child(2) span span')].map((el) => el.firstChild as Text);
    a.data = 'bob@unknown.org';
    b.data = 'ann@acme.io';
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(rowBadges()).toEqual([[], ['ann@acme.io']]);
  });

  it('takes away the badges inside the shadow roots of a view the page hides (a Lightning view switch)', async () => {
    document.body.innerHTML = `<div class="lafSinglePaneWindowManager">
      <div class="windowViewMode-normal oneContent active" id="lead"><c-referrals></c-referrals></div>
      <div class="windowViewMode-normal oneContent" id="other"></div></div>
      <style>.windowViewMode-normal { display: none } .windowViewMode-normal.active { display: block }</style>`;
    document.querySelector('c-referrals')!.attachShadow({ mode: 'open' }).innerHTML = `<p><a href="mailto:raj.patel@globex.com">Raj Patel</a></p>`;
    const { engine: e } = makeEngine({ adapter: salesforce });
    await e.start();
    await e.idle();
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['raj.patel@globex.com']);
    document.getElementById('lead')!.classList.remove('active');
    document.getElementById('other')!.classList.add('active');
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(e.spottedLeads()).toEqual([]);
    expect(document.querySelector('c-referrals')!.shadowRoot!.querySelectorAll('unison-badge')).toHaveLength(0);
  });

  it('keeps the badge of a mention whose address is written beside its anchor when the page restyles it', async () => {
    // A HubSpot contact card (badge after the name link, address in the card) and an older Gmail
    // compose chip (badge after the name, address in the chip's hidden input).
    document.body.innerHTML = `<section data-test-id="association-card-contacts">
        <div data-selenium-test="contact-chicklet"><div><a data-selenium-test="contact-chicklet-title-link" href="/contacts/1/record/0-1/2">Raj Patel</a></div>
        <div><span>raj.patel@globex.com</span></div></div></section>
      <div class="aoD"><div class="vR"><span class="vN"><div class="vT">Ann Lee</div></span><input type="hidden" name="to" value="Ann Lee &lt;ann@acme.io&gt;"></div></div>`;
    for (const [adapter, email, restyled] of [
      [hubspot, 'raj.patel@globex.com', 'section'],
      [gmail, 'ann@acme.io', '.aoD'],
    ] as const) {
      const { engine: e } = makeEngine({ adapter });
      await e.start();
      await e.idle();
      const badge = document.querySelector(`unison-badge[data-unison-email="${email}"]`);
      expect(badge, email).not.toBeNull();
      document.querySelector(restyled)!.setAttribute('class', 'hover');
      await new Promise((r) => setTimeout(r, 10));
      await e.idle();
      // The same element: an open card by it stays open.
      expect(document.querySelector(`unison-badge[data-unison-email="${email}"]`), email).toBe(badge);
      e.stop();
      document.querySelectorAll('unison-badge').forEach((b) => b.remove());
    }
  });

  it('badges a HubSpot contact card whose address is drawn after its name', async () => {
    document.body.innerHTML = `<section data-test-id="association-card-contacts"><div data-selenium-test="contact-chicklet">
      <div><a data-selenium-test="contact-chicklet-title-link" href="/contacts/1/record/0-1/2">Raj Patel</a></div><div class="addr"></div></div></section>`;
    const { engine: e } = makeEngine({ adapter: hubspot });
    await e.start();
    await e.idle();
    expect(badges()).toEqual([]);
    const span = document.createElement('span');
    span.textContent = 'raj.patel@globex.com';
    document.querySelector('.addr')!.append(span);
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['raj.patel@globex.com']);
    // After the name link, as a full scan puts it.
    expect(document.querySelector('[data-selenium-test="contact-chicklet-title-link"] + unison-badge')).not.toBeNull();
  });

  it('reads a Salesforce email field again when its value changes inside its own shadow root', async () => {
    document.body.innerHTML = `<records-record-layout-item><lightning-formatted-email></lightning-formatted-email></records-record-layout-item>`;
    const field = document.querySelector('lightning-formatted-email')!.attachShadow({ mode: 'open' });
    field.innerHTML = '<span>ann@acme.io</span>';
    const { engine: e } = makeEngine({ adapter: salesforce });
    await e.start();
    await e.idle();
    expect(field.querySelectorAll('unison-badge')).toHaveLength(1);
    // Saved in place: the text node now holds another lead's address.
    (field.querySelector('span')!.firstChild as Text).data = 'raj.patel@globex.com';
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect([...field.querySelectorAll('unison-badge')].map((b) => b.getAttribute('data-unison-email'))).toEqual(['raj.patel@globex.com']);
  });

  it('caps the work on a page with a huge number of addresses and says so', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `<li><a href="mailto:person${i}@unknown.org">p</a></li>`).join('');
    document.body.innerHTML = `<ul>${rows}<li><a href="mailto:ann@acme.io">Ann</a></li></ul>`;
    const { engine: e } = makeEngine({ limit: 100 });
    await e.start();
    await e.idle();
    expect(e.capped).toBe(true);
    expect(badges()).toEqual([]);
    // The cap is per pass: rows added later still get their badges.
    const li = document.createElement('li');
    li.innerHTML = '<a href="mailto:raj.patel@globex.com">Raj</a>';
    document.querySelector('ul')!.append(li);
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['raj.patel@globex.com']);
    // The page moves on to a view of its usual size (an in-page navigation): no longer capped.
    document.querySelector('ul')!.replaceChildren(li);
    await e.rescan();
    await e.idle();
    expect(e.capped).toBe(false);
    expect(e.scanned).toBe(1);
  });

  it('caps a page of addresses none of which is a lead too, and says so', async () => {
    // Every address surely no lead by the digest: none is a mention, each is still read.
    const rows = Array.from({ length: 300 }, (_, i) => `<li><a href="mailto:person${i}@unknown.org">p</a></li>`).join('');
    document.body.innerHTML = `<ul>${rows}<li><a href="mailto:ann@acme.io">Ann</a></li></ul>`;
    const digest = { has: (email: string) => email === 'ann@acme.io' };
    const { engine: e, lookup } = makeEngine({ digest, addressLimit: 120 });
    await e.start();
    await e.idle();
    expect(e.capped).toBe(true);
    expect(e.scanned).toBe(120);
    // Ann comes after the cap: not read, not asked about.
    expect(badges()).toEqual([]);
    expect(lookup).not.toHaveBeenCalled();
    // Under the cap nothing changes: every address is read and Ann gets her badge.
    e.stop();
    const { engine: all } = makeEngine({ digest, addressLimit: 400 });
    await all.start();
    await all.idle();
    expect(all.capped).toBe(false);
    expect(all.scanned).toBe(301);
    expect(badges()).toEqual(['ann@acme.io']);
  });

  it('follows changes inside the open shadow roots a scan went into, nested ones and those added later too', async () => {
    document.body.innerHTML = `<crm-card></crm-card>`;
    const card = document.querySelector('crm-card')!.attachShadow({ mode: 'open' });
    card.innerHTML = `<p>Owner: nobody yet</p>`;
    const { engine: e } = makeEngine();
    const inside = (root: ShadowRoot) => [...root.querySelectorAll('unison-badge')].map((b) => b.getAttribute('data-unison-email'));
    const settled = async () => {
      await new Promise((r) => setTimeout(r, 10));
      await e.idle();
    };
    await e.start();
    await e.idle();
    expect(inside(card)).toEqual([]);

    // The component draws its data later, inside its shadow root: a document observer alone sees nothing of it.
    const owner = document.createElement('p');
    owner.innerHTML = '<a href="mailto:ann@acme.io">Ann Lee</a>';
    card.append(owner);
    await settled();
    expect(inside(card)).toEqual(['ann@acme.io']);
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['ann@acme.io']);

    // A component with a shadow root of its own arrives: the scan of it goes in, and follows it from then on.
    const inner = document.createElement('crm-referral');
    const referral = inner.attachShadow({ mode: 'open' });
    referral.innerHTML = '<span>Referred by <a href="mailto:raj.patel@globex.com">Raj</a></span>';
    card.append(inner);
    await settled();
    expect(inside(referral)).toEqual(['raj.patel@globex.com']);
    referral.querySelector('span')!.remove();
    referral.innerHTML = '<span>No referral</span>';
    await settled();
    expect(inside(referral)).toEqual([]);

    // What leaves the shadow root takes its badge with it.
    owner.remove();
    await settled();
    expect(inside(card)).toEqual([]);
    expect(e.spottedLeads()).toEqual([]);
  });

  it('reads a HubSpot email property that the app fills in after drawing it', async () => {
    document.body.innerHTML = `
      <h1 data-selenium-test="highlightTitle">Ann Lee</h1>
      <div data-selenium-test="property-input-email"><span class="private-truncated-string"></span></div>`;
    const { engine: e } = makeEngine({ adapter: hubspot });
    await e.start();
    await e.idle();
    expect(badges()).toEqual([]);
    const holder = document.querySelector('.private-truncated-string')!;
    holder.innerHTML = '<span class="private-truncated-string__inner"><span>ann@acme.io</span></span>';
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
    expect(e.spottedLeads().map((l) => [l.email, l.name])).toEqual([['ann@acme.io', 'Ann Lee']]);
  });

  it('follows a tab switch that only changes the tabs (aria-selected): the panel shown is badged, the one hidden loses its badges', async () => {
    // HubSpot: a panel is hidden when its tab is not selected; the panels themselves do not change.
    document.body.innerHTML = `
      <div role="tablist">
        <button role="tab" id="tab-about" aria-controls="panel-about" aria-selected="true">About</button>
        <button role="tab" id="tab-activity" aria-controls="panel-activity panel-notes" aria-selected="false">Activities</button>
      </div>
      <div role="tabpanel" id="panel-about"><table><tr data-test-id="row-1"><td><span>ann@acme.io</span></td></tr></table></div>
      <div role="tabpanel" id="panel-activity"><table><tr data-test-id="row-2"><td><span>raj.patel@globex.com</span></td></tr></table></div>
      <div role="tabpanel" id="panel-notes"><table><tr data-test-id="row-3"><td><span>raj.patel@globex.com</span></td></tr></table></div>`;
    const { engine: e } = makeEngine({ adapter: hubspot });
    await e.start();
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io']);
    const select = async (id: string) => {
      for (const tab of document.querySelectorAll('[role="tab"]')) tab.setAttribute('aria-selected', String(tab.id === id));
      await new Promise((r) => setTimeout(r, 10));
      await e.idle();
    };
    // That tab controls two panels (`aria-controls` lists both).
    await select('tab-activity');
    expect(badges()).toEqual(['raj.patel@globex.com', 'raj.patel@globex.com']);
    await select('tab-about');
    expect(badges()).toEqual(['ann@acme.io']);
  });

  it('stops cleanly, removing every badge', async () => {
    document.body.innerHTML = `<a href="mailto:ann@acme.io">Ann</a>`;
    const { engine: e } = makeEngine();
    await e.start();
    e.stop();
    expect(badges()).toEqual([]);
  });
});

describe('overlay engine: badges near the viewport, and the lead digest', () => {
  const rows = (n: number, email = 'ann@acme.io') =>
    Array.from({ length: n }, (_, i) => `<p id="r${i}"><a href="mailto:${email}">Ann ${i}</a></p>`).join('');

  it(`creates the badges of a pass with more than ${EAGER_BADGES} mentions only as each comes near the viewport`, async () => {
    document.body.innerHTML = rows(EAGER_BADGES + 10);
    const watched = new Map<Element, () => void>();
    const stopped: Element[] = [];
    const { engine: e } = makeEngine({
      whenNear: (el, onNear) => {
        watched.set(el, onNear);
        return () => stopped.push(el);
      },
    });
    await e.start();
    await e.idle();
    expect(badges()).toEqual([]);
    expect(watched.size).toBe(EAGER_BADGES + 10);
    // Every mention counts as spotted already (the popup lists the lead).
    expect(e.badgeCount()).toBe(EAGER_BADGES + 10);
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['ann@acme.io']);
    // Two rows come near: their badges, right after their links.
    for (const id of ['r3', 'r40']) watched.get(document.querySelector(`#${id} a`)!)!();
    expect(badges()).toEqual(['ann@acme.io', 'ann@acme.io']);
    expect(document.querySelector('#r3 a')!.nextElementSibling!.tagName).toBe('UNISON-BADGE');
    // A row the page removes stops being watched and never gets a badge.
    const gone = document.querySelector('#r7 a')!;
    document.querySelector('#r7')!.remove();
    await new Promise((r) => setTimeout(r, 5));
    await e.idle();
    expect(stopped).toContain(gone);
    expect(e.badgeCount()).toBe(EAGER_BADGES + 9);
  });

  it(`creates the badges of a pass with at most ${EAGER_BADGES} mentions at once`, async () => {
    document.body.innerHTML = rows(EAGER_BADGES);
    const whenNear = vi.fn(() => () => undefined);
    const { engine: e } = makeEngine({ whenNear });
    await e.start();
    await e.idle();
    expect(badges()).toHaveLength(EAGER_BADGES);
    expect(whenNear).not.toHaveBeenCalled();
  });

  it('skips addresses the digest rules out: no visibility check, no lookup', async () => {
    document.body.innerHTML = `<p><a href="mailto:ann@acme.io">Ann</a> <a href="mailto:bob@unknown.org">Bob</a> <a href="mailto:raj.patel@globex.com">Raj</a></p>`;
    const digest = { has: vi.fn((email: string) => email !== 'bob@unknown.org') };
    const { engine: e, lookup } = makeEngine({ digest });
    await e.start();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(lookup.mock.calls.flat(2)).not.toContain('bob@unknown.org');
    expect(e.scanned).toBe(3);
  });

  it('works out the digest\'s answer once per address, however often the page writes it, and a new digest afresh', async () => {
    const row = (i: number) => `<p id="p${i}"><a href="mailto:ann@acme.io">Ann</a> <a href="mailto:bob@unknown.org">Bob</a></p>`;
    document.body.innerHTML = Array.from({ length: 20 }, (_, i) => row(i)).join('');
    const probe = vi.spyOn(Digest.prototype, 'probe');
    const first = Digest.fromWire(buildDigest(['ann@acme.io']))!;
    let current = first;
    const { engine: e } = makeEngine({ digestOf: () => current });
    await e.start();
    await e.idle();
    expect(badges()).toHaveLength(20);
    expect(probe.mock.calls.map(([x]) => x)).toEqual(['ann@acme.io', 'bob@unknown.org']);
    // A new digest (new campaign data) is asked afresh about addresses not known to be leads
    // (Ann is one by now: the lookup said so, no digest needed); the first is asked no more.
    const second = Digest.fromWire(buildDigest(['ann@acme.io', 'bob@unknown.org']))!;
    current = second;
    probe.mockClear();
    document.body.insertAdjacentHTML('beforeend', row(20));
    await e.idle();
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
    expect(probe.mock.calls.map(([x]) => x)).toEqual(['bob@unknown.org']);
    expect(probe.mock.contexts).toEqual([second]);
    probe.mockRestore();
  });

  it('with a digest, badges a few new rows in the observer callback itself (before the page draws), pending until the lookup answers', async () => {
    document.body.innerHTML = `<div id="list"></div>`;
    // The digest says "maybe" for Ann, Raj and one address that is no lead (a false positive).
    const maybe = new Set(['ann@acme.io', 'raj.patel@globex.com', 'eve@nolead.example']);
    const { engine: e, lookup, pending } = makeEngine({ digest: { has: (x) => maybe.has(x) } });
    await e.start();
    await e.idle();
    const list = document.getElementById('list')!;
    list.insertAdjacentHTML('beforeend', `<p><a href="mailto:ann@acme.io">Ann</a></p><p><a href="mailto:eve@nolead.example">Eve</a></p><p><a href="mailto:bob@unknown.org">Bob</a></p>`);
    // The observer's callback runs at the next microtask checkpoint, before any task.
    await Promise.resolve();
    expect(badges().sort()).toEqual(['ann@acme.io', 'eve@nolead.example']);
    expect([...document.querySelectorAll('unison-badge[data-unison-pending]')]).toHaveLength(2);
    expect(pending).toEqual([true, true]);
    await e.idle();
    // The lookup answered: Ann's badge shows with her name, Eve's (no lead) is gone, Bob never had one.
    expect(badges()).toEqual(['ann@acme.io']);
    const ann = document.querySelector('unison-badge')!;
    expect(ann.hasAttribute('data-unison-pending')).toBe(false);
    expect(ann.getAttribute('data-name')).toBe('Ann Lee');
    expect(lookup.mock.calls.at(-1)![0].sort()).toEqual(['ann@acme.io', 'eve@nolead.example']);
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['ann@acme.io']);
    // A lead known on this page is badged at once, not pending, with no new lookup.
    const calls = lookup.mock.calls.length;
    list.insertAdjacentHTML('beforeend', `<p><a href="mailto:ann@acme.io">Ann again</a></p>`);
    await Promise.resolve();
    expect(badges()).toEqual(['ann@acme.io', 'ann@acme.io']);
    expect(pending.at(-1)).toBe(false);
    await e.idle();
    expect(lookup.mock.calls.length).toBe(calls);
  });

  it('in the observer callback, gives no badge, not for a moment, to new rows a style sheet hides', async () => {
    document.body.innerHTML = `<style>#stale { display: none } .copy { visibility: hidden }</style><div id="list"></div><div id="stale"></div>`;
    const { engine: e, lookup, created } = makeEngine({ digest: { has: () => true } });
    await e.start();
    await e.idle();
    document.getElementById('stale')!.insertAdjacentHTML('beforeend', `<p><a href="mailto:ann@acme.io">Ann (stale view)</a></p>`);
    document.getElementById('list')!.insertAdjacentHTML(
      'beforeend',
      `<p><span class="copy"><a href="mailto:raj.patel@globex.com">Raj (hidden copy)</a></span><a href="mailto:ann@acme.io">Ann</a></p>`,
    );
    await Promise.resolve();
    // Only the visible row's mention has a badge, already in the callback; the hidden ones never had one.
    expect(created.map((m) => m.email)).toEqual(['ann@acme.io']);
    expect(badges()).toEqual(['ann@acme.io']);
    expect(document.querySelector('#stale unison-badge, .copy unison-badge, .copy + unison-badge')).toBeNull();
    await e.idle();
    expect(lookup.mock.calls.at(-1)![0]).toEqual(['ann@acme.io']);
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['ann@acme.io']);
  });

  it.each([
    ['without', undefined],
    ['with', { has: () => true }],
  ])('rescans after a navigation once, in idle time, after the page rebuilt its view (not inside the page\'s own task), %s a digest', async (_, digest) => {
    document.body.innerHTML = `<main id="view"><p><a href="mailto:ann@acme.io">Ann</a></p></main>`;
    const { engine: e } = makeEngine({ digest });
    const scanned: string[] = [];
    const scan = generic.scan.bind(generic);
    const spy = vi.spyOn(generic, 'scan').mockImplementation((root, doc, opts) => {
      scanned.push((root as Node).nodeType === 9 ? 'document' : (root as Element).localName);
      return scan(root, doc, opts);
    });
    try {
      await e.start();
      await e.idle();
      expect(badges()).toEqual(['ann@acme.io']);
      scanned.length = 0;
      // The page's navigation: the URL changes first (the rescan is asked for), then the view is rebuilt.
      const done = e.rescan();
      expect(e.rescan()).toBe(done);
      const view = document.getElementById('view')!;
      view.replaceChildren();
      view.insertAdjacentHTML('beforeend', `<section><p><a href="mailto:raj.patel@globex.com">Raj</a></p></section>`);
      await Promise.resolve();
      // Nothing scanned yet in the page's task.
      expect(scanned).toEqual([]);
      await done;
      await e.idle();
      expect(badges()).toEqual(['raj.patel@globex.com']);
      // One full scan; the batch of the rebuilt view was covered by it, not scanned again.
      expect(scanned).toEqual(['document']);
    } finally {
      spy.mockRestore();
    }
  });

  it('sets aside places far from the viewport unread, and scans them as they come near or when every lead is asked for', async () => {
    document.body.innerHTML = `<main>${Array.from({ length: 12 }, (_, i) => `<p id="r${i}"><a href="mailto:${i < 4 ? 'ann@acme.io' : 'raj.patel@globex.com'}">Contact ${i}</a></p>`).join('')}</main>`;
    const far = new Set(['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11']);
    const offscreen = vi.fn((el: Element) => (far.has(el.closest('p')!.id) ? 1 : 0) as -1 | 0 | 1);
    let check = () => undefined as void;
    const stopWatching = vi.fn();
    const { engine: e, lookup } = makeEngine({
      offscreen,
      onViewport: (cb) => {
        check = cb;
        return stopWatching;
      },
    });
    await e.start();
    await e.idle();
    const badgedRows = () => [...document.querySelectorAll('unison-badge')].map((b) => b.closest('p')!.id);
    // The first scan reads the near rows only: Raj, further down, is not spotted yet.
    expect(badgedRows()).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['ann@acme.io']);
    expect(lookup.mock.calls.flat(2)).not.toContain('raj.patel@globex.com');
    // The rep scrolls: two rows come near and are scanned, the rest stay aside.
    far.delete('r4');
    far.delete('r5');
    check();
    check(); // one check for a burst of scroll events
    await e.idle();
    expect(badgedRows()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    // A row the page removes meanwhile is dropped, never scanned.
    document.getElementById('r11')!.remove();
    await new Promise((r) => setTimeout(r, 5));
    // The popup asks for every lead: the rest is scanned now.
    const lookups = lookup.mock.calls.length;
    await e.settle();
    expect(lookup.mock.calls.length).toBe(lookups); // Raj's answer is cached for the page
    expect(badgedRows()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10']);
    expect(e.spottedLeads().map((l) => l.email).sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    e.stop();
    expect(stopWatching).toHaveBeenCalled();
  });

  it('forgets the places set aside when the whole page is scanned again (navigation), and those the page removed', async () => {
    document.body.innerHTML = `<p id="a"><a href="mailto:ann@acme.io">Ann</a></p><p id="b"><a href="mailto:raj.patel@globex.com">Raj</a></p><p id="c"><a href="mailto:raj.patel@globex.com">Raj</a></p>`;
    let farIds = new Set(['b']);
    const offscreen = vi.fn((el: Element) => (farIds.has(el.closest('p')!.id) ? 1 : 0) as -1 | 0 | 1);
    let check = () => undefined as void;
    const { engine: e } = makeEngine({ offscreen, onViewport: (cb) => ((check = cb), () => undefined) });
    await e.start();
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    // The page navigates, and Raj's first row is near the top now: read again with the page.
    farIds = new Set(['c']);
    await e.rescan();
    await e.idle();
    expect(badges()).toEqual(['ann@acme.io', 'raj.patel@globex.com', 'raj.patel@globex.com']);
    expect(document.querySelector('#b unison-badge')).not.toBeNull();
    // Only the row far now is set aside: a check looks at it and at nothing from before.
    offscreen.mockClear();
    check();
    await e.idle();
    expect(offscreen.mock.calls.map(([el]) => el.closest('p')!.id)).toEqual(['c']);
    // The page removes that row: the next check drops it without looking.
    const warn = vi.spyOn(console, 'warn');
    try {
      document.getElementById('c')!.remove();
      offscreen.mockClear();
      check();
      await e.idle();
      check();
      await e.idle();
      expect(offscreen).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('scans a big page in slices, yielding to the page between them, with one badge per mention and the cap kept', async () => {
    const rows = 1200;
    document.body.innerHTML = `<main>${Array.from({ length: rows }, (_, i) => `<p><span>Row ${i}</span> <a href="mailto:${i % 2 ? 'ann@acme.io' : 'raj.patel@globex.com'}">Contact</a></p>`).join('')}</main>`;
    // A clock that moves on at every reading: each slice ends after a few rows.
    let t = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (t += 1));
    let yields = 0;
    try {
      const { engine: e, created } = makeEngine({ yieldToPage: async () => void yields++ });
      await e.start();
      await e.idle();
      expect(yields).toBeGreaterThan(10);
      expect(created).toHaveLength(rows);
      expect(e.badgeCount()).toBe(rows);
      expect([...document.querySelectorAll('p')].every((p) => p.querySelectorAll('unison-badge').length === 1)).toBe(true);
      e.stop();
      document.querySelectorAll('unison-badge').forEach((b) => b.remove());
      // The cap is per pass, across slices.
      const capped = makeEngine({ limit: 500, yieldToPage: async () => void yields++ });
      await capped.engine.start();
      await capped.engine.idle();
      expect(capped.engine.capped).toBe(true);
      expect(capped.created).toHaveLength(500);
    } finally {
      clock.mockRestore();
    }
  });

  it('starts the next root afresh when the root a slice stopped in has left the page', async () => {
    document.body.innerHTML = `<div id="list"></div>`;
    let removeFirst = () => undefined as void;
    const { engine: e, created } = makeEngine({ yieldToPage: async () => removeFirst() });
    await e.start();
    await e.idle();
    // Two roots in one batch: a long one, then one with a single contact.
    const list = document.getElementById('list')!;
    const a = document.createElement('section');
    a.innerHTML = Array.from({ length: 40 }, (_, i) => `<p><a href="mailto:${i % 2 ? 'ann@acme.io' : 'raj.patel@globex.com'}">Contact</a></p>`).join('');
    const b = document.createElement('aside');
    b.innerHTML = `<p><a href="mailto:raj.patel@globex.com">Raj</a></p>`;
    list.append(a, b);
    // The first slice stops inside the long root; the page then takes it away.
    removeFirst = () => {
      a.remove();
      removeFirst = () => undefined;
    };
    let t = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (t += 5));
    try {
      await new Promise((r) => setTimeout(r, 5));
      await e.idle();
    } finally {
      clock.mockRestore();
    }
    expect(a.isConnected).toBe(false);
    expect(created.some((m) => b.contains(m.anchor))).toBe(true);
    expect(b.querySelectorAll('unison-badge')).toHaveLength(1);
  });

  it('is not woken again by the badges it inserts itself, and still sees what the page changes', async () => {
    const Native = globalThis.MutationObserver;
    let callbacks = 0;
    class Counting extends Native {
      constructor(cb: MutationCallback) {
        super((records, observer) => {
          callbacks++;
          cb(records, observer);
        });
      }
    }
    vi.stubGlobal('MutationObserver', Counting);
    try {
      document.body.innerHTML = `<div id="list"></div>`;
      const { engine: e } = makeEngine({ digest: { has: () => true } });
      await e.start();
      await e.idle();
      const list = document.getElementById('list')!;
      const before = callbacks;
      list.insertAdjacentHTML('beforeend', `<p><a href="mailto:ann@acme.io">Ann</a></p><p><a href="mailto:raj.patel@globex.com">Raj</a></p>`);
      await Promise.resolve();
      expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
      await new Promise((r) => setTimeout(r, 5));
      await e.idle();
      // One callback for the page's batch; none for the two badges that went in after it.
      expect(callbacks - before).toBe(1);
      // The page's next change is seen as before.
      list.insertAdjacentHTML('beforeend', `<p><a href="mailto:ann@acme.io">Ann again</a></p>`);
      await Promise.resolve();
      await e.idle();
      expect(badges().filter((b) => b === 'ann@acme.io')).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('lists only the leads still on the page when asked right after the page changed (before idle time)', async () => {
    document.body.innerHTML = `<div id="list"><p id="ann"><a href="mailto:ann@acme.io">Ann</a></p><p><a href="mailto:raj.patel@globex.com">Raj</a></p></div>`;
    const jobs: Array<() => void> = [];
    const { engine: e } = makeEngine({ schedule: (fn) => jobs.push(fn) });
    const started = e.start();
    await vi.waitFor(() => expect(jobs.length).toBeGreaterThan(0));
    for (let i = 0; i < 10 && jobs.length; i++) jobs.shift()!();
    await started;
    for (const job of jobs.splice(0)) job();
    await e.idle();
    expect(e.spottedLeads().map((l) => l.email).sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    // Ann's row leaves and a view (navigation) is on its way; idle time has not come yet.
    document.getElementById('ann')!.remove();
    await Promise.resolve();
    expect(jobs.length).toBeGreaterThan(0);
    await e.settle();
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['raj.patel@globex.com']);
    document.getElementById('list')!.innerHTML = `<p><a href="mailto:ann@acme.io">Ann again</a></p>`;
    const rescanned = e.rescan();
    await Promise.resolve();
    const settled = e.settle();
    for (const job of jobs.splice(0)) job();
    await Promise.all([rescanned, settled]);
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['ann@acme.io']);
  });

  it('takes the mutation path once after the first scan, on an empty batch: nothing asked, and what the page queued meanwhile is handled', async () => {
    document.body.innerHTML = `<div id="list"><p><a href="mailto:ann@acme.io">Ann</a></p></div>`;
    const jobs: Array<() => void> = [];
    const { engine: e, lookup } = makeEngine({ schedule: (fn) => jobs.push(fn) });
    const started = e.start();
    await vi.waitFor(() => expect(jobs).toHaveLength(1));
    jobs.shift()!();
    await started;
    expect(badges()).toEqual(['ann@acme.io']);
    expect(lookup).toHaveBeenCalledTimes(1);
    // The warm-up is next, in idle time. Meanwhile the page adds a row, queued for idle time.
    await vi.waitFor(() => expect(jobs).toHaveLength(1));
    const warmUp = jobs.shift()!;
    document.getElementById('list')!.insertAdjacentHTML('beforeend', `<p><a href="mailto:raj.patel@globex.com">Raj</a></p>`);
    await Promise.resolve();
    expect(jobs).toHaveLength(1);
    // The warm-up handles the queued row (as its own flush would have), and asks nothing else.
    warmUp();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(lookup.mock.calls[1][0]).toEqual(['raj.patel@globex.com']);
    // The flush it overtook finds nothing left.
    for (const job of jobs.splice(0)) job();
    await e.idle();
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(badges()).toHaveLength(2);
  });

  it(`leaves batches adding more than ${SYNC_BATCH_NODES} elements (subtrees counted) to idle time`, async () => {
    document.body.innerHTML = `<div id="list"></div>`;
    const { engine: e } = makeEngine({ digest: { has: () => true } });
    await e.start();
    await e.idle();
    // One added node, but a whole view inside it (each row is two elements).
    const view = document.createElement('section');
    view.innerHTML = rows(SYNC_BATCH_NODES / 2, 'raj.patel@globex.com');
    document.getElementById('list')!.append(view);
    await Promise.resolve();
    expect(badges()).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    await e.idle();
    expect(badges()).toHaveLength(SYNC_BATCH_NODES / 2);
  });

  it(`hands a small batch holding more than ${EAGER_BADGES} mentions to the viewport watcher`, async () => {
    document.body.innerHTML = `<div id="list"></div>`;
    const watched: Element[] = [];
    const { engine: e } = makeEngine({ digest: { has: () => true }, whenNear: (el) => (watched.push(el), () => undefined) });
    await e.start();
    await e.idle();
    document.getElementById('list')!.insertAdjacentHTML('beforeend', rows(EAGER_BADGES + 5));
    await new Promise((r) => setTimeout(r, 5));
    await e.idle();
    expect(badges()).toEqual([]);
    expect(watched).toHaveLength(EAGER_BADGES + 5);
  });
});

describe('the page changing while a pass is under way', () => {
  const tick = () => new Promise((r) => setTimeout(r, 10));

  /** The next lookup waits until `release()`. */
  function holdNextLookup(lookup: ReturnType<typeof makeEngine>['lookup']) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked = false;
    lookup.mockImplementationOnce(async (emails: string[]) => {
      asked = true;
      await gate;
      return lookupLeads(db, emails);
    });
    return { release: () => release(), asked: () => asked };
  }

  /** Starts the engine on `html`, makes `change` while the first lookup is out, and waits for it all to settle. */
  async function changeWhileLookupOut(html: string, digest: { has(email: string): boolean } | undefined, change: () => void) {
    document.body.innerHTML = html;
    const { engine: e, lookup } = makeEngine({ digest });
    const held = holdNextLookup(lookup);
    const started = e.start();
    await vi.waitFor(() => expect(held.asked()).toBe(true));
    change();
    await Promise.resolve();
    held.release();
    await started;
    await tick();
    await e.idle();
    return e;
  }

  for (const digest of [true, false]) {
    const how = digest ? 'handled at once (digest)' : 'queued for idle time';
    it(`badges no text the page rewrote for someone else while the lookup was out (${how})`, async () => {
      const e = await changeWhileLookupOut(`<p id="note">Contact: ann@acme.io</p>`, digest ? { has: (x) => x === 'ann@acme.io' } : undefined, () => {
        // A virtual list reuses the row: its text now names someone else.
        (document.getElementById('note')!.firstChild as Text).data = 'Contact: bob@unknown.org';
      });
      expect(badges()).toEqual([]);
      expect(e.spottedLeads()).toEqual([]);
    });
  }

  it('badges no link whose content the page replaced, or that it hid, while the lookup was out', async () => {
    const html = `<p>Owner: <a id="owner" href="/u/1"><span>ann@acme.io</span></a></p><div id="box"><p><a href="mailto:raj.patel@globex.com">Raj</a></p></div>`;
    await changeWhileLookupOut(html, { has: (x) => x !== 'bob@unknown.org' }, () => {
      document.getElementById('owner')!.replaceChildren(Object.assign(document.createElement('span'), { textContent: 'bob@unknown.org' }));
      document.getElementById('box')!.style.display = 'none';
    });
    expect(badges()).toEqual([]);
  });

  it('new campaign data: a row that came while the lookup was out with a lead no longer there gets no badge', async () => {
    document.body.innerHTML = `<div id="list"><p id="ann"><a href="mailto:ann@acme.io">Ann</a></p><p id="raj"><a href="mailto:raj.patel@globex.com">Raj</a></p></div>`;
    const { engine: e, lookup } = makeEngine({ digest: { has: () => true } });
    await e.start();
    await e.idle();
    expect(badges().sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    // Raj's row leaves; the page still has him as a lead in its answers.
    document.getElementById('raj')!.remove();
    await tick();
    await e.idle();
    // New campaign data without Raj: the refresh asks about Ann, and meanwhile Raj's row comes back.
    await db.leads.delete('raj.patel@globex.com');
    const held = holdNextLookup(lookup);
    const refreshed = e.refreshData();
    await vi.waitFor(() => expect(held.asked()).toBe(true));
    document.getElementById('list')!.insertAdjacentHTML('beforeend', `<p><a href="mailto:raj.patel@globex.com">Raj again</a></p>`);
    await Promise.resolve();
    held.release();
    await refreshed;
    await tick();
    await e.idle();
    expect(e.spottedLeads().map((l) => l.email)).toEqual(['ann@acme.io']);
    expect(badges()).toEqual(['ann@acme.io']);
  });

  it('sends no lookup once stopped, for badges made just before', async () => {
    document.body.innerHTML = `<div id="list"><p><a href="mailto:ann@acme.io">Ann</a></p></div>`;
    const { engine: e, lookup } = makeEngine({ digest: { has: () => true } });
    const held = holdNextLookup(lookup);
    const started = e.start();
    await vi.waitFor(() => expect(held.asked()).toBe(true));
    // A new row: a badge at once, its lookup queued behind the slow first one; then switched off.
    document.getElementById('list')!.insertAdjacentHTML('beforeend', `<p><a href="mailto:raj.patel@globex.com">Raj</a></p>`);
    await Promise.resolve();
    e.stop();
    held.release();
    await started;
    await tick();
    await e.idle();
    expect(lookup).toHaveBeenCalledTimes(1);
  });
});

describe('one mention, one badge, whichever pass finds its parts', () => {
  const settle = async (e: OverlayEngine) => {
    await new Promise((r) => setTimeout(r, 10));
    await e.idle();
  };

  for (const digest of [true, false]) {
    const how = digest ? 'handled at once' : 'queued for idle time';
    it(`the address beside a badged link, drawn again or later, gets no second badge (${how})`, async () => {
      document.body.innerHTML = `<p><a href="mailto:ann@acme.io">Ann Lee</a> <span id="addr">ann@acme.io</span></p><p id="later"><a href="mailto:ann@acme.io">Ann</a></p>`;
      const { engine: e } = makeEngine({ digest: digest ? { has: () => true } : undefined });
      await e.start();
      await settle(e);
      expect(badges()).toEqual(['ann@acme.io', 'ann@acme.io']);
      // The page draws the address again (a new text node), and writes it beside the other link.
      document.getElementById('addr')!.textContent = 'ann@acme.io';
      document.getElementById('later')!.append(Object.assign(document.createElement('span'), { textContent: ' ann@acme.io' }));
      await settle(e);
      expect(badges()).toEqual(['ann@acme.io', 'ann@acme.io']);
      expect(e.badgeCount()).toBe(2);
    });
  }

  it('the same address in a new row of its own still gets its badge', async () => {
    document.body.innerHTML = `<ul id="list"><li><a href="mailto:ann@acme.io">Ann Lee</a></li></ul>`;
    const { engine: e } = makeEngine({ digest: { has: () => true } });
    await e.start();
    await settle(e);
    document.getElementById('list')!.insertAdjacentHTML('beforeend', `<li><a href="mailto:ann@acme.io">Ann Lee</a></li>`);
    await settle(e);
    expect(badges()).toEqual(['ann@acme.io', 'ann@acme.io']);
  });
});

describe('places set aside that come into view without a scroll', () => {
  for (const how of ['removed', 'hidden'] as const) {
    it(`are scanned once the rows above them are ${how}`, async () => {
      document.body.innerHTML = `<main>${Array.from({ length: 12 }, (_, i) => `<p id="r${i}"><a href="mailto:${i < 4 ? 'ann@acme.io' : 'raj.patel@globex.com'}">Contact ${i}</a></p>`).join('')}</main>`;
      const far = new Set(['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11']);
      const offscreen = vi.fn((el: Element) => (far.has(el.closest('p')!.id) ? 1 : 0) as -1 | 0 | 1);
      // The page does not scroll: the viewport check is never called.
      const { engine: e } = makeEngine({ offscreen, onViewport: () => () => undefined });
      await e.start();
      await e.idle();
      const badgedRows = () => [...document.querySelectorAll('unison-badge')].map((b) => b.closest('p')!.id);
      expect(badgedRows()).toEqual(['r0', 'r1', 'r2', 'r3']);
      // A filter, an archive or a collapsed section takes the top rows away: the rest move up.
      for (const id of ['r0', 'r1', 'r2', 'r3']) {
        const p = document.getElementById(id)!;
        if (how === 'removed') p.remove();
        else p.setAttribute('hidden', '');
      }
      far.clear();
      await new Promise((r) => setTimeout(r, 20));
      await e.idle();
      expect(badgedRows()).toEqual(['r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11']);
    });
  }
});
