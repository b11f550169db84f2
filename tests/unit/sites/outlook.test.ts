import { afterEach, describe, expect, it } from 'vitest';
import { outlook } from '@/utils/sites/outlook';
import { el, loadFixture, of, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});

describe('Outlook on the web', () => {
  it('reads message list senders from title, named by their text', () => {
    page = loadFixture('outlook.html');
    const { doc } = page;
    const list = doc.querySelector('#focused [data-app-section="MessageList"]')!;
    const { mentions } = outlook.scan(list, doc);
    expect(mentions.map((m) => [m.email, m.name])).toEqual([
      ['ann@acme.io', 'Ann Lee'],
      ['raj.patel@globex.com', 'Raj Patel'],
      ['newsletter@news.example', 'Industry News'],
      ['li.wei@umbrella.co', 'Li Wei'],
      ['ken.ito@stark.jp', 'Ken Ito'],
    ]);
    for (const m of mentions) expect(el(m).matches('span[title]')).toBe(true);
  });

  it('gives the reading pane sender one badge, after the button holding aria-label and "Name<addr>" text', () => {
    page = loadFixture('outlook.html');
    const { doc } = page;
    const pane = doc.querySelector('#ReadingPaneContainerId')!;
    const { mentions } = outlook.scan(pane, doc);
    const ann = of(mentions, 'ann@acme.io');
    expect(ann).toHaveLength(1);
    expect((ann[0].anchor as Element).localName).toBe('button');
    expect(ann[0].name).toBe('Ann Lee');
    const maria = of(mentions, 'maria.gonzalez@initech.io');
    expect(maria).toHaveLength(1);
    expect(maria[0].name).toBe('Maria Gonzalez');
    expect(of(mentions, 'tom.baker@hooli.com')[0].name).toBe('Tom Baker');
    expect(of(mentions, 'sofia.rossi@vandelay.it')[0].name).toBe('Sofia Rossi');
  });

  it('skips the hidden Other tab, the reply being typed and the folder pane; reports the rep', () => {
    page = loadFixture('outlook.html');
    const { doc } = page;
    const { mentions } = outlook.scan(doc, doc);
    expect(of(mentions, 'nina.berg@wayne.no')).toHaveLength(0);
    // The folder pane's address is not read; the rep copied in the reading pane is (the overlay
    // leaves out the rep's own address, see expected.json `own`).
    expect(of(mentions, 'sam@seller.example').map((m) => (m.anchor as Element).closest('#ReadingPaneContainerId') !== null)).toEqual([true]);
    expect(outlook.ownEmails(doc)).toEqual(['sam@seller.example']);
    // Switching to the Other tab shows Nina.
    doc.getElementById('other')!.removeAttribute('hidden');
    doc.getElementById('focused')!.setAttribute('hidden', '');
    for (const m of mentions.filter((m) => doc.getElementById('focused')!.contains(m.anchor))) expect(outlook.isStillVisible(m.anchor, doc)).toBe(false);
    expect(of(outlook.scan(doc, doc).mentions, 'nina.berg@wayne.no')).toHaveLength(1);
  });
});
