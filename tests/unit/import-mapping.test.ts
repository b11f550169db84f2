import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { importFromText, prepareText, saveMapping } from '@/utils/import';
import { checkMapping, suggestMapping } from '@/utils/import/mapping';
import { headerSignature } from '@/utils/import/util';

const DIR = join(process.cwd(), 'tests/fixtures/campaign-data');
const text = (f: string) => readFileSync(join(DIR, f), 'utf8');
const traps = JSON.parse(readFileSync(join(DIR, 'traps.json'), 'utf8'));

let db: UnisonDB;
let n = 0;
beforeEach(async () => {
  db = openDb(`import-mapping-${++n}`);
  await db.open();
});

describe('column mapping for files no known export fits', () => {
  it('asks for a mapping, with the headers, a preview of the first rows and a guess', async () => {
    const p = await prepareText(db, text('unknown-shape.csv'), { fileName: 'unknown-shape.csv' });
    expect(p.kind).toBe('needs-mapping');
    if (p.kind !== 'needs-mapping') return;
    expect(p.headers).toEqual(['Attendee', 'Contact', 'Organisation', 'Session attended', 'Checked in']);
    expect(p.preview).toHaveLength(3);
    expect(p.preview[0]).toEqual(['Ann Lee', 'ann@acme.io', 'Acme', 'Forecasting ROI workshop', '2026-09-16 10:05']);
    // "Contact" holds addresses (found by its values), "Organisation" means company
    expect(p.suggestion).toEqual({ email: 'Contact', company: 'Organisation' });
    expect(p.saved).toBeNull();
    expect(p.signature).toBe('attendee|checked in|contact|organisation|session attended');
  });

  it('reads the file through the chosen mapping (traps.json)', async () => {
    const mapping = traps['unknown-shape.csv'].mapping;
    const p = await prepareText(db, text('unknown-shape.csv'), { fileName: 'unknown-shape.csv', mapping });
    expect(p.kind).toBe('ready');
    if (p.kind !== 'ready') return;
    expect(p.format).toBe('mapped');
    expect(p.data.leads.size).toBe(traps['unknown-shape.csv'].leads);
    expect(p.data.leads.get('ann@acme.io')).toEqual({ email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme' });
    const touch = [...p.data.touches.values()].find((t) => t.email === 'li.wei@umbrella.co');
    expect(touch).toMatchObject({ campaignId: 'pipeline-hygiene-clinic', at: '2026-09-16T14:30:00.000Z' });
    // A column not chosen is not read, even if its name would mean something
    const p2 = await prepareText(db, text('unknown-shape.csv'), { fileName: 'u.csv', mapping: { email: 'Contact' } });
    expect(p2.kind === 'ready' && p2.data.leads.get('ann@acme.io')).toEqual({ email: 'ann@acme.io' });
  });

  it('offers a saved mapping for the next file of the same shape (header order and case aside)', async () => {
    const mapping = { email: 'Contact', name: 'Attendee', campaign: 'Session attended' };
    await saveMapping(db, ['Attendee', 'Contact', 'Organisation', 'Session attended', 'Checked in'], mapping, new Date('2026-11-01T09:00:00Z'));
    expect(await db.mappings.get('attendee|checked in|contact|organisation|session attended')).toEqual({
      signature: 'attendee|checked in|contact|organisation|session attended',
      mapping,
      savedAt: '2026-11-01T09:00:00.000Z',
    });
    const next = 'CONTACT,Attendee,Session attended,Checked in,Organisation\nnina.berg@wayne.no,Nina Berg,Pipeline hygiene clinic,2026-10-02 09:00,Wayne Enterprises\n';
    const p = await prepareText(db, next, { fileName: 'next-week.csv' });
    expect(p.kind).toBe('needs-mapping');
    if (p.kind !== 'needs-mapping') return;
    expect(p.savedAt).toBe('2026-11-01T09:00:00.000Z');
    // named with this file's spelling of the headers
    expect(p.saved).toEqual({ email: 'CONTACT', name: 'Attendee', campaign: 'Session attended' });
    const ready = await prepareText(db, next, { fileName: 'next-week.csv', mapping: p.saved! });
    expect(ready.kind === 'ready' && ready.data.leads.get('nina.berg@wayne.no')?.name).toBe('Nina Berg');
    // another shape (one column more) is not offered the mapping
    const other = await prepareText(db, `Badge,${next}`, { fileName: 'other.csv' });
    expect(other.kind === 'needs-mapping' && other.saved).toBeNull();
  });

  it('a feed uses the saved mapping without asking; without one it changes nothing', async () => {
    const before = await importFromText(db, text('unknown-shape.csv'), { fileName: 'checkins', source: 'feed' });
    expect(before.ok).toBe(false);
    expect(before.error).toMatch(/not a format Unison recognises/);
    expect(await db.leads.count()).toBe(0);
    await saveMapping(db, ['Attendee', 'Contact', 'Organisation', 'Session attended', 'Checked in'], traps['unknown-shape.csv'].mapping);
    const r = await importFromText(db, text('unknown-shape.csv'), { fileName: 'checkins', source: 'feed' });
    expect(r).toMatchObject({ ok: true, format: 'mapped', leads: 3 });
    expect((await db.leads.get('raj.patel@globex.com'))?.firstCampaign).toBe('Forecasting ROI workshop');
  });

  it('refuses a mapping without an email column, or naming a column the file lacks', async () => {
    const headers = ['Attendee', 'Contact'];
    expect(checkMapping(headers, { name: 'Attendee' })).toBe('Choose the column that holds the email address.');
    expect(checkMapping(headers, { email: 'Contact', company: 'Org' })).toBe('The column “Org” chosen for Company is not in this file.');
    const p = await prepareText(db, text('unknown-shape.csv'), { fileName: 'u.csv', mapping: { email: 'Mail' } });
    expect(p).toMatchObject({ kind: 'failed', error: 'The column “Mail” chosen for Email is not in this file.' });
  });

  it('guesses fields from common header names', () => {
    const headers = ['E-Mail Address', 'Given name', 'Surname', 'Organization', 'Campaign Name', 'Date', 'Landing Page'];
    expect(suggestMapping(headers, [])).toEqual({
      email: 'E-Mail Address',
      first_name: 'Given name',
      last_name: 'Surname',
      company: 'Organization',
      campaign: 'Campaign Name',
      content_url: 'Landing Page',
      touched_at: 'Date',
    });
    expect(headerSignature([' B ', '\uFEFFa', 'b'])).toBe('a|b');
  });
});
