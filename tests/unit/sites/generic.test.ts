import { afterEach, describe, expect, it } from 'vitest';
import { generic } from '@/utils/sites/generic';
import { buildShadowRoots, el, knownCounts, loadFixture, of, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});

describe('generic adapter (custom CRM domains)', () => {
  it('never reads an email field the rep is typing in, inside an open shadow root too', () => {
    page = loadFixture('generic-crm.html');
    const { doc } = page;
    const host = doc.createElement('crm-email-field');
    host.attachShadow({ mode: 'open' }).innerHTML = '<input type="email" value="li.wei@umbrella.co">';
    doc.body.append(host);
    expect(of(generic.scan(doc, doc).mentions, 'li.wei@umbrella.co')).toHaveLength(1);
    (host.shadowRoot!.querySelector('input') as HTMLInputElement).focus();
    // The document names only the host as the element with focus.
    expect(doc.activeElement).toBe(host);
    expect(of(generic.scan(doc, doc).mentions, 'li.wei@umbrella.co')).toHaveLength(0);
  });

  it('finds mailto links (lower-cased, query ignored), title, aria-label, input[type=email] and text', () => {
    page = loadFixture('generic-crm.html');
    const { doc } = page;
    const { mentions } = generic.scan(doc, doc);
    const kind = (e: string) => {
      const m = of(mentions, e);
      expect(m, e).toHaveLength(1);
      return m[0].anchor.nodeType === 3 ? '#text' : (m[0].anchor as Element).localName;
    };
    expect(kind('tom.baker@hooli.com')).toBe('a');
    expect(kind('sofia.rossi@vandelay.it')).toBe('span');
    expect(kind('nina.berg@wayne.no')).toBe('button');
    expect(kind('ken.ito@stark.jp')).toBe('input');
    expect(kind('ann@acme.io')).toBe('#text');
    expect(of(mentions, 'ann@acme.io')[0].name).toBe('Ann Lee');
    expect(of(mentions, 'nina.berg@wayne.no')[0].name).toBe('Nina Berg');
    // The cc in the mailto query is not a mention; bob is found once, in the text.
    expect(of(mentions, 'bob@unknown.org').map((m) => m.anchor.nodeType)).toEqual([3]);
  });

  it('one mention for a link whose text is its address; none for the avatar beside it', () => {
    page = loadFixture('generic-crm.html');
    const { doc } = page;
    const raj = of(generic.scan(doc, doc).mentions, 'raj.patel@globex.com');
    expect(raj).toHaveLength(1);
    expect((raj[0].anchor as Element).localName).toBe('a');
    expect(doc.querySelector('img[title="raj.patel@globex.com"]')).not.toBeNull();
  });

  it('no mention for an avatar reached through its link or wrapper: a photo only, its address in title, aria-label or mailto; an icon link is one', () => {
    page = loadFixture('generic-crm.html');
    const { doc } = page;
    doc.body.insertAdjacentHTML(
      'beforeend',
      `<header id="people">
        <a href="/people/42" title="ann@acme.io"><img class="avatar" src="a.png" alt=""></a>
        <span class="avatar" aria-label="Raj Patel <raj.patel@globex.com>"><img src="r.png" alt=""></span>
        <a href="mailto:li.wei@umbrella.co"><div role="img" aria-label="Li Wei" style="width:32px;height:32px"></div></a>
        <a href="mailto:tom.baker@hooli.com" aria-label="Email"><svg viewBox="0 0 16 16"><path d="M0 0h16v16H0z"></path></svg></a>
      </header>`,
    );
    const inHeader = generic.scan(doc.getElementById('people')!, doc).mentions;
    expect(inHeader.map((m) => m.email)).toEqual(['tom.baker@hooli.com']);
  });

  it('leaves out hidden copies, editable regions, textarea, script and file names', () => {
    page = loadFixture('generic-crm.html');
    const { doc } = page;
    const { mentions } = generic.scan(doc, doc);
    expect(of(mentions, 'li.wei@umbrella.co')).toHaveLength(0); // collapsed section, aria-hidden, contenteditable
    expect(of(mentions, 'maria.gonzalez@initech.io').every((m) => m.anchor.getRootNode() !== doc)).toBe(true); // only the shadow one
    expect(mentions.some((m) => el(m).closest('textarea, [contenteditable], [role="textbox"], script, [hidden], [aria-hidden="true"]'))).toBe(false);
    expect(mentions.some((m) => m.email.includes('2x'))).toBe(false);
  });

  it('reaches into open shadow roots, and never into Unison\'s own UI', () => {
    page = loadFixture('generic-crm.html', { shadow: false });
    const { doc } = page;
    expect(of(generic.scan(doc, doc).mentions, 'maria.gonzalez@initech.io')).toHaveLength(0);
    buildShadowRoots(doc);
    expect(of(generic.scan(doc, doc).mentions, 'maria.gonzalez@initech.io')).toHaveLength(1);
    // A badge and an open card (shadow DOM holding the lead's address) add nothing.
    const badge = doc.createElement('unison-badge');
    badge.setAttribute('data-unison-email', 'ann@acme.io');
    badge.attachShadow({ mode: 'open' }).append(Object.assign(doc.createElement('button'), { textContent: 'Unison: campaign context for ann@acme.io' }));
    const card = doc.createElement('unison-card');
    card.attachShadow({ mode: 'open' }).append(Object.assign(doc.createElement('a'), { href: 'mailto:ann@acme.io', textContent: 'ann@acme.io' }));
    doc.querySelector('main')!.append(badge, card);
    expect(of(generic.scan(doc, doc).mentions, 'ann@acme.io')).toHaveLength(1);
  });

  it('scans an added subtree on its own, and the added element itself', () => {
    page = loadFixture('generic-crm.html');
    const { doc } = page;
    const link = doc.createElement('a');
    link.href = 'mailto:Li.Wei@Umbrella.co';
    link.textContent = 'Li Wei';
    doc.querySelector('main')!.append(link);
    expect(generic.scan(link, doc).mentions).toEqual([{ email: 'li.wei@umbrella.co', name: 'Li Wei', anchor: link }]);
    expect(knownCounts(generic.scan(doc, doc).mentions)['li.wei@umbrella.co']).toBe(1);
  });

  it('isStillVisible follows hiding, removal and text changes', () => {
    page = loadFixture('generic-crm.html');
    const { doc } = page;
    const { mentions } = generic.scan(doc, doc);
    const ann = of(mentions, 'ann@acme.io')[0];
    const sofia = of(mentions, 'sofia.rossi@vandelay.it')[0];
    const card = doc.querySelector('section.card')!;
    expect(generic.isStillVisible(ann.anchor, doc)).toBe(true);
    card.setAttribute('aria-hidden', 'true');
    expect(generic.isStillVisible(sofia.anchor, doc)).toBe(false);
    card.removeAttribute('aria-hidden');
    (card as HTMLElement).style.display = 'none';
    expect(generic.isStillVisible(sofia.anchor, doc)).toBe(false);
    (card as HTMLElement).style.display = '';
    (ann.anchor as Text).data = 'Primary contact: Ann Lee';
    expect(generic.isStillVisible(ann.anchor, doc)).toBe(false);
    expect(generic.isStillVisible(sofia.anchor, doc)).toBe(true);
    // With an address: still a mention of that one (not of another the page put there since).
    expect(generic.isStillVisible(sofia.anchor, doc, undefined, 'sofia.rossi@vandelay.it')).toBe(true);
    expect(generic.isStillVisible(sofia.anchor, doc, undefined, 'ann@acme.io')).toBe(false);
    (sofia.anchor as Element).remove();
    expect(generic.isStillVisible(sofia.anchor, doc)).toBe(false);
  });
});

describe('visibility of what an element without a box holds', () => {
  it('text in a `display: contents` element (a slot) is seen when its parent is; not when the parent is hidden', () => {
    // Chromium's rule, which happy-dom does not have: `checkVisibility()` is false for an
    // element without a box, whatever it holds.
    const proto = Element.prototype as unknown as { checkVisibility?: (o?: object) => boolean };
    const had = Object.getOwnPropertyDescriptor(proto, 'checkVisibility');
    proto.checkVisibility = function (this: Element) {
      if (getComputedStyle(this).display === 'contents') return false;
      for (let e = this.parentElement; e; e = e.parentElement) if (getComputedStyle(e).display === 'none') return false;
      return getComputedStyle(this).display !== 'none';
    };
    try {
      document.body.innerHTML = `<p>Owner: <span style="display: contents">ann@acme.io</span></p><p>Slotted: <slot style="display: contents"><a href="mailto:raj.patel@globex.com" style="display: contents">Raj</a></slot></p><div style="display: none"><span style="display: contents">li.wei@umbrella.co</span></div>`;
      const found = generic.scan(document, document).mentions.map((m) => m.email);
      expect(found.sort()).toEqual(['ann@acme.io', 'raj.patel@globex.com']);
    } finally {
      if (had) Object.defineProperty(proto, 'checkVisibility', had);
      else delete proto.checkVisibility;
      document.body.replaceChildren();
    }
  });
});
