import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapterFor } from '@/utils/sites';
import { EXPECTED, KNOWN_LEADS, el, knownCounts, loadFixture, otherCounts, type Loaded } from './load';

let page: Loaded | null = null;
afterEach(async () => {
  await page?.window.happyDOM.close();
  page = null;
});

describe('every fixture page against expected.json', () => {
  it('lists every fixture in the folder, and only known leads under badges', () => {
    // Every page in the folder has its expected badges (a page without them would be skipped).
    const pages = readdirSync(join(process.cwd(), 'tests/fixtures/pages')).filter((f) => f.endsWith('.html'));
    expect(Object.keys(EXPECTED).sort()).toEqual(pages.sort());
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

  for (const file of Object.keys(EXPECTED)) {
    it(`${file}: a scan in slices, each ending after one place, finds what one scan finds`, () => {
      page = loadFixture(file);
      const { doc, url, expected } = page;
      const adapter = adapterFor(url, expected.customDomains ?? [])!;
      const whole = adapter.scan(doc, doc);
      // A clock past every deadline: each slice looks at one place, then stops.
      let t = 0;
      const clock = vi.spyOn(performance, 'now').mockImplementation(() => (t += 100));
      try {
        const resume = {};
        let res = adapter.scan(doc, doc, { until: 1, resume });
        let slices = 1;
        while (res.unfinished) {
          res = adapter.scan(doc, doc, { until: t + 1, resume });
          slices++;
          expect(slices).toBeLessThan(10_000);
        }
        const places = (r: typeof whole) => r.mentions.map((m) => [m.email, m.anchor, m.textRange?.join('-') ?? '']);
        expect(places(res)).toEqual(places(whole));
        expect(res.scanned).toBe(whole.scanned);
        if (whole.mentions.length > 1) expect(slices).toBeGreaterThan(1);
      } finally {
        clock.mockRestore();
      }
    });
  }

  for (const file of Object.keys(EXPECTED)) {
    it(`${file}: places set aside as far from the viewport, scanned afterwards, give what one scan finds`, () => {
      page = loadFixture(file);
      const { doc, url, expected } = page;
      const adapter = adapterFor(url, expected.customDomains ?? [])!;
      const whole = adapter.scan(doc, doc);
      // "Far": everything after the middle of the page (inside an open shadow root: after its host).
      const all = [...doc.body.querySelectorAll('*')];
      const middle = all[Math.floor(all.length / 2)];
      const inDocument = (e: Element): Element => {
        let cur = e;
        for (let root = cur.getRootNode(); root !== doc; root = cur.getRootNode()) cur = (root as ShadowRoot).host;
        return cur;
      };
      const after = (e: Element) => (middle.compareDocumentPosition(inDocument(e)) & 4) !== 0;
      // What the first scan took counts against the places scanned later (a name beside a link).
      const claims = {};
      const near = adapter.scan(doc, doc, { far: (e) => (after(e) ? 1 : 0), claims });
      const aside = [...(near.far?.values() ?? [])].flat();
      for (const e of aside) expect(after(e)).toBe(true);
      const rest = adapter.scan(doc, doc, { only: near.far ?? new Map(), claims });
      const key = (m: (typeof whole.mentions)[number]) => [m.email, m.anchor, m.textRange?.join('-') ?? ''];
      const sorted = (list: unknown[][]) => list.map((k) => ({ k, i: all.indexOf(k[1] as Element) })).sort((a, b) => a.i - b.i || String(a.k[0]).localeCompare(String(b.k[0])));
      expect(sorted([...near.mentions, ...rest.mentions].map(key))).toEqual(sorted(whole.mentions.map(key)));
      expect(near.scanned + rest.scanned).toBe(whole.scanned);
      expect(aside.length, 'places set aside').toBeGreaterThan(0);
      // `only` reads nothing else of the page.
      expect(adapter.scan(doc, doc, { only: new Map() }).mentions).toEqual([]);
    });
  }
});
