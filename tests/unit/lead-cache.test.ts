import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { recordFeedback, answersFor } from '@/utils/feedback';
import { clearCampaignData, importFromText } from '@/utils/import';
import { buildLeadIndex, LeadCache, lookupLeads } from '@/utils/leads';
import { dataVersion } from '@/utils/import/merge';

let db: UnisonDB;
let dbName: string;
/** Another context (the options page) with the same database open. */
let other: UnisonDB;
let n = 0;
const REP = { rep: { name: null, email: null }, site: 'gmail' as const };

beforeEach(async () => {
  dbName = `cache-${++n}`;
  db = openDb(dbName);
  await db.open();
  other = openDb(dbName);
  await other.open();
  await importFromText(db, 'email,name,company,campaign\nann@acme.io,Ann Lee,Acme,Q3 ROI webinar\nbo@acme.io,Bo Chen,Acme,Q3 ROI webinar\n', { fileName: 'a.csv', source: 'file' });
});
afterEach(() => {
  other.close();
  db.close();
});

const names = async (cache: LeadCache, emails: string[]) => (await lookupLeads(db, emails, [], cache)).map((l) => l.name);

describe('the lead index of the background', () => {
  it('answers the same as the store, and once built reads no lead from it', async () => {
    const cache = new LeadCache();
    const emails = ['ANN@acme.io ', 'bob@unknown.org', 'not an address', 'bo@acme.io'];
    const direct = await lookupLeads(db, emails);
    expect(direct.map((l) => [l.email, l.name, l.company, l.firstCampaign])).toEqual([
      ['ann@acme.io', 'Ann Lee', 'Acme', 'Q3 ROI webinar'],
      ['bo@acme.io', 'Bo Chen', 'Acme', 'Q3 ROI webinar'],
    ]);
    // Before the index exists the lookup reads the store (and starts the build).
    expect(await lookupLeads(db, emails, [], cache)).toEqual(direct);
    expect(await cache.ready(db)).not.toBeNull();
    const bulkGet = vi.spyOn(db.leads, 'bulkGet');
    const where = vi.spyOn(db.leads, 'where');
    const feedbackWhere = vi.spyOn(db.feedback, 'where');
    expect(await lookupLeads(db, emails, [], cache)).toEqual(direct);
    expect(await lookupLeads(db, ['nobody@else.org', 'bob@unknown.org'], [], cache)).toEqual([]);
    expect(bulkGet).not.toHaveBeenCalled();
    expect(where).not.toHaveBeenCalled();
    // Neither lead has feedback: no answers are read either.
    expect(feedbackWhere).not.toHaveBeenCalled();
  });

  it('keeps repeated company and campaign names once', async () => {
    const index = await buildLeadIndex(db, await dataVersion(db));
    const [ann, bo] = [index.leads.get('ann@acme.io')!, index.leads.get('bo@acme.io')!];
    expect(ann.company).toBe('Acme');
    // The same string, not two equal copies (what keeps 100,000 leads of a few companies small).
    expect(Object.is(ann.company, bo.company) && Object.is(ann.firstCampaign, bo.firstCampaign)).toBe(true);
  });

  it('reads every lead when there are more than one chunk of them', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => `lead${i}@bulk.example,Lead ${i}`).join('\n');
    await importFromText(db, `email,name\n${rows}\n`, { fileName: 'bulk.csv', source: 'file' });
    const index = await buildLeadIndex(db, await dataVersion(db));
    expect(index.leads.size).toBe(25_002);
    expect(index.leads.get('lead24999@bulk.example')?.name).toBe('Lead 24999');
  });

  it('sees an import made by another context at once, and rebuilds for it', async () => {
    const cache = new LeadCache();
    await cache.ready(db);
    expect(await names(cache, ['raj.patel@globex.com'])).toEqual([]);
    await importFromText(other, 'email,name,campaign\nraj.patel@globex.com,Raj Patel,Nurture\nann@acme.io,Ann Lee-Park,\n', { fileName: 'b.csv', source: 'file' });
    // No message from the options page needed: the data version moved.
    expect(await names(cache, ['raj.patel@globex.com', 'ann@acme.io'])).toEqual(['Raj Patel', 'Ann Lee-Park']);
    const index = await cache.ready(db);
    expect(index?.leads.get('raj.patel@globex.com')?.name).toBe('Raj Patel');
    expect(await names(cache, ['raj.patel@globex.com', 'ann@acme.io'])).toEqual(['Raj Patel', 'Ann Lee-Park']);
  });

  it('finds nothing after "Replace all" in another context, and what the next import brings', async () => {
    const cache = new LeadCache();
    await cache.ready(db);
    expect(await names(cache, ['ann@acme.io'])).toEqual(['Ann Lee']);
    await clearCampaignData(other);
    expect(await names(cache, ['ann@acme.io'])).toEqual([]);
    await cache.ready(db);
    expect(await names(cache, ['ann@acme.io'])).toEqual([]);
    await importFromText(other, 'email,name\nbo@acme.io,Bo Chen\n', { fileName: 'c.csv', source: 'file' });
    expect(await names(cache, ['ann@acme.io', 'bo@acme.io'])).toEqual(['Bo Chen']);
  });

  it('rebuilds after the service worker restarts (a new cache), from what is stored', async () => {
    await new LeadCache().ready(db);
    await importFromText(other, 'email,name\nraj.patel@globex.com,Raj Patel\n', { fileName: 'b.csv', source: 'file' });
    const restarted = new LeadCache();
    expect(await names(restarted, ['raj.patel@globex.com'])).toEqual(['Raj Patel']);
    await restarted.ready(db);
    expect(await names(restarted, ['raj.patel@globex.com'])).toEqual(['Raj Patel']);
  });

  it('does not keep an index read while another context imported', async () => {
    const cache = new LeadCache();
    // The import lands right after the build read the first (and only) chunk of leads.
    const limit = db.leads.limit.bind(db.leads);
    vi.spyOn(db.leads, 'limit').mockImplementationOnce((count) => {
      const chunk = limit(count);
      const read = chunk.toArray.bind(chunk);
      chunk.toArray = (async () => {
        const rows = await read();
        await importFromText(other, 'email,name\nraj.patel@globex.com,Raj Patel\n', { fileName: 'b.csv', source: 'file' });
        return rows;
      }) as typeof chunk.toArray;
      return chunk;
    });
    expect(await cache.ready(db)).toBeNull();
    expect(await names(cache, ['raj.patel@globex.com'])).toEqual(['Raj Patel']);
    expect((await cache.ready(db))?.leads.has('raj.patel@globex.com')).toBe(true);
  });
});

describe('answers in the lookup', () => {
  it('reads the answers of leads with feedback when it is built, and takes new ones from the background', async () => {
    await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, REP);
    const cache = new LeadCache();
    await cache.ready(db);
    const [ann] = await lookupLeads(db, ['ann@acme.io'], [], cache);
    expect(ann.answers.lead_quality?.value).toBe('good');
    // Bo had no feedback when the index was built; the background records some and hands it over.
    await recordFeedback(db, { leadEmail: 'bo@acme.io', type: 'lead_quality', value: 'poor_fit', reason: 'no_budget' }, REP);
    cache.setAnswers('bo@acme.io', await answersFor(db, 'bo@acme.io'));
    const [bo] = await lookupLeads(db, ['bo@acme.io'], [], cache);
    expect(bo.answers.lead_quality).toMatchObject({ value: 'poor_fit', reason: 'no_budget' });
  });

  it('reads the answers again after sync marks them', async () => {
    const event = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, REP);
    const cache = new LeadCache();
    await cache.ready(db);
    expect((await lookupLeads(db, ['ann@acme.io'], [], cache))[0].answers.lead_quality?.synced).toBe(false);
    await db.feedback.update(event.id, { syncState: 'synced', syncedAt: new Date().toISOString() });
    // Still the kept answers until the background says sync marked them.
    expect((await lookupLeads(db, ['ann@acme.io'], [], cache))[0].answers.lead_quality?.synced).toBe(false);
    cache.forgetAnswers(['ann@acme.io']);
    expect((await lookupLeads(db, ['ann@acme.io'], [], cache))[0].answers.lead_quality?.synced).toBe(true);
  });

  it('reads again the answers of a lead whose first feedback came after the index was built, once sync marked them', async () => {
    const cache = new LeadCache();
    await cache.ready(db);
    // Bo had no feedback when the index was built: it does not list him among the leads with answers.
    await recordFeedback(db, { leadEmail: 'bo@acme.io', type: 'info_sufficiency', value: 'insufficient' }, REP);
    cache.setAnswers('bo@acme.io', await answersFor(db, 'bo@acme.io'));
    await db.feedback.where('leadEmail').equals('bo@acme.io').modify({ syncState: 'synced', syncedAt: new Date().toISOString() });
    cache.forgetAnswers(['bo@acme.io']);
    const [bo] = await lookupLeads(db, ['bo@acme.io'], [], cache);
    expect(bo.answers.info_sufficiency).toMatchObject({ value: 'insufficient', synced: true });
    // A lead nobody gave feedback about costs no read of answers.
    const read = vi.spyOn(db.feedback, 'where');
    const [ann] = await lookupLeads(db, ['ann@acme.io'], [], cache);
    expect(ann.answers).toEqual({});
    expect(read).not.toHaveBeenCalled();
  });
});
