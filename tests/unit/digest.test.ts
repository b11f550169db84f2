/**
 * The lead digest: never says "no" for a lead, rarely "maybe" for anything else, survives the
 * trip through a message, refuses what is not one, and follows the campaign data.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDb, type UnisonDB } from '@/utils/db';
import { ANSWERS_KEPT, Digest, buildDigest } from '@/utils/digest';
import { leadDigest } from '@/utils/lead-digest';
import { LeadCache } from '@/utils/leads';
import { handleMessage } from '@/utils/router';
import { importFromText } from '@/utils/import';

const leads = Array.from({ length: 20_000 }, (_, i) => `lead.${i}@company${i % 50}.example`);

describe('lead digest', () => {
  it('answers "maybe" for every lead and "no" for almost every other address (under 0.01 %)', () => {
    const d = Digest.fromWire(buildDigest(leads))!;
    expect(leads.every((e) => d.has(e))).toBe(true);
    let falsePositives = 0;
    const others = 20_000;
    for (let i = 0; i < others; i++) if (d.has(`someone.${i}@elsewhere${i % 31}.example`)) falsePositives++;
    expect(falsePositives / others).toBeLessThan(0.0001);
  });

  it('weighs about 24 bits per lead on the wire', () => {
    const wire = buildDigest(leads);
    expect(wire.m / leads.length).toBeGreaterThanOrEqual(24);
    expect(wire.m / leads.length).toBeLessThan(24.1);
    expect(atob(wire.bits).length).toBe(wire.m / 8);
  });

  it('an empty digest says "no" to everything', () => {
    const d = Digest.fromWire(buildDigest([]))!;
    expect(d.has('ann@acme.io')).toBe(false);
  });

  it('keeps a bounded number of answers (a page open for days shows many thousands of people)', () => {
    const d = Digest.fromWire(buildDigest(['ann@acme.io']))!;
    const probe = vi.spyOn(d, 'probe');
    expect(d.has('ann@acme.io')).toBe(true);
    expect(d.has('ann@acme.io')).toBe(true);
    expect(probe).toHaveBeenCalledTimes(1);
    for (let i = 0; i < ANSWERS_KEPT; i++) d.has(`person${i}@example.org`);
    probe.mockClear();
    // The answers kept were cleared on the way: Ann's is worked out again, and is the same.
    expect(d.has('ann@acme.io')).toBe(true);
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('ignores what is not a well-formed digest', () => {
    const good = buildDigest(['ann@acme.io']);
    for (const bad of [null, 'x', 42, {}, { ...good, m: good.m + 1 }, { ...good, m: -8 }, { ...good, k: 0 }, { ...good, k: 1.5 }, { ...good, bits: '%%%' }, { ...good, bits: btoa('short') }]) {
      expect(Digest.fromWire(bad)).toBeNull();
    }
    expect(Digest.fromWire(good)?.has('ann@acme.io')).toBe(true);
  });
});

describe('digest in the background', () => {
  let db: UnisonDB;
  let n = 0;
  beforeEach(async () => {
    fakeBrowser.reset();
    db = openDb(`digest-${++n}`);
    await db.open();
  });

  const canonical = (rows: string[]) => `email,first_name,last_name,campaign_id,campaign,touch\n${rows.join('\n')}\n`;

  it('is made once per lead index, and again after an import', async () => {
    const cache = new LeadCache();
    await db.leads.put({ email: 'ann@acme.io', name: 'Ann Lee', updatedAt: new Date().toISOString() });
    const first = leadDigest((await cache.ready(db))!);
    expect(leadDigest((await cache.ready(db))!)).toBe(first);
    expect(Digest.fromWire(first)!.has('ann@acme.io')).toBe(true);
    expect(Digest.fromWire(first)!.has('raj.patel@globex.com')).toBe(false);
    // An import from any context (the options page here) changes the data version.
    const r = await importFromText(db, canonical(['raj.patel@globex.com,Raj,Patel,cmp-1,Q3 webinar,first']), { fileName: 'more.csv', source: 'file' });
    expect(r.ok).toBe(true);
    const second = leadDigest((await cache.ready(db))!);
    expect(second).not.toBe(first);
    expect(Digest.fromWire(second)!.has('raj.patel@globex.com')).toBe(true);
  });

  it('comes with hello for content scripts only, once the lead index is built', async () => {
    await db.leads.put({ email: 'ann@acme.io', name: 'Ann Lee', updatedAt: new Date().toISOString() });
    const deps = { db: () => db, extensionId: 'unison-ext', extensionUrl: 'chrome-extension://unison-ext/', cache: new LeadCache() };
    const url = 'https://mail.google.com/mail/u/0/#inbox';
    const tab = { id: 7, index: 0, url, windowId: 1, active: true, pinned: false, highlighted: true, incognito: false };
    const hello = async () => (await handleMessage({ type: 'hello' }, { id: 'unison-ext', url, frameId: 0, origin: 'https://mail.google.com', tab } as never, deps)) as { digest: unknown };
    // The index is not built yet: hello answers at once, without a digest, and starts the build.
    expect((await hello()).digest).toBeNull();
    await deps.cache.ready(db);
    expect(Digest.fromWire((await hello()).digest)!.has('ann@acme.io')).toBe(true);
    const page = (await handleMessage({ type: 'hello' }, { id: 'unison-ext', url: 'chrome-extension://unison-ext/popup.html' } as never, deps)) as { digest: unknown } | null;
    expect(page?.digest ?? null).toBeNull();
  });
});
