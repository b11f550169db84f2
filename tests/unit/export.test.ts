// @vitest-environment node
import Papa from 'papaparse';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import {
  buildExport,
  collectExport,
  CSV_COLUMNS,
  dayRange,
  exportFileName,
  joinEvent,
  READ_CHUNK,
  NO_CAMPAIGN,
  toCsv,
  toJson,
  type ExportEvent,
} from '@/utils/export';
import type { StoredFeedback } from '@/utils/schema';
import { KNOWN_LEADS, makeEvent, makeEvents, REP } from '../support/events';

let db: UnisonDB;
let n = 0;

async function seed(events: StoredFeedback[]) {
  await db.leads.bulkPut(KNOWN_LEADS.map((l) => ({ ...l, updatedAt: '2026-10-01T00:00:00.000Z' })));
  await db.campaigns.bulkPut([
    { id: 'cmp-1', name: 'Q3 ROI webinar', channel: 'Webinar', product: 'Forecasting' },
    { id: 'cmp-2', name: 'Paid social, CFO persona', channel: 'Paid Social' },
    { id: 'cmp-3', name: '=HYPERLINK("http://evil.example","x")', channel: '+Email, "Nurture"' },
  ]);
  await db.content.bulkPut([
    { id: 'ast-1', title: 'ROI calculator', type: 'tool' },
    { id: 'ast-2', title: 'Forecasting 101, the ebook', type: 'ebook' },
    { id: 'ast-3', title: '@mention guide', type: 'blog' },
  ]);
  await db.feedback.bulkAdd(events);
}

beforeEach(async () => {
  db = openDb(`export-${++n}-${Date.now()}`);
  await db.open();
});

function parseCsv(text: string) {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const body = text.slice(1);
  // every line break is CRLF, none bare (line breaks inside quoted cells are kept as given)
  const outside = body.replace(/"(?:[^"]|"")*"/g, '');
  expect(outside.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const parsed = Papa.parse<Record<string, string>>(body, { header: true, skipEmptyLines: true, newline: '\r\n' });
  expect(parsed.errors).toEqual([]);
  return parsed;
}

describe('CSV export', () => {
  it('has the BOM, CRLF, the exact header and one row per event with names joined', async () => {
    const special = makeEvent(1, {
      note: 'Said "call me in Q1", budget frozen,\r\nsee thread',
      syncState: 'synced',
      syncedAt: '2026-11-02T00:00:00.000Z',
    });
    await seed([makeEvent(0), special, makeEvent(2), makeEvent(6)]);
    const csv = toCsv(await collectExport(db));
    const firstLine = csv.slice(1, csv.indexOf('\r\n'));
    expect(firstLine).toBe(CSV_COLUMNS.join(','));
    expect(firstLine).toBe(
      'id,created_at,rep_name,rep_email,lead_email,lead_name,company,campaign_id,campaign,channel,content_id,content,question,answer,reason,product,format,note,site,supersedes,synced_at',
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    const parsed = parseCsv(csv);
    expect(parsed.meta.fields).toEqual([...CSV_COLUMNS]);
    expect(parsed.data).toHaveLength(4);
    const row0 = parsed.data[0];
    expect(row0).toEqual({
      id: makeEvent(0).id,
      created_at: '2026-11-01T09:00:00.000Z',
      rep_name: REP.name,
      rep_email: REP.email,
      lead_email: 'ann@acme.io',
      lead_name: 'Ann Lee',
      company: 'Acme',
      campaign_id: 'cmp-1',
      campaign: 'Q3 ROI webinar',
      channel: 'Webinar',
      content_id: 'ast-1',
      content: 'ROI calculator',
      question: 'lead_quality',
      answer: 'good',
      reason: '',
      product: '',
      format: '',
      note: '',
      site: 'gmail',
      supersedes: '',
      synced_at: '',
    });
    // RFC 4180: quotes doubled, the cell quoted, the line break inside kept
    expect(parsed.data[1]).toMatchObject({
      lead_name: 'Raj Patel',
      answer: 'poor_fit',
      reason: 'no_budget',
      note: 'Said "call me in Q1", budget frozen,\r\nsee thread',
      synced_at: '2026-11-02T00:00:00.000Z',
    });
    expect(csv).toContain('"Said ""call me in Q1"", budget frozen,\r\nsee thread"');
    expect(parsed.data[3]).toMatchObject({ question: 'content_request', answer: 'requested', product: 'Forecasting', format: 'case_study' });
  });

  it("guards every cell that begins with = + - @ tab or CR with ' and nothing else", () => {
    const base = {
      ...makeEvent(0),
      leadName: null,
      company: null,
      campaign: null,
      channel: null,
      content: null,
      syncedAt: null,
    } as ExportEvent;
    const cases: Array<[string, string]> = [
      ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
      ['+1 555 0100', "'+1 555 0100"],
      ['-5% off', "'-5% off"],
      ['@handle', "'@handle"],
      ['\tindented', "'\tindented"],
      ['\rstarts with CR', "'\rstarts with CR"],
      ['=cmd|\' /C calc\'!A0\nsecond line', "'=cmd|' /C calc'!A0\nsecond line"],
      ['plain = inside', 'plain = inside'],
      [' =leading space', ' =leading space'],
      ['%not a formula', '%not a formula'],
      ['', ''],
    ];
    const events = cases.map(([note], i) => ({ ...base, id: `id-${i}`, note }));
    const parsed = parseCsv(toCsv(events));
    expect(parsed.data.map((r) => r.note)).toEqual(cases.map(([, want]) => want));
  });

  it('guards joined names and values from campaign data too', async () => {
    await seed([makeEvent(2)]); // cmp-3 and ast-3
    const parsed = parseCsv(toCsv(await collectExport(db)));
    expect(parsed.data[0]).toMatchObject({
      campaign: `'=HYPERLINK("http://evil.example","x")`,
      channel: `'+Email, "Nurture"`,
      content: "'@mention guide",
    });
  });

  it('exports events without a lead or whose lead, campaign or content is unknown', async () => {
    await seed([
      makeEvent(0, { leadEmail: null, campaignId: null, contentId: null, type: 'content_request', value: 'requested', format: 'one_pager' }),
      makeEvent(1, { leadEmail: 'bob@unknown.org', campaignId: 'cmp-gone', contentId: 'ast-gone' }),
    ]);
    const parsed = parseCsv(toCsv(await collectExport(db)));
    expect(parsed.data[0]).toMatchObject({ lead_email: '', lead_name: '', campaign_id: '', campaign: '', format: 'one_pager' });
    expect(parsed.data[1]).toMatchObject({ lead_email: 'bob@unknown.org', lead_name: '', campaign_id: 'cmp-gone', campaign: '', content: '' });
  });

  it('keeps superseded events (every answer is exported)', async () => {
    const a = makeEvent(0);
    const b = makeEvent(7, { type: 'lead_quality', value: 'poor_fit', reason: 'wrong_persona', leadEmail: a.leadEmail, supersedes: a.id });
    await seed([a, b]);
    const parsed = parseCsv(toCsv(await collectExport(db)));
    expect(parsed.data.map((r) => [r.id, r.supersedes])).toEqual([
      [a.id, ''],
      [b.id, a.id],
    ]);
  });
});

describe('JSON export', () => {
  it('is unison.feedback-export/1 with the event fields and the joined names', async () => {
    await seed([makeEvent(1, { syncState: 'synced', syncedAt: '2026-11-02T00:00:00.000Z' })]);
    const at = new Date('2026-11-27T10:00:00.000Z');
    const doc = JSON.parse(toJson(await collectExport(db), at));
    expect(Object.keys(doc)).toEqual(['schema', 'exportedAt', 'events']);
    expect(doc.schema).toBe('unison.feedback-export/1');
    expect(doc.exportedAt).toBe('2026-11-27T10:00:00.000Z');
    const { syncState: _s, syncError: _e, ...wire } = makeEvent(1, { syncedAt: '2026-11-02T00:00:00.000Z' });
    expect(doc.events).toEqual([
      {
        ...wire,
        leadName: 'Raj Patel',
        company: 'Globex',
        campaign: 'Paid social, CFO persona',
        channel: 'Paid Social',
        content: 'Forecasting 101, the ebook',
      },
    ]);
    expect(Object.keys(doc.events[0]).sort()).toEqual(
      [
        'id', 'type', 'value', 'reason', 'note', 'leadEmail', 'campaignId', 'contentId', 'product', 'format', 'rep', 'site', 'createdAt', 'supersedes',
        'leadName', 'company', 'campaign', 'channel', 'content', 'syncedAt',
      ].sort(),
    );
  });
});

describe('filters and file names', () => {
  it('filters by date range, campaign and question, alone and together', async () => {
    // 14 events, one per second from 2026-11-01T09:00:00Z; plus two on other days
    const events = [
      ...makeEvents(14),
      makeEvent(20, { createdAt: '2026-10-31T23:59:59.999Z' }),
      makeEvent(21, { createdAt: '2026-11-03T00:00:00.000Z', campaignId: null }),
    ];
    await seed(events);
    const ids = async (f: Parameters<typeof collectExport>[1]) => (await collectExport(db, f)).map((e) => e.id);
    expect(await ids({})).toHaveLength(16);
    expect(await ids({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' })).toEqual(makeEvents(14).map((e) => e.id));
    expect(await ids({ from: '2026-11-01T09:00:05.000Z', to: '2026-11-01T09:00:07.000Z' })).toEqual([makeEvent(5).id, makeEvent(6).id]);
    expect(await ids({ campaignId: 'cmp-2' })).toEqual(events.filter((e) => e.campaignId === 'cmp-2').map((e) => e.id));
    expect(await ids({ campaignId: NO_CAMPAIGN })).toEqual([makeEvent(21).id]);
    expect(await ids({ question: 'info_sufficiency' })).toEqual(events.filter((e) => e.type === 'info_sufficiency').map((e) => e.id));
    const both = await collectExport(db, { campaignId: 'cmp-1', question: 'lead_quality', from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' });
    expect(both.map((e) => e.id)).toEqual(makeEvents(14).filter((e) => e.campaignId === 'cmp-1' && e.type === 'lead_quality').map((e) => e.id));
    expect(both.length).toBeGreaterThan(0);
  });

  it('exports oldest first, ties by id, the same order with and without a date range', async () => {
    // Stored in an order unlike time and id; three share one instant.
    const same = '2026-11-01T10:00:00.000Z';
    const events = [makeEvent(7), makeEvent(3, { createdAt: same }), makeEvent(1), makeEvent(9, { createdAt: same }), makeEvent(2, { createdAt: same }), makeEvent(0)];
    await seed(events);
    const expected = [...events].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1)).map((e) => e.id);
    expect(expected.slice(3)).toEqual([makeEvent(2).id, makeEvent(3).id, makeEvent(9).id]);
    expect((await collectExport(db, {})).map((e) => e.id)).toEqual(expected);
    expect((await collectExport(db, { from: '2026-10-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' })).map((e) => e.id)).toEqual(expected);
  });

  it('turns local calendar days into an inclusive range', () => {
    const r = dayRange('2026-11-01', '2026-11-03');
    expect(new Date(r.from!).getDate()).toBe(1);
    expect(new Date(r.from!).getHours()).toBe(0);
    expect(Date.parse(r.to!) - Date.parse(r.from!)).toBeGreaterThanOrEqual(3 * 86400_000 - 3600_000);
    expect(new Date(r.to!).getDate()).toBe(4);
    expect(dayRange('', null)).toEqual({ from: null, to: null });
  });

  it('names files unison-feedback-YYYY-MM-DD', async () => {
    const d = new Date(2026, 10, 7, 15, 30);
    expect(exportFileName('csv', d)).toBe('unison-feedback-2026-11-07.csv');
    expect(exportFileName('json', d)).toBe('unison-feedback-2026-11-07.json');
    await seed(makeEvents(3));
    const f = await buildExport(db, 'csv', { question: 'lead_quality' }, d);
    expect(f).toMatchObject({ name: 'unison-feedback-2026-11-07.csv', type: 'text/csv;charset=utf-8', count: 2 });
    const j = await buildExport(db, 'json', {}, d);
    expect(j).toMatchObject({ name: 'unison-feedback-2026-11-07.json', count: 3 });
  });
});

describe('agreement with papaparse', () => {
  it('writes what Papa.unparse writes with the contract guard, and papaparse reads it back', () => {
    const events = makeEvents(50).map((e, i) => ({
      ...e,
      note: ['a,b', 'say "hi"', 'two\r\nlines', '=1+1', ' padded ', '-x', null, 'plain'][i % 8],
      leadName: null,
      company: null,
      campaign: null,
      channel: null,
      content: null,
      syncedAt: null,
    })) as ExportEvent[];
    const ours = toCsv(events);
    const rows = events.map((e) => [e.id, e.createdAt, e.rep.name, e.rep.email, e.leadEmail, '', '', e.campaignId, '', '', e.contentId, '', e.type, e.value, e.reason, e.product, e.format, e.note, e.site, e.supersedes, '']);
    const theirs = Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { newline: '\r\n', escapeFormulae: /^[=+\-@\t\r]/ });
    expect(Papa.parse(ours.slice(1), { skipEmptyLines: true }).data).toEqual(Papa.parse(theirs, { skipEmptyLines: true }).data);
  });
});

describe('the files the options page saves', () => {
  it('are byte for byte what toCsv and toJson make of collectExport, read in several chunks, with and without filters', async () => {
    // More than two chunks, stored in an order unlike time (ids and times do not agree), with
    // events whose lead, campaign or content is unknown, ties in time, and no lead at all.
    const count = 2 * READ_CHUNK + 321;
    const events = makeEvents(count).map((e, i) => ({
      ...e,
      createdAt: new Date(Date.parse('2026-11-01T00:00:00.000Z') + ((i * 7919) % count) * 1000 - (i % 5 === 0 ? 500 : 0)).toISOString(),
      leadEmail: i % 11 === 0 ? null : i % 13 === 0 ? `unknown${i}@nowhere.example` : e.leadEmail,
      campaignId: i % 17 === 0 ? 'cmp-gone' : e.campaignId,
    }));
    events.push(makeEvent(count, { createdAt: events[5].createdAt }));
    await seed(events);
    const now = new Date('2026-11-27T09:00:00.000Z');
    const filters = [
      {},
      { campaignId: 'cmp-3' },
      { question: 'content_request' as const },
      { campaignId: NO_CAMPAIGN },
      { from: '2026-11-01T02:00:00.000Z', to: '2026-11-01T04:00:00.000Z', campaignId: 'cmp-1' },
      { question: 'lead_quality' as const, campaignId: 'cmp-none' },
    ];
    for (const f of filters) {
      const joined = await collectExport(db, f);
      const csv = await buildExport(db, 'csv', f, now);
      const json = await buildExport(db, 'json', f, now);
      expect(csv.parts.join('') === toCsv(joined)).toBe(true);
      expect(json.parts.join('') === toJson(joined, now)).toBe(true);
      expect([csv.count, json.count]).toEqual([joined.length, joined.length]);
      // In pieces for the download's Blob (never one joined string): a header, then one per event.
      expect([csv.parts.length, json.parts.length]).toEqual([joined.length + 1, joined.length + 2]);
    }
    expect((await collectExport(db, {})).length).toBe(count + 1);
  }, 120_000);
});

describe('size', () => {
  it('writes 100,000 events as CSV and reads 20,000 back from the store (the times are reported, not asserted)', async () => {
    // The join and the writers on 100,000 events; the store read is measured on 20,000 below
    // (fake-indexeddb is far slower than a browser's IndexedDB, so it is not the figure that counts).
    const lookups = {
      leads: new Map(KNOWN_LEADS.map((l) => [l.email, { ...l, updatedAt: '2026-10-01T00:00:00.000Z' }])),
      campaigns: new Map([['cmp-1', { id: 'cmp-1', name: 'Q3 ROI webinar', channel: 'Webinar' }]]),
      content: new Map([['ast-1', { id: 'ast-1', title: 'ROI calculator' }]]),
    };
    const events = makeEvents(100_000);
    const t0 = performance.now();
    const rows = events.map((e) => joinEvent(e, lookups));
    const csv = toCsv(rows);
    const t1 = performance.now();
    const json = toJson(rows);
    const t2 = performance.now();
    console.log(
      `[export 100,000] join+CSV ${(t1 - t0).toFixed(0)} ms (${(csv.length / 1e6).toFixed(1)} MB), join+JSON ${(t2 - t1 + (t1 - t0) / 2).toFixed(0)} ms (${(json.length / 1e6).toFixed(1)} MB)`,
    );
    expect(csv.split('\r\n')).toHaveLength(100_002);

    await seed(makeEvents(20_000));
    const t3 = performance.now();
    const read = await collectExport(db);
    const t4 = performance.now();
    console.log(`[export 20,000] read+join from the store ${(t4 - t3).toFixed(0)} ms (fake-indexeddb)`);
    expect(read).toHaveLength(20_000);
  }, 120_000);
});
