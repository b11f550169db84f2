import { afterEach, describe, expect, it } from 'vitest';
import { adapterFor } from '@/utils/sites';
import { EXPECTED, KNOWN_LEADS, el, knownCounts, loadFixture, otherCounts, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});

describe('every fixture page against expected.json', () => {
  it('lists every fixture in the folder, and only known leads under badges', () => {
    expect(Object.keys(EXPECTED).length).toBeGreaterThanOrEqual(12);
    for (const [file, exp] of Object.entries(EXPECTED)) {
      for (const email of Object.keys(exp.badges)) expect(KNOWN_LEADS, `${file}: ${email}`).toContain(email);
      for (const email of Object.keys(exp.others)) expect(KNOWN_LEADS, `${file}: ${email}`).not.toContain(email);
    }
  });

  for (const file of Object.keys(EXPECTED)) {
    it(`${file}: the adapter for its address finds exactly the expected mentions`, () => {
      page = loadFixture(file);
      const { doc, url, expected } = page;
      const adapter = adapterFor(url, expected.customDomains ?? []);
      expect(adapter?.id).toBe(expected.site);
      const result = adapter!.scan(doc, doc);
      expect(knownCounts(result.mentions)).toEqual(expected.badges);
      expect(otherCounts(result.mentions)).toEqual(expected.others);
      expect(result.capped).toBe(false);
      expect(result.scanned).toBeGreaterThanOrEqual(result.mentions.length);
      expect(adapter!.ownEmails(doc).sort()).toEqual([...expected.own].sort());
      for (const m of result.mentions) {
        expect(m.anchor.isConnected).toBe(true);
        expect(el(m).matches('img, [role="img"], [contenteditable], textarea')).toBe(false);
        expect(adapter!.isStillVisible(m.anchor, doc), `${file}: ${m.email}`).toBe(true);
        if (m.anchor.nodeType === 3) {
          const [start, end] = m.textRange!;
          expect((m.anchor as Text).data.slice(start, end).toLowerCase()).toBe(m.email);
        }
      }
      // Scanning twice gives the same result (adapters only read the page).
      expect(adapter!.scan(doc, doc).mentions.map((m) => m.email)).toEqual(result.mentions.map((m) => m.email));
    });
  }
});
