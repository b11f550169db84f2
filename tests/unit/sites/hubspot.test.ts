import { afterEach, describe, expect, it } from 'vitest';
import { hubspot } from '@/utils/sites/hubspot';
import { knownCounts, loadFixture, of, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});

describe('HubSpot contact record', () => {
  it('badges the email property once, after the truncating spans, named by the highlight title', () => {
    page = loadFixture('hubspot-contact.html');
    const { doc } = page;
    const { mentions } = hubspot.scan(doc, doc);
    const sofia = of(mentions, 'sofia.rossi@vandelay.it');
    expect(sofia).toHaveLength(1);
    expect(sofia[0].name).toBe('Sofia Rossi');
    const prop = doc.querySelector('[data-selenium-test="property-input-email"]')!;
    expect(sofia[0].anchor.parentNode).toBe(prop);
  });

  it('badges associated contacts at their chicklet link, not the hidden preview', () => {
    page = loadFixture('hubspot-contact.html');
    const { doc } = page;
    const { mentions } = hubspot.scan(doc, doc);
    const tom = of(mentions, 'tom.baker@hooli.com');
    expect(tom).toHaveLength(1);
    expect((tom[0].anchor as Element).getAttribute('data-selenium-test')).toBe('contact-chicklet-title-link');
    expect(tom[0].name).toBe('Tom Baker');
    expect(of(mentions, 'nina.berg@wayne.no')).toHaveLength(0);
  });

  it('skips the content of tabs that are not selected, and finds it when the tab is selected', () => {
    page = loadFixture('hubspot-contact.html');
    const { doc } = page;
    expect(of(hubspot.scan(doc, doc).mentions, 'ken.ito@stark.jp')).toHaveLength(0);
    // The tab's aria-selected alone is enough, whatever the stylesheet does.
    const panel = doc.getElementById('panel-activities')!;
    panel.className = '';
    expect(of(hubspot.scan(doc, doc).mentions, 'ken.ito@stark.jp')).toHaveLength(0);
    doc.getElementById('tab-activities')!.setAttribute('aria-selected', 'true');
    doc.getElementById('tab-overview')!.setAttribute('aria-selected', 'false');
    expect(of(hubspot.scan(doc, doc).mentions, 'ken.ito@stark.jp')).toHaveLength(1);
  });
});

describe('HubSpot list view', () => {
  it('badges each row, after the cell\'s own child, named by the record link', () => {
    page = loadFixture('hubspot-list.html');
    const { doc } = page;
    const { mentions } = hubspot.scan(doc, doc);
    expect(of(mentions, 'ann@acme.io')[0].name).toBe('Ann Lee');
    for (const m of mentions) expect((m.anchor.parentNode as Element).localName).toBe('td');
    expect(of(mentions, 'ken.ito@stark.jp')).toHaveLength(0);
    expect(of(mentions, 'tom.baker@hooli.com')).toHaveLength(0);
  });

  it('scans rows that load as the user scrolls', () => {
    page = loadFixture('hubspot-list.html');
    const { doc } = page;
    const tbody = doc.querySelector('tbody[data-test-id="table-body"]')!;
    const row = tbody.querySelector('tr')!.cloneNode(true) as Element;
    row.setAttribute('data-test-id', 'row-6');
    row.querySelector('a')!.textContent = 'Sofia Rossi';
    row.querySelectorAll('td')[2].querySelector('span span')!.textContent = 'sofia.rossi@vandelay.it';
    tbody.append(row);
    const { mentions } = hubspot.scan(row, doc);
    expect(mentions.map((m) => [m.email, m.name])).toEqual([['sofia.rossi@vandelay.it', 'Sofia Rossi']]);
    expect(knownCounts(hubspot.scan(doc, doc).mentions)['sofia.rossi@vandelay.it']).toBe(1);
    row.remove();
    expect(hubspot.isStillVisible(mentions[0].anchor, doc)).toBe(false);
  });
});
