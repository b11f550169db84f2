import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { recordFeedback } from '@/utils/feedback';
import { campaignDataSummary, clearCampaignData, importFromBytes, importFromText } from '@/utils/import';

const DIR = join(process.cwd(), 'tests/fixtures/campaign-data');
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const bytes = (f: string) => readFileSync(join(DIR, f));

let db: UnisonDB;
let n = 0;
beforeEach(async () => {
  db = openDb(`import-merge-${++n}`);
  await db.open();
});

/** Everything an import may change, sorted, for before/after comparisons. */
async function snapshot(d: UnisonDB) {
  const [leads, campaigns, content, touches, feedback] = await Promise.all([
    d.leads.toArray(),
    d.campaigns.toArray(),
    d.content.toArray(),
    d.touches.toArray(),
    d.feedback.toArray(),
  ]);
  return { leads, campaigns, content, touches, feedback };
}

const T1 = new Date('2026-11-01T09:00:00Z');
const T2 = new Date('2026-11-02T09:00:00Z');

describe('merging into the store', () => {
  it('imports a HubSpot export: leads, campaigns, content, touches, first campaign, import record', async () => {
    const r = await importFromText(db, text('hubspot.csv'), { fileName: 'hubspot.csv', source: 'file', now: T1 });
    expect(r).toMatchObject({ ok: true, format: 'hubspot', leads: 6, rows: 6, skippedRows: 0, issueCount: 0 });
    expect(r.written).toEqual({ leads: 6, campaigns: 6, content: 7, touches: r.touches });
    expect(await db.leads.count()).toBe(6);
    expect(await db.leads.get('ann@acme.io')).toEqual({
      email: 'ann@acme.io',
      name: 'Ann Lee',
      company: 'Acme',
      title: 'CFO',
      score: 72,
      stage: 'Marketing Qualified Lead',
      firstCampaign: 'Q3 ROI webinar',
      updatedAt: T1.toISOString(),
    });
    // Li Wei's first touch (an import) names no campaign: the first campaign is the earliest one
    expect((await db.leads.get('li.wei@umbrella.co'))?.firstCampaign).toBe('RevOps summit 2026');
    // Dana has no campaign at all
    expect((await db.leads.get('dana.kim@northwind.example'))?.firstCampaign).toBeUndefined();
    expect(await db.imports.toArray()).toEqual([
      { id: 1, at: T1.toISOString(), fileName: 'hubspot.csv', format: 'hubspot', rows: 6, leads: 6, touches: r.touches, skippedRows: 0, source: 'file' },
    ]);
  });

  it('re-importing the same file changes nothing (only the import is recorded)', async () => {
    const files = ['hubspot.csv', 'hubspot-old-headers.csv', 'canonical.csv', 'canonical.json', 'salesforce-campaign-members.csv', 'marketo.csv', 'pipedrive.csv', 'utm.csv', 'bad-rows.csv'];
    for (const f of files) {
      const own = openDb(`import-merge-again-${f}`);
      await importFromText(own, text(f), { fileName: f, source: 'file', now: T1 });
      const before = await snapshot(own);
      const again = await importFromText(own, text(f), { fileName: f, source: 'file', now: T2 });
      expect(again.ok).toBe(true);
      expect(again.written, f).toEqual({ leads: 0, campaigns: 0, content: 0, touches: 0 });
      expect(await snapshot(own), f).toEqual(before);
      expect(await own.imports.count()).toBe(2);
      own.close();
    }
  });

  it('after several overlapping files, importing the last one again changes nothing', async () => {
    const files = ['hubspot.csv', 'canonical.csv', 'canonical.json', 'salesforce-campaign-members.csv', 'marketo.csv', 'pipedrive.csv', 'utm.csv'];
    for (const f of files) await importFromText(db, text(f), { fileName: f, source: 'file', now: T1 });
    const before = await snapshot(db);
    const again = await importFromText(db, text('utm.csv'), { fileName: 'utm.csv', source: 'file', now: T2 });
    expect(again.written).toEqual({ leads: 0, campaigns: 0, content: 0, touches: 0 });
    expect(await snapshot(db)).toEqual(before);
    // every touch of every file is there once
    const distinct = new Set((await db.touches.toArray()).map((t) => `${t.email}|${t.campaignId}|${t.contentId}|${t.at}`));
    expect(distinct.size).toBe(await db.touches.count());
  });

  it('a newer file merges: leads updated by email, blanks keep values, touches de-duplicated', async () => {
    await importFromText(db, text('canonical.csv'), { fileName: 'canonical.csv', source: 'file', now: T1 });
    const before = await snapshot(db);
    const newer = [
      'email,name,company,title,campaign_id,campaign,content_id,content_title,touch,touched_at,score,stage',
      // the same first touch as before (same campaign, content, time), new score and stage, title left blank
      'ANN@acme.io,Ann Lee,Acme,,q3-roi-webinar,Q3 ROI webinar,roi-calculator,ROI calculator,first,2026-07-14T10:00:00Z,91,Sales Qualified Lead',
      // a new touch for Ann
      'ann@acme.io,,,,pipeline-insights-beta,Pipeline Insights beta,pipeline-insights-demo,Pipeline Insights demo,latest,2026-11-01 08:00,,',
      // a new lead
      'omar.haddad@contoso.example,Omar Haddad,Contoso,CIO,q3-roi-webinar,Q3 ROI webinar,,,,2026-10-30,,Lead',
    ].join('\n');
    const r = await importFromText(db, newer, { fileName: 'newer.csv', source: 'file', now: T2 });
    expect(r).toMatchObject({ ok: true, leads: 2, touches: 3 });
    expect(r.written).toMatchObject({ leads: 2, touches: 2 });

    const ann = await db.leads.get('ann@acme.io');
    expect(ann).toEqual({
      email: 'ann@acme.io',
      name: 'Ann Lee',
      company: 'Acme',
      title: 'CFO', // blank in the newer file: kept
      score: 91,
      stage: 'Sales Qualified Lead',
      firstCampaign: 'Q3 ROI webinar',
      updatedAt: T2.toISOString(),
    });
    const annTouches = await db.touches.where('email').equals('ann@acme.io').toArray();
    expect(annTouches).toHaveLength(3); // two from canonical.csv (one again in the newer file) + one new
    // Leads the newer file does not mention are as they were
    const raj = await db.leads.get('raj.patel@globex.com');
    expect(raj).toEqual(before.leads.find((l) => l.email === 'raj.patel@globex.com'));
    expect(await db.leads.count()).toBe(9);
  });

  it('the first-touch campaign follows the dates when the source does not say, also across files', async () => {
    await importFromText(db, text('canonical.csv'), { fileName: 'canonical.csv', source: 'file', now: T1 });
    // Raj's touches have no kind: the earliest (06/03/2026) is the first
    expect((await db.leads.get('raj.patel@globex.com'))?.firstCampaign).toBe('Pipeline blog series');
    // A later file brings an earlier touch from another campaign
    await importFromText(db, 'email,campaign,touched_at\nraj.patel@globex.com,Partner webinar spring,2026-03-02\n', { fileName: 'older.csv', source: 'file', now: T2 });
    const raj = await db.leads.get('raj.patel@globex.com');
    expect(raj?.firstCampaign).toBe('Partner webinar spring');
    expect(raj?.updatedAt).toBe(T2.toISOString());
    // An explicit "first" touch wins over dates: Ann's stays
    await importFromText(db, 'email,campaign,touched_at\nann@acme.io,Partner webinar spring,2026-01-05\n', { fileName: 'older2.csv', source: 'file', now: T2 });
    expect((await db.leads.get('ann@acme.io'))?.firstCampaign).toBe('Q3 ROI webinar');
  });

  it('a file that renames a campaign renames it as the first campaign of leads it does not list', async () => {
    await importFromText(db, text('canonical.csv'), { fileName: 'canonical.csv', source: 'file', now: T1 });
    expect((await db.leads.get('ann@acme.io'))?.firstCampaign).toBe('Q3 ROI webinar');
    const raj = await db.leads.get('raj.patel@globex.com');
    // Only Ken is in the file; Ann's first campaign is the renamed one, Raj's is another.
    await importFromText(db, 'email,campaign_id,campaign,touched_at\nken.ito@stark.jp,q3-roi-webinar,Q3 ROI webinar (recorded),2026-10-01\n', { fileName: 'rename.csv', source: 'file', now: T2 });
    expect((await db.campaigns.get('q3-roi-webinar'))?.name).toBe('Q3 ROI webinar (recorded)');
    expect(await db.leads.get('ann@acme.io')).toMatchObject({ firstCampaign: 'Q3 ROI webinar (recorded)', updatedAt: T2.toISOString() });
    expect(await db.leads.get('raj.patel@globex.com')).toEqual(raj);
  });

  it('a campaign seen by name in one file and with more detail in another is one record', async () => {
    await importFromText(db, text('hubspot.csv'), { fileName: 'hubspot.csv', source: 'file', now: T1 });
    await importFromText(db, text('canonical.json'), { fileName: 'canonical.json', source: 'file', now: T2 });
    expect(await db.campaigns.get('q3-roi-webinar')).toEqual({
      id: 'q3-roi-webinar',
      name: 'Q3 ROI webinar',
      channel: 'Webinar',
      product: 'Forecasting',
      utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi' },
      startedAt: '2026-07-01',
    });
    // Ann's first touch is in both files: one touch
    const ann = await db.touches.where('email').equals('ann@acme.io').toArray();
    expect(ann.filter((t) => t.campaignId === 'q3-roi-webinar' && t.contentId === 'roi-calculator')).toHaveLength(1);
  });

  it('a later file that gives campaigns and content by id alone keeps their stored names and titles', async () => {
    const first = 'email,campaign_id,campaign,content_id,content_title,touched_at\nann@acme.io,cmp-q3,Q3 ROI webinar,ast-roi,ROI calculator,2026-07-14\nbob@acme.io,cmp-q3,Q3 ROI webinar,,,2026-07-15\n';
    await importFromText(db, first, { fileName: 'a.csv', source: 'file', now: T1 });
    await importFromText(db, 'email,campaign_id,content_id,touched_at\nann@acme.io,cmp-q3,ast-roi,2026-08-01\n', { fileName: 'b.csv', source: 'file', now: T2 });
    expect((await db.campaigns.get('cmp-q3'))?.name).toBe('Q3 ROI webinar');
    expect((await db.content.get('ast-roi'))?.title).toBe('ROI calculator');
    // Bob is not in the second file: his first campaign is not renamed to the id.
    expect((await db.leads.get('bob@acme.io'))?.firstCampaign).toBe('Q3 ROI webinar');
    // The same in JSON; a name given later still renames.
    const json = (o: object) => JSON.stringify({ schema: 'unison.campaign-data/1', ...o });
    await importFromText(db, json({ campaigns: [{ id: 'cmp-q3', channel: 'Webinar' }], content: [{ id: 'ast-roi', type: 'tool' }], leads: [{ email: 'cat@acme.io' }] }), { fileName: 'c.json', source: 'file', now: T2 });
    expect(await db.campaigns.get('cmp-q3')).toMatchObject({ name: 'Q3 ROI webinar', channel: 'Webinar' });
    expect(await db.content.get('ast-roi')).toMatchObject({ title: 'ROI calculator', type: 'tool' });
    await importFromText(db, 'email,campaign_id,campaign\nann@acme.io,cmp-q3,Q3 ROI webinar (EMEA)\n', { fileName: 'd.csv', source: 'file', now: T2 });
    expect((await db.campaigns.get('cmp-q3'))?.name).toBe('Q3 ROI webinar (EMEA)');
    // A campaign met first by id alone, named further down the same file, takes that name.
    await importFromText(db, 'email,campaign_id,campaign\ndan@acme.io,cmp-new,\neve@acme.io,cmp-new,New launch\n', { fileName: 'e.csv', source: 'file', now: T2 });
    expect((await db.campaigns.get('cmp-new'))?.name).toBe('New launch');
  });

  it('the first-touch mark of a touch stays when a later file calls the same touch "latest", as within one file', async () => {
    const H = 'email,campaign,touched_at,touch\n';
    await importFromText(db, `${H}ann@acme.io,Q3,2026-07-01,first\n`, { fileName: 'a.csv', source: 'file', now: T1 });
    await importFromText(db, `${H}ann@acme.io,Q3,2026-07-01,latest\n`, { fileName: 'b.csv', source: 'file', now: T2 });
    expect((await db.touches.toArray()).map((t) => t.kind)).toEqual(['first']);
  });

  it('feedback is never changed by an import or by replacing all campaign data', async () => {
    await importFromText(db, text('hubspot.csv'), { fileName: 'hubspot.csv', source: 'file', now: T1 });
    const stamp = { rep: { name: 'Sam Ortiz', email: 'sam@seller.example' }, site: 'gmail' as const, now: T1 };
    await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'poor_fit', reason: 'no_budget', campaignId: 'q3-roi-webinar' }, stamp);
    await recordFeedback(db, { leadEmail: 'raj.patel@globex.com', type: 'content_relevance', value: 'relevant', contentId: 'roi-calculator' }, stamp);
    const feedback = await db.feedback.toArray();
    expect(feedback).toHaveLength(2);

    await importFromText(db, text('canonical.csv'), { fileName: 'canonical.csv', source: 'file', now: T2 });
    await importFromText(db, text('canonical.json'), { fileName: 'canonical.json', source: 'feed', now: T2 });
    expect(await db.feedback.toArray()).toEqual(feedback);
    await clearCampaignData(db, T2);
    expect(await db.feedback.toArray()).toEqual(feedback);
  });

  it('"Replace all campaign data" clears leads, campaigns, content and touches only', async () => {
    await importFromText(db, text('hubspot.csv'), { fileName: 'hubspot.csv', source: 'file', now: T1 });
    await db.mappings.put({ signature: 'a|b', mapping: { email: 'a' }, savedAt: T1.toISOString() });
    expect(await campaignDataSummary(db)).toMatchObject({ leads: 6, campaigns: 6, content: 7, clearedAt: null, lastImport: { fileName: 'hubspot.csv' } });
    await clearCampaignData(db, T2);
    expect(await Promise.all([db.leads.count(), db.campaigns.count(), db.content.count(), db.touches.count()])).toEqual([0, 0, 0, 0]);
    expect(await db.imports.count()).toBe(1);
    expect(await db.mappings.count()).toBe(1);
    expect(await campaignDataSummary(db)).toMatchObject({ leads: 0, clearedAt: T2.toISOString(), lastImport: { fileName: 'hubspot.csv' } });
    // importing again afterwards: the clear is history
    await importFromText(db, text('marketo.csv'), { fileName: 'marketo.csv', source: 'file', now: new Date('2026-11-03T00:00:00Z') });
    expect(await campaignDataSummary(db)).toMatchObject({ leads: 4, clearedAt: null, lastImport: { fileName: 'marketo.csv', format: 'marketo' } });
  });

  it('valid rows are imported and bad rows reported (the feed accepts them)', async () => {
    const r = await importFromText(db, text('bad-rows.csv'), { fileName: 'bad-rows.csv', source: 'feed', now: T1 });
    expect(r).toMatchObject({ ok: true, leads: 3, rows: 6, skippedRows: 3, issueCount: 3 });
    expect(r.issues.map((i) => i.line)).toEqual([3, 6, 7]);
    expect((await db.leads.toCollection().primaryKeys()).sort()).toEqual(['ann@acme.io', 'maria.gonzalez@initech.io', 'raj.patel@globex.com']);
    expect((await db.imports.toArray())[0]).toMatchObject({ skippedRows: 3, rows: 6, source: 'feed' });
  });

  it('a file that cannot be read changes nothing and records no import', async () => {
    await importFromText(db, text('hubspot.csv'), { fileName: 'hubspot.csv', source: 'file', now: T1 });
    const before = await snapshot(db);
    const cases: Array<[string, Promise<{ ok: boolean; error?: string }>]> = [
      ['empty', importFromBytes(db, bytes('empty.csv'), { fileName: 'empty.csv', source: 'file' })],
      ['binary', importFromBytes(db, bytes('binary-png.csv'), { fileName: 'binary-png.csv', source: 'file' })],
      ['no email', importFromText(db, text('no-email.csv'), { fileName: 'no-email.csv', source: 'file' })],
      ['header only', importFromText(db, text('header-only.csv'), { fileName: 'header-only.csv', source: 'file' })],
      ['broken json', importFromText(db, '{"schema":"unison.campaign-data/1","leads":[{"email":', { fileName: 'feed', contentType: 'application/json', source: 'feed' })],
      ['unknown shape', importFromText(db, text('unknown-shape.csv'), { fileName: 'unknown-shape.csv', source: 'feed' })],
      ['single line', importFromText(db, 'y'.repeat(10 * 1024 * 1024), { fileName: 'line.csv', source: 'file' })],
      ['no valid rows', importFromText(db, 'email,campaign\nnot-an-address,Q3\n,Q3\n', { fileName: 'bad.csv', source: 'file' })],
    ];
    for (const [what, pending] of cases) {
      const r = await pending;
      expect(r.ok, what).toBe(false);
      expect(r.error, what).toBeTruthy();
    }
    expect(await snapshot(db)).toEqual(before);
    expect(await db.imports.count()).toBe(1);
  });

  it('decodes bytes (UTF-16) before importing, and reads a feed as JSON by its content type', async () => {
    const r = await importFromBytes(db, bytes('utf16le.csv'), { fileName: 'utf16le.csv', source: 'file', now: T1 });
    expect(r).toMatchObject({ ok: true, leads: 3 });
    expect((await db.leads.get('juergen.weiss@kraftwerk.example'))?.name).toBe('Jürgen Weiß');
    const feed = await importFromText(db, text('canonical.json'), { fileName: 'https://marketing.example/feed', contentType: 'application/json; charset=utf-8', source: 'feed', now: T1 });
    expect(feed).toMatchObject({ ok: true, format: 'json', leads: 4 });
    const csvFeed = await importFromText(db, text('utm.csv'), { fileName: 'https://marketing.example/feed.php', contentType: 'text/csv', source: 'feed', now: T1 });
    expect(csvFeed).toMatchObject({ ok: true, format: 'utm', leads: 4 });
  });
});

describe('imports at the same time', () => {
  it('two imports running together both land in full: the later one is worked out again', { timeout: 120_000 }, async () => {
    // Big enough that working out each merge yields to the event loop, so the two interleave.
    const rows = (f: (i: number) => string) => Array.from({ length: 3000 }, (_, i) => f(i)).join('\n');
    const fileA = `email,company,campaign,touched_at\n${rows((i) => `lead${i}@both.example,Company ${i},Spring webinar,2026-03-01`)}`;
    const fileB = `email,title,campaign,touched_at\n${rows((i) => `lead${i}@both.example,Title ${i},Winter event,2025-12-01`)}`;
    const [ra, rb] = await Promise.all([
      importFromText(db, fileA, { fileName: 'a.csv', source: 'file', now: T1 }),
      importFromText(db, fileB, { fileName: 'b.csv', source: 'feed', now: T2 }),
    ]);
    expect(ra.ok && rb.ok).toBe(true);
    expect(await db.imports.count()).toBe(2);
    // As if one had run after the other: nothing of either file is lost
    const leads = await db.leads.toArray();
    expect(leads).toHaveLength(3000);
    for (const l of leads) {
      const i = l.email.slice(4, l.email.indexOf('@'));
      expect(l).toMatchObject({ company: `Company ${i}`, title: `Title ${i}`, firstCampaign: 'Winter event' });
    }
    expect(await db.touches.count()).toBe(6000);
  });
});
