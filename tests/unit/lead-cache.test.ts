import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { recordFeedback, answersFor } from '@/utils/feedback';
import { importFromText } from '@/utils/import';
import { LeadCache, lookupLeads } from '@/utils/leads';

let db: UnisonDB;
let n = 0;
beforeEach(async () => {
  db = openDb(`cache-${++n}`);
  await db.open();
  await importFromText(db, 'email,name,campaign\nann@acme.io,Ann Lee,Q3 ROI webinar\n', { fileName: 'a.csv', source: 'file' });
});

describe('the lookup cache of the background', () => {
  it('answers repeated lookups without reading leads again, and the same as without it', async () => {
    const cache = new LeadCache();
    const spy = vi.spyOn(db.leads, 'bulkGet');
    const emails = ['ANN@acme.io ', 'bob@unknown.org', 'not an address'];
    const first = await lookupLeads(db, emails, [], cache);
    expect(first).toEqual(await lookupLeads(db, emails));
    expect(first.map((l) => [l.email, l.name, l.firstCampaign])).toEqual([['ann@acme.io', 'Ann Lee', 'Q3 ROI webinar']]);
    const reads = spy.mock.calls.length;
    expect(await lookupLeads(db, emails, [], cache)).toEqual(first);
    expect(spy.mock.calls.length).toBe(reads);
  });

  it('reads again after any import changes the campaign data', async () => {
    const cache = new LeadCache();
    expect(await lookupLeads(db, ['raj.patel@globex.com'], [], cache)).toEqual([]);
    await importFromText(db, 'email,name,campaign\nraj.patel@globex.com,Raj Patel,Nurture\n', { fileName: 'b.csv', source: 'file' });
    expect((await lookupLeads(db, ['raj.patel@globex.com'], [], cache)).map((l) => l.name)).toEqual(['Raj Patel']);
  });

  it('takes the answers the background gives it after recording feedback', async () => {
    const cache = new LeadCache();
    expect((await lookupLeads(db, ['ann@acme.io'], [], cache))[0].answers).toEqual({});
    await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, { rep: { name: null, email: null }, site: 'gmail' });
    cache.setAnswers('ann@acme.io', await answersFor(db, 'ann@acme.io'));
    expect((await lookupLeads(db, ['ann@acme.io'], [], cache))[0].answers.lead_quality?.value).toBe('good');
  });
});
