import { afterEach, describe, expect, it } from 'vitest';
import { salesforce } from '@/utils/sites/salesforce';
import { buildShadowRoots, el, knownCounts, loadFixture, of, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});

describe('Salesforce Lightning record page', () => {
  it('badges only the active view; the stale record page stays unbadged', () => {
    page = loadFixture('salesforce-lead.html');
    const { doc } = page;
    const { mentions } = salesforce.scan(doc, doc);
    expect(of(mentions, 'tom.baker@hooli.com')).toHaveLength(0);
    expect(of(mentions, 'sofia.rossi@vandelay.it')).toHaveLength(0);
    const active = doc.querySelector('.windowViewMode-normal.active')!;
    for (const m of mentions) {
      const host = (m.anchor.getRootNode() as ShadowRoot).host ?? m.anchor;
      expect(active.contains(host)).toBe(true);
    }
    // Header and details both show Ann's address, both named from the highlights panel.
    expect(of(mentions, 'ann@acme.io').map((m) => m.name)).toEqual(['Ann Lee', 'Ann Lee']);
    // The field sits in a synthetic-shadow <slot>.
    expect(of(mentions, 'ann@acme.io').some((m) => el(m).closest('slot'))).toBe(true);
  });

  it('follows a Lightning view switch: old anchors are no longer visible, the other record is found', () => {
    page = loadFixture('salesforce-lead.html');
    const { doc } = page;
    const before = salesforce.scan(doc, doc).mentions;
    const [stale, current] = [...doc.querySelectorAll('.windowViewMode-normal')];
    current.classList.remove('active');
    stale.classList.add('active');
    for (const m of before) expect(salesforce.isStillVisible(m.anchor, doc)).toBe(false);
    const after = salesforce.scan(doc, doc).mentions;
    expect(knownCounts(after)).toEqual({ 'tom.baker@hooli.com': 1, 'sofia.rossi@vandelay.it': 1 });
    expect(of(after, 'tom.baker@hooli.com')[0].name).toBe('Tom Baker');
    // And back.
    stale.classList.remove('active');
    current.classList.add('active');
    for (const m of before) expect(salesforce.isStillVisible(m.anchor, doc)).toBe(true);
  });

  it('the stale view is hidden by the class alone, even where the stylesheet does not hide it', () => {
    page = loadFixture('salesforce-lead.html');
    const { doc } = page;
    for (const s of [...doc.querySelectorAll('style')]) s.remove();
    expect(knownCounts(salesforce.scan(doc, doc).mentions)).toEqual({ 'ann@acme.io': 2, 'raj.patel@globex.com': 1, 'li.wei@umbrella.co': 1 });
  });

  it('walks open (native) shadow roots: mailto and plain-text lightning-formatted-email, hidden items left out', () => {
    page = loadFixture('salesforce-lead.html', { shadow: false });
    const { doc } = page;
    expect(knownCounts(salesforce.scan(doc, doc).mentions)).toEqual({ 'ann@acme.io': 2 });
    expect(buildShadowRoots(doc)).toBe(1);
    const { mentions } = salesforce.scan(doc, doc);
    const raj = of(mentions, 'raj.patel@globex.com');
    const li = of(mentions, 'li.wei@umbrella.co');
    expect(raj).toHaveLength(1);
    expect(li).toHaveLength(1);
    expect(li[0].anchor.nodeType).toBe(3);
    const shadow = doc.querySelector('c-lead-referrals')!.shadowRoot!;
    expect(raj[0].anchor.getRootNode()).toBe(shadow);
    expect(of(mentions, 'ken.ito@stark.jp')).toHaveLength(0);
    // Scanning the shadow root itself (the engine observes it) finds the same.
    expect(knownCounts(salesforce.scan(shadow, doc).mentions)).toEqual({ 'raj.patel@globex.com': 1, 'li.wei@umbrella.co': 1 });
  });
});

describe('Salesforce email fields in native shadow mode', () => {
  it('reads a field whose own open shadow root shows the address as text, and one with a link there once', () => {
    page = loadFixture('salesforce-lead.html', { shadow: false });
    const { doc } = page;
    const view = doc.querySelector('.windowViewMode-normal.active')!;
    const field = (html: string) => {
      const item = doc.createElement('records-record-layout-item');
      const lfe = doc.createElement('lightning-formatted-email');
      lfe.attachShadow({ mode: 'open' }).innerHTML = html;
      item.append(lfe);
      view.append(item);
    };
    field('<span>maria.gonzalez@initech.io</span>');
    field('<a href="mailto:nina.berg@wayne.no">nina.berg@wayne.no</a>');
    const { mentions } = salesforce.scan(doc, doc);
    expect(of(mentions, 'maria.gonzalez@initech.io')).toHaveLength(1);
    expect(of(mentions, 'maria.gonzalez@initech.io')[0].anchor.nodeType).toBe(3);
    expect(of(mentions, 'nina.berg@wayne.no')).toHaveLength(1);
  });
});

describe('Salesforce list views and related lists', () => {
  it('names list rows from their name cell', () => {
    page = loadFixture('salesforce-list.html');
    const { doc } = page;
    const { mentions } = salesforce.scan(doc, doc);
    expect(mentions.map((m) => [m.email, m.name])).toEqual([
      ['ann@acme.io', 'Ann Lee'],
      ['raj.patel@globex.com', 'Raj Patel'],
      ['maria.gonzalez@initech.io', 'Maria Gonzalez'],
      ['bob@unknown.org', 'Bob Unknown'],
      ['ken.ito@stark.jp', 'Ken Ito'],
      ['nina.berg@wayne.no', 'Nina Berg'],
    ]);
    // The stale account page's related list (Raj, Li) is not counted: Raj once, Li never.
    expect(of(mentions, 'li.wei@umbrella.co')).toHaveLength(0);
  });

  it('reads a related list table and related list tiles on a record page', () => {
    page = loadFixture('salesforce-account.html');
    const { doc } = page;
    const { mentions } = salesforce.scan(doc, doc);
    expect(of(mentions, 'li.wei@umbrella.co')[0].name).toBe('Li Wei');
    expect(of(mentions, 'tom.baker@hooli.com')).toHaveLength(1);
    expect(of(mentions, 'ann@acme.io')).toHaveLength(0);
  });

  it('reads a field of the older page layout in the active view (force-record-layout-item), not only in stale ones', () => {
    page = loadFixture('salesforce-account.html');
    const { doc } = page;
    const { mentions } = salesforce.scan(doc, doc);
    const ken = of(mentions, 'ken.ito@stark.jp');
    expect(ken).toHaveLength(1);
    expect((ken[0].anchor as Element).closest('force-record-layout-item.forcePageBlockItemView')).not.toBeNull();
    expect((ken[0].anchor as Element).closest('.windowViewMode-normal')?.classList.contains('active')).toBe(true);
  });
});
