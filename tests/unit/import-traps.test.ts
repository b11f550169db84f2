import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBytes, describeIssues, prepareText, type Prepared } from '@/utils/import';
import { countLineBreaks, streamCsv } from '@/utils/import/csv';
import { entryLines } from '@/utils/import/json';
import { parseDate } from '@/utils/import/dates';

const DIR = join(process.cwd(), 'tests/fixtures/campaign-data');
const bytes = (f: string) => readFileSync(join(DIR, f));
const traps = JSON.parse(readFileSync(join(DIR, 'traps.json'), 'utf8')) as Record<string, { error?: string; issues?: Array<{ line: number; column: string }> }>;

/** Decodes and prepares a file as the options page does; a decode error becomes a failed result. */
async function prepareBytes(data: Uint8Array, fileName: string): Promise<Prepared> {
  const decoded = decodeBytes(data);
  if (!decoded.ok) return { kind: 'failed', fileName, error: decoded.error };
  return prepareText(null, decoded.text, { fileName, encoding: decoded.encoding });
}

describe('trap files (traps.json, used by the end-to-end test)', () => {
  for (const [file, want] of Object.entries(traps)) {
    if (!want.error) continue;
    it(`${file}: ${want.error}`, async () => {
      const p = await prepareBytes(bytes(file), file);
      expect(p.kind).toBe('failed');
      expect(p.kind === 'failed' && p.error.startsWith(want.error!)).toBe(true);
    });
  }

  it('bad-rows.csv: reports each bad row by physical line and column, keeps the valid rows', async () => {
    const p = await prepareBytes(bytes('bad-rows.csv'), 'bad-rows.csv');
    expect(p.kind).toBe('ready');
    if (p.kind !== 'ready') return;
    expect(p.issues.map((i) => ({ line: i.line, column: i.column }))).toEqual(traps['bad-rows.csv'].issues);
    expect(p.issues.map((i) => i.message)).toEqual([
      '“raj.patel(at)globex.com” is not a valid email address',
      'unreadable date “31/31/2026”',
      'no email address',
    ]);
    expect(p.stats).toEqual({ rows: 6, invalidRows: 3 });
    expect([...p.data.leads.keys()].sort()).toEqual(['ann@acme.io', 'maria.gonzalez@initech.io', 'raj.patel@globex.com']);
    // the row after the quoted line break is line 6, and its content title kept the break
    expect(p.data.content.get('how-initech-cut-close-time-by-40')?.title).toBe('How Initech cut\nclose time by 40%');
  });
});

describe('encodings and file kinds', () => {
  it('UTF-8 with BOM: the BOM is not part of the first header', async () => {
    const p = await prepareBytes(bytes('bom.csv'), 'bom.csv');
    expect(p.kind === 'ready' && p.format).toBe('canonical');
    expect(p.kind === 'ready' && p.data.leads.get('ann@acme.io')?.name).toBe('Ann Lee');
  });

  it('UTF-16LE with BOM (Excel "Unicode text", tabs) is decoded', async () => {
    const decoded = decodeBytes(bytes('utf16le.csv'));
    expect(decoded).toMatchObject({ ok: true, encoding: 'utf-16le' });
    const p = await prepareBytes(bytes('utf16le.csv'), 'utf16le.csv');
    expect(p.kind === 'ready' && p.data.leads.get('juergen.weiss@kraftwerk.example')).toEqual({
      email: 'juergen.weiss@kraftwerk.example',
      name: 'Jürgen Weiß',
      company: 'Kraftwerk Müller GmbH',
      title: 'Leiter Einkauf',
    });
  });

  it('UTF-16BE with BOM, and UTF-16LE without BOM, are decoded', () => {
    const text = 'email,campaign\r\nann@acme.io,Q3 ROI webinar\r\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le);
    be.swap16();
    expect(decodeBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ ok: true, text, encoding: 'utf-16be' });
    expect(decodeBytes(le)).toEqual({ ok: true, text, encoding: 'utf-16le' });
    expect(decodeBytes(be)).toEqual({ ok: true, text, encoding: 'utf-16be' });
  });

  it('Windows-1252 (not valid UTF-8) is read as such', () => {
    const bytes1252 = Buffer.from('email,name\nj@kraftwerk.example,J\xfcrgen Wei\xdf\n', 'latin1');
    expect(decodeBytes(bytes1252)).toEqual({ ok: true, text: 'email,name\nj@kraftwerk.example,Jürgen Weiß\n', encoding: 'windows-1252' });
  });

  it('refuses binary files with a clear message', () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]);
    expect(decodeBytes(zip)).toMatchObject({ ok: false, error: expect.stringContaining('Excel workbook (.xlsx)') });
    expect(decodeBytes(Buffer.from('%PDF-1.7\n%âãÏÓ\n'))).toMatchObject({ ok: false, error: 'This is not a CSV or JSON file: it looks like a PDF document.' });
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256));
    expect(decodeBytes(noise)).toMatchObject({ ok: false, error: expect.stringMatching(/^This is not a CSV or JSON file/) });
    expect(decodeBytes(new Uint8Array(0))).toEqual({ ok: false, error: 'The file is empty.' });
    expect(decodeBytes(Buffer.from('\ufeff \r\n\r\n'))).toEqual({ ok: false, error: 'The file is empty.' });
  });

  it('a 10 MB single line gets a clear message, quickly', async () => {
    const line = 'x'.repeat(10 * 1024 * 1024);
    const t0 = performance.now();
    const p = await prepareText(null, line, { fileName: 'one-line.csv' });
    expect(p).toEqual({
      kind: 'failed',
      fileName: 'one-line.csv',
      error: 'The file is a single line of 10.0 MB with no line break: it is not a CSV export (one header row, then one row per lead or touch), nor Unison JSON.',
    });
    expect(performance.now() - t0).toBeLessThan(2000);
    // the same line with a header that long, then rows
    const p2 = await prepareText(null, `${'a,'.repeat(600_000)}\nann@acme.io\n`, { fileName: 'wide.csv' });
    expect(p2.kind === 'failed' && p2.error).toMatch(/^The first line of the file is longer than 1\.0 MB/);
  });

  it('a 10 MB single line of valid JSON is fine (JSON needs no line breaks)', async () => {
    const leads = Array.from({ length: 60_000 }, (_, i) => ({ email: `lead${i}@bulk.example`, name: `Lead number ${i} with a long name`, company: 'Bulk Company Incorporated' }));
    const text = JSON.stringify({ schema: 'unison.campaign-data/1', leads });
    expect(text.length).toBeGreaterThan(5_000_000);
    const p = await prepareText(null, text, { fileName: 'big.json' });
    expect(p.kind === 'ready' && p.data.leads.size).toBe(60_000);
  });

  it('JSON that is broken or not Unison data', async () => {
    const fail = async (text: string) => {
      const p = await prepareText(null, text, { fileName: 'x.json' });
      return p.kind === 'failed' ? p.error : `not failed: ${p.kind}`;
    };
    expect(await fail('{"schema": "unison.campaign-data/1", "leads": [')).toMatch(/^The JSON could not be read: /);
    expect(await fail('{"leads": []}')).toBe('This JSON file is not Unison campaign data: it needs "schema": "unison.campaign-data/1".');
    expect(await fail('{"schema": "acme/2", "leads": []}')).toBe('This JSON file is not Unison campaign data: it needs "schema": "unison.campaign-data/1" (found "acme/2").');
    expect(await fail('{"schema": "unison.campaign-data/1", "leads": {}}')).toMatch(/^This JSON file does not fit unison\.campaign-data\/1: leads: /);
    expect(await fail('[1, 2]')).toMatch(/not Unison campaign data/);
  });

  it('JSON entries in error are reported by the line they start on and their path; the others are kept', async () => {
    const text = JSON.stringify({
      schema: 'unison.campaign-data/1',
      campaigns: [{ id: 'ok', name: 'OK' }, { name: 'no id' }],
      leads: [
        { email: 'ann@acme.io', touches: [{ campaignId: 'ok', at: '2026-07-14' }] },
        { email: 'not-an-address' },
        { email: 'raj.patel@globex.com', touches: [{ campaignId: 'ok', at: 'last tuesday' }] },
        { email: 'li.wei@umbrella.co', touches: [{ kind: 'sometimes' }] },
      ],
    }, null, 2);
    const p = await prepareText(null, text, { fileName: 'x.json' });
    expect(p.kind).toBe('ready');
    if (p.kind !== 'ready') return;
    // Lines as a text editor shows them (JSON.stringify's two-space layout).
    const startLine = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
    expect(p.issues.map((i) => `line ${i.line} ${i.column}: ${i.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^line ${startLine('"name": "no id"') - 1} campaigns\\[1\\]\\.id: `)),
      `line ${startLine('"email": "not-an-address"') - 1} leads[1].email: “not-an-address” is not a valid email address`,
      `line ${startLine('"email": "raj.patel') - 1} leads[2].touches[0].at: unreadable date “last tuesday”`,
      expect.stringMatching(new RegExp(`^line ${startLine('"email": "li.wei') - 1} leads\\[3\\]\\.touches\\[0\\]\\.kind: `)),
    ]);
    expect(describeIssues(p.issues, p.issueCount, 1)).toBe(`line ${startLine('"name": "no id"') - 1} (campaigns[1].id): ${p.issues[0].message}; and 3 more`);
    expect([...p.data.leads.keys()]).toEqual(['ann@acme.io']);
    // Every entry is a row read (two campaigns, four leads); the campaign without an id counts
    // with the rows in error: the valid rows are the campaign "ok" and Ann.
    expect(p.stats).toEqual({ rows: 6, invalidRows: 4 });
  });

  it('finds where each entry of a JSON file starts, whatever its layout', () => {
    const text = '{"schema":"unison.campaign-data/1",\n"note":"a [tricky] \\"string\\", with {braces}",\n"leads":[{"email":"a@b.io","touches":[{"at":"x"}]},\n\n  {"email":"c@d.io"}\n  ,"odd"],\n"campaigns":[\n{"id":"x"}]}';
    JSON.parse(text);
    expect(entryLines(text)).toEqual({ leads: [3, 5, 6], campaigns: [8] });
  });
});

describe('line numbers', () => {
  it('count CRLF, LF and lone CR as one break each', () => {
    expect(countLineBreaks('a\r\nb\nc\rd', 0, 9)).toBe(3);
  });

  it('stay exact across chunk boundaries, with quoted line breaks, blank lines and CRLF', async () => {
    const lines = ['h1,h2'];
    const expectedLines: number[] = [];
    for (let i = 0; i < 300; i++) {
      if (i % 7 === 0) {
        expectedLines.push(lines.length + 1);
        lines.push(`r${i},"multi`, `line ${i}"`);
      } else if (i % 11 === 0) {
        lines.push('');
      } else {
        expectedLines.push(lines.length + 1);
        lines.push(`r${i},v${i}`);
      }
    }
    const text = lines.join('\r\n');
    const seen: number[] = [];
    await streamCsv(text, {
      delimiter: ',',
      chunkSize: 64, // many tiny chunks: rows are cut across chunks all the time
      onRow: (fields, line) => {
        if (fields.some((f) => f !== '')) seen.push(line);
      },
    });
    expect(seen).toEqual(expectedLines);
  });

  it('refuse a file with an unclosed quote, naming its line and column: the rows after it would be lost unsaid', async () => {
    const text = 'email,campaign,name\nann@acme.io,Q3,Ann\nraj.patel@globex.com,"never closed,Raj\nli.wei@umbrella.co,RevOps,Li\n';
    const p = await prepareText(null, text, { fileName: 'q.csv' });
    expect(p.kind).toBe('failed');
    expect(p.kind === 'failed' && p.error).toMatch(/^Line 3, column "campaign": a quoted cell is not closed.*nothing was imported\.$/);
    // On the last line, with nothing after it to swallow: the row's last cell.
    const last = await prepareText(null, 'email,campaign\nann@acme.io,Q3\nraj.patel@globex.com,"never closed', { fileName: 'q.csv' });
    expect(last.kind === 'failed' && last.error).toMatch(/^Line 3, column "campaign"/);
  });
});

describe('quotes, line breaks and cells that do not fit the header', () => {
  it('refuse a file where a quoted cell has text after its closing quote and runs over the next lines', async () => {
    const csv = 'email,campaign,content_title\nann@acme.io,Q3,"ROI" calculator\nbob@acme.io,Q3,Guide\ncat@acme.io,Q3,Guide\ndan@acme.io,Q3,"Pricing, 2026"\n';
    const p = await prepareText(null, csv, { fileName: 'q.csv' });
    expect(p.kind).toBe('failed');
    expect(p.kind === 'failed' && p.error).toMatch(/^Line 2, column "content_title": a quoted cell has text after its closing quote.*nothing was imported\.$/);
  });

  it('report a row whose quoted cell has text after its closing quote but runs over nothing, and keep the others', async () => {
    // The parser reads on to the next quote that ends a cell: here on the same line.
    const csv = 'email,content_title,campaign\nann@acme.io,"ROI" calculator",Q3\nbob@acme.io,Guide,Q3\n';
    const p = await prepareText(null, csv, { fileName: 'q.csv' });
    expect(p.kind).toBe('ready');
    if (p.kind !== 'ready') return;
    expect([...p.data.leads.keys()]).toEqual(['bob@acme.io']);
    expect(p.issues).toEqual([{ line: 2, column: 'content_title', message: expect.stringMatching(/^text after the closing quote/) }]);
  });

  it('read every row of a file with mixed line breaks (rows added by another tool), lines counted as written', async () => {
    for (const csv of [
      'email,touched_at,campaign\r\nann@acme.io,2026-07-01,Q3\nbob@acme.io,2026-07-02,Q3\ncat@acme.io,2026-07-03,Q3\n',
      'email,touched_at,campaign\r\nann@acme.io,2026-07-01,Q3\r\nbob@acme.io,2026-07-02,Q3\ncat@acme.io,2026-07-03,Q3\r\n',
      'email,touched_at,campaign\rann@acme.io,2026-07-01,Q3\r\nbob@acme.io,2026-07-02,Q3\ncat@acme.io,bad date,Q3\r',
    ]) {
      const p = await prepareText(null, csv, { fileName: 'm.csv' });
      expect(p.kind).toBe('ready');
      if (p.kind !== 'ready') continue;
      const bad = csv.includes('bad date');
      expect([...p.data.leads.keys()].sort()).toEqual(bad ? ['ann@acme.io', 'bob@acme.io'] : ['ann@acme.io', 'bob@acme.io', 'cat@acme.io']);
      expect([...p.data.campaigns.values()].map((c) => c.name)).toEqual(['Q3']);
      if (bad) expect(p.issues.map((i) => [i.line, i.column])).toEqual([[4, 'touched_at']]);
    }
  });

  it('report a row with more cells than the header (a comma in a value without quotes), not read it shifted', async () => {
    const csv = 'email,first_name,last_name,company,campaign,channel\nann@acme.io,Ann,Lee,"Acme, Inc.",Q3 webinar,Webinar\nraj.patel@globex.com,Raj,Patel,Globex, Inc.,Q3 webinar,Webinar\nli.wei@umbrella.co,Li,Wei,Umbrella,Q3 webinar,Webinar,,\n';
    const p = await prepareText(null, csv, { fileName: 'c.csv' });
    expect(p.kind).toBe('ready');
    if (p.kind !== 'ready') return;
    // Trailing empty cells are no harm.
    expect([...p.data.leads.keys()]).toEqual(['ann@acme.io', 'li.wei@umbrella.co']);
    expect(p.data.leads.get('ann@acme.io')?.company).toBe('Acme, Inc.');
    expect(p.issues).toEqual([{ line: 3, column: 'column 7', message: '7 cells where the header has 6: a value holding “,” must be in quotes' }]);
  });
});

describe('dates', () => {
  it('reads the formats of the contract into ISO', () => {
    expect(parseDate('2026-07-14')).toBe('2026-07-14');
    expect(parseDate('2026-07-14T10:00:00Z')).toBe('2026-07-14T10:00:00.000Z');
    expect(parseDate('2026-07-14T10:00:00.123+02:00')).toBe('2026-07-14T08:00:00.123Z');
    // Digits past the milliseconds are cut, as Date.parse does (never a fourth digit).
    expect(parseDate('2026-07-14T10:00:00.9996Z')).toBe('2026-07-14T10:00:00.999Z');
    expect(parseDate('2026-07-14T10:00:00.29Z')).toBe('2026-07-14T10:00:00.290Z');
    expect(parseDate('2026-07-14T10:00:00.5+01:00')).toBe('2026-07-14T09:00:00.500Z');
    expect(parseDate('2026-07-14T10:00')).toBe('2026-07-14T10:00:00.000Z');
    expect(parseDate('2026-07-14 10:00')).toBe('2026-07-14T10:00:00.000Z');
    expect(parseDate('2026-07-14 10:00:59')).toBe('2026-07-14T10:00:59.000Z');
    expect(parseDate('07/14/2026')).toBe('2026-07-14');
    expect(parseDate('7/4/2026')).toBe('2026-07-04');
    expect(parseDate('7/14/2026 3:05 PM')).toBe('2026-07-14T15:05:00.000Z');
    expect(parseDate('7/14/2026 12:05 AM')).toBe('2026-07-14T00:05:00.000Z');
    expect(parseDate('14.07.2026')).toBe('2026-07-14');
    expect(parseDate('14.07.2026 10:00')).toBe('2026-07-14T10:00:00.000Z');
    expect(parseDate('2026/07/14')).toBe('2026-07-14');
    expect(parseDate('1784023200000')).toBe('2026-07-14T10:00:00.000Z');
    expect(parseDate('1784023200')).toBe('2026-07-14T10:00:00.000Z');
    expect(parseDate('  ')).toBeUndefined();
  });

  it('refuses what is not a real date', () => {
    for (const bad of ['31/31/2026', '2026-02-30', '02/30/2026', '30.02.2026', '2026-13-01', '2026-07-14 25:00', '7/14/2026 13:00 PM', 'next week', '14-07-2026', '2026-07-14T10:00+25:00', '12345']) {
      expect(parseDate(bad), bad).toBeNull();
    }
  });
});
