// @vitest-environment node
// The campaign feed against a real HTTP server on 127.0.0.1, merged by the real importer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { feedKind, pullFeed, readFeedState, type FeedDeps } from '@/utils/feed';
import { createLock } from '@/utils/sync';
import { startReceiver, type Receiver } from '../support/receiver.mjs';

let db: UnisonDB;
let rx: Receiver;
let n = 0;

beforeEach(async () => {
  db = openDb(`feed-${++n}-${Date.now()}`);
  await db.open();
  rx = await startReceiver();
});
afterEach(async () => {
  await rx.close();
  db.close();
});

const campaignJson = (annTitle = 'CFO') =>
  JSON.stringify({
    schema: 'unison.campaign-data/1',
    campaigns: [{ id: 'cmp-q3-webinar', name: 'Q3 ROI webinar', channel: 'Webinar', product: 'Forecasting' }],
    content: [{ id: 'ast-roi-calc', title: 'ROI calculator', type: 'tool', campaignId: 'cmp-q3-webinar' }],
    leads: [
      {
        email: 'ann@acme.io',
        name: 'Ann Lee',
        company: 'Acme',
        title: annTitle,
        touches: [{ campaignId: 'cmp-q3-webinar', contentId: 'ast-roi-calc', at: '2026-07-14T10:00:00Z', kind: 'first' }],
      },
      {
        email: 'raj.patel@globex.com',
        name: 'Raj Patel',
        company: 'Globex',
        title: 'VP Sales',
        touches: [{ campaignId: 'cmp-q3-webinar', at: '2026-07-15T10:00:00Z' }],
      },
    ],
  });

const campaignCsv = [
  'email,first_name,last_name,company,title,campaign_id,campaign,channel,content_id,content_title,content_type,product,touched_at',
  'maria.gonzalez@initech.io,Maria,Gonzalez,Initech,Head of RevOps,cmp-paid-cfo,"Paid social, CFO persona",Paid Social,ast-ebook,Forecasting 101,ebook,Forecasting,2026-08-02',
  'li.wei@umbrella.co,Li,Wei,Umbrella,CTO,cmp-paid-cfo,"Paid social, CFO persona",Paid Social,,,,,2026-08-03',
].join('\r\n');

const deps = (over: Partial<FeedDeps> = {}): FeedDeps => ({ db, url: rx.feedUrl, lock: createLock(`feed-${n}`), timeoutMs: 5000, ...over });

async function snapshot() {
  return {
    leads: await db.leads.toArray(),
    campaigns: await db.campaigns.toArray(),
    content: await db.content.toArray(),
    touches: await db.touches.toArray(),
    imports: await db.imports.count(),
  };
}

describe('campaign feed', () => {
  it('imports JSON on 200, keeps the ETag, and changes nothing on 304', async () => {
    rx.setFeed({ body: campaignJson(), contentType: 'application/json; charset=utf-8', etag: '"v1"' });
    let changed = 0;
    const res = await pullFeed(deps({ onChanged: () => void changed++ }));
    expect(res.outcome).toBe('imported');
    expect(res.result).toMatchObject({ ok: true, leads: 2 });
    expect(await db.leads.get('ann@acme.io')).toMatchObject({ name: 'Ann Lee', company: 'Acme', title: 'CFO' });
    expect(await db.campaigns.get('cmp-q3-webinar')).toMatchObject({ name: 'Q3 ROI webinar' });
    expect((await db.imports.toArray()).at(-1)).toMatchObject({ source: 'feed' });
    const state = await readFeedState(db);
    expect(state).toMatchObject({ url: rx.feedUrl, etag: '"v1"', lastStatus: 200, lastError: null, lastResult: { leads: 2 } });
    expect(changed).toBe(1);

    const before = await snapshot();
    const again = await pullFeed(deps({ onChanged: () => void changed++ }));
    expect(again.outcome).toBe('not-modified');
    expect(rx.feedRequests.map((r) => r.ifNoneMatch)).toEqual([null, '"v1"']);
    expect(await snapshot()).toEqual(before);
    expect(changed).toBe(1);
    expect((await readFeedState(db)).lastStatus).toBe(304);
  });

  it('merges a newer version of the feed', async () => {
    rx.setFeed({ body: campaignJson(), contentType: 'application/json', etag: '"v1"' });
    await pullFeed(deps());
    rx.setFeed({ body: campaignJson('Chief Financial Officer'), contentType: 'application/json', etag: '"v2"' });
    expect((await pullFeed(deps())).outcome).toBe('imported');
    expect(await db.leads.get('ann@acme.io')).toMatchObject({ title: 'Chief Financial Officer' });
    expect(await db.leads.count()).toBe(2);
    expect((await readFeedState(db)).etag).toBe('"v2"');
  });

  it('imports CSV by Content-Type', async () => {
    rx.setFeed({ body: campaignCsv, contentType: 'text/csv; charset=utf-8' });
    const res = await pullFeed(deps());
    expect(res.outcome).toBe('imported');
    expect(await db.leads.get('maria.gonzalez@initech.io')).toMatchObject({ name: 'Maria Gonzalez', company: 'Initech' });
    expect(await db.campaigns.get('cmp-paid-cfo')).toMatchObject({ name: 'Paid social, CFO persona', channel: 'Paid Social' });
    expect((await readFeedState(db)).etag).toBeNull();
  });

  it('tells JSON and CSV apart by Content-Type, sniffing only vague types', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(feedKind('application/json')).toBe('json');
    expect(feedKind('application/vnd.unison+json; charset=utf-8')).toBe('json');
    expect(feedKind('text/csv')).toBe('csv');
    expect(feedKind('text/plain', bytes('\uFEFF  {"schema":1}'))).toBe('json');
    expect(feedKind('text/plain', bytes('email,name'))).toBe('csv');
    expect(feedKind(null, bytes('email'))).toBe('csv');
    expect(feedKind('text/html', bytes('<html>'))).toBeNull();
    expect(feedKind('image/png')).toBeNull();
  });

  describe('a broken feed changes nothing and says why', () => {
    const cases: Array<[string, () => void | Promise<void>, RegExp, Partial<FeedDeps>?]> = [
      ['an error status', () => rx.setFeed({ status: 500, body: 'boom' }), /HTTP 500/],
      ['no feed at all', () => rx.setFeed(null), /HTTP 404/],
      ['an HTML page', () => rx.setFeed({ body: '<html><body>Sign in</body></html>', contentType: 'text/html' }), /not JSON or CSV/],
      ['JSON that does not parse', () => rx.setFeed({ body: '{"schema": "unison.campaign-data/1", "leads": [', contentType: 'application/json' }), /could not be imported/],
      ['JSON of another schema', () => rx.setFeed({ body: '{"schema": "something/2", "rows": []}', contentType: 'application/json' }), /could not be imported/],
      ['CSV without an email column', () => rx.setFeed({ body: 'name,company\r\nAnn,Acme', contentType: 'text/csv' }), /could not be imported/],
      ['no answer in time', () => rx.setFeed({ body: campaignJson(), stallMs: 3000 }), /did not answer within/, { timeoutMs: 500 }],
      ['an unreachable server', () => undefined, /could not be reached/, { url: 'http://127.0.0.1:9/feed' }],
      ['a plain-http URL that is not loopback', () => undefined, /https/, { url: 'http://example.com/feed' }],
    ];
    for (const [name, setup, message, over] of cases) {
      it(name, async () => {
        rx.setFeed({ body: campaignJson(), contentType: 'application/json', etag: '"good"' });
        expect((await pullFeed(deps())).outcome).toBe('imported');
        const before = await snapshot();
        await setup();
        // a new ETag on the broken answer must not be kept either
        let changed = 0;
        const res = await pullFeed(deps({ ...over, onChanged: () => void changed++ }));
        expect(res.outcome).toBe('error');
        expect(res.error).toMatch(message);
        expect(await snapshot()).toEqual(before);
        expect(changed).toBe(0);
        const state = await readFeedState(db);
        expect(state.lastError?.message).toMatch(message);
        expect(state.etag).toBe('"good"');
        expect(state.lastImportAt).not.toBeNull();
      });
    }

    it('and a fixed feed then imports again', async () => {
      rx.setFeed({ status: 503, body: 'down' });
      expect((await pullFeed(deps())).outcome).toBe('error');
      rx.setFeed({ body: campaignCsv, contentType: 'text/csv' });
      expect((await pullFeed(deps())).outcome).toBe('imported');
      expect((await readFeedState(db)).lastError).toBeNull();
    });
  });

  it('does not send an ETag that belongs to another URL', async () => {
    rx.setFeed({ body: campaignJson(), contentType: 'application/json', etag: '"v1"' });
    await pullFeed(deps());
    await pullFeed(deps({ url: `${rx.feedUrl}?region=emea` }));
    expect(rx.feedRequests.map((r) => r.ifNoneMatch)).toEqual([null, null]);
  });

  it('does nothing without a URL', async () => {
    expect((await pullFeed(deps({ url: '  ' }))).outcome).toBe('not-configured');
    expect(rx.feedRequests).toHaveLength(0);
  });
});
