import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '@/utils/db';
import { leadCard } from '@/utils/leads';
import { importFromText } from '@/utils/import';

const sample = (f: string) => readFileSync(join(process.cwd(), 'public/sample', f), 'utf8');

const KNOWN: Array<[string, string, string, string]> = [
  ['ann@acme.io', 'Ann Lee', 'Acme', 'CFO'],
  ['raj.patel@globex.com', 'Raj Patel', 'Globex', 'VP Sales'],
  ['maria.gonzalez@initech.io', 'Maria Gonzalez', 'Initech', 'Head of RevOps'],
  ['li.wei@umbrella.co', 'Li Wei', 'Umbrella', 'CTO'],
  ['tom.baker@hooli.com', 'Tom Baker', 'Hooli', 'Procurement Manager'],
  ['sofia.rossi@vandelay.it', 'Sofia Rossi', 'Vandelay Industries', 'COO'],
  ['ken.ito@stark.jp', 'Ken Ito', 'Stark Industries', 'Director of Finance'],
  ['nina.berg@wayne.no', 'Nina Berg', 'Wayne Enterprises', 'Marketing Ops Lead'],
];
const NEVER = ['bob@unknown.org', 'support@vendor.example', 'newsletter@news.example', 'ops@partner.example', 'sam@seller.example'];

describe('bundled sample campaign data', () => {
  it('the HubSpot sample holds the 8 known leads and 20 others, none of the unknown contacts or the rep', async () => {
    const db = openDb('sample-csv');
    const r = await importFromText(db, sample('campaign-data.csv'), { fileName: 'campaign-data.csv', source: 'sample' });
    expect(r).toMatchObject({ ok: true, format: 'hubspot', leads: 28, issueCount: 0 });
    for (const [email, name, company, title] of KNOWN) {
      expect(await db.leads.get(email)).toMatchObject({ email, name, company, title, firstCampaign: expect.any(String) });
      expect(await db.touches.where('email').equals(email).count()).toBeGreaterThan(0);
    }
    for (const email of NEVER) expect(await db.leads.get(email)).toBeUndefined();
    const card = await leadCard(db, 'ann@acme.io');
    expect(card?.firstTouch?.campaign?.name).toBe('Q3 ROI webinar');
    expect(card?.latestTouch?.content?.title).toBe('Forecasting ROI webinar recording');
    expect(card?.consumed.map((c) => c.content.title)).toEqual(['Forecasting ROI webinar recording', 'ROI calculator']);
    db.close();
  });

  it('the JSON sample holds the same 8 leads, with https asset URLs; Nina’s asset carries inert markup', async () => {
    const db = openDb('sample-json');
    const r = await importFromText(db, sample('campaign-data.json'), { fileName: 'campaign-data.json', source: 'sample' });
    expect(r).toMatchObject({ ok: true, format: 'json', leads: 8, issueCount: 0 });
    expect((await db.leads.toCollection().primaryKeys()).sort()).toEqual(KNOWN.map((k) => k[0]).sort());
    const assets = await db.content.toArray();
    const markup = assets.filter((a) => !a.url?.startsWith('https://'));
    expect(markup).toEqual([
      {
        id: 'pipeline-insights-teaser',
        title: '<img src=x onerror=alert(1)>',
        type: 'other',
        url: 'javascript:alert(document.domain)',
        product: 'Pipeline Insights',
        campaignId: 'pipeline-insights-beta',
      },
    ]);
    const nina = await leadCard(db, 'nina.berg@wayne.no');
    expect(nina?.consumed.map((c) => c.content.id)).toContain('pipeline-insights-teaser');
    db.close();
  });

  it('importing both: the touches they share are one, campaigns and assets are one', async () => {
    const db = openDb('sample-both');
    await importFromText(db, sample('campaign-data.json'), { fileName: 'campaign-data.json', source: 'sample' });
    const jsonTouches = await db.touches.count();
    const r = await importFromText(db, sample('campaign-data.csv'), { fileName: 'campaign-data.csv', source: 'sample' });
    expect(r.ok).toBe(true);
    // every touch of the 8 known leads in the CSV was already there from the JSON
    for (const [email] of KNOWN) {
      const touches = await db.touches.where('email').equals(email).toArray();
      const expected = email === 'nina.berg@wayne.no' ? 3 : email === 'tom.baker@hooli.com' ? 1 : 2;
      expect(touches, email).toHaveLength(expected);
    }
    expect(await db.leads.count()).toBe(28);
    expect(await db.campaigns.count()).toBe(8);
    expect(await db.content.count()).toBe(10);
    expect(await db.touches.count()).toBeGreaterThan(jsonTouches);
    db.close();
  });
});
