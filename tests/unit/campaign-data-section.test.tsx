import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CampaignDataSection, SAMPLE_FILES } from '@/components/options/CampaignDataSection';
import { openDb, type UnisonDB } from '@/utils/db';
import { recordFeedback } from '@/utils/feedback';

const DIR = join(process.cwd(), 'tests/fixtures/campaign-data');
const fixture = (f: string, type = f.endsWith('.json') ? 'application/json' : 'text/csv') => new File([readFileSync(join(DIR, f))], f, { type });

let db: UnisonDB;
let host: HTMLDivElement;
let n = 0;

beforeEach(async () => {
  db = openDb(`section-${++n}`);
  await db.open();
  host = document.createElement('div');
  document.body.append(host);
});
afterEach(() => {
  render(null, host);
  host.remove();
  db.close();
});

async function mount(props: Parameters<typeof CampaignDataSection>[0] = {}) {
  await act(async () => {
    render(<CampaignDataSection db={db} {...props} />, host);
  });
  await vi.waitFor(() => expect(host.querySelector('.cd-summary')?.textContent).toMatch(/Loaded now/));
}

const section = () => host.querySelector('section')!;
const status = () => host.querySelector('[role="status"]')!.textContent!.trim();
const fileInput = () => {
  const label = [...host.querySelectorAll('label')].find((l) => l.textContent === 'Campaign data file')!;
  return host.querySelector<HTMLInputElement>(`#${label.getAttribute('for')}`)!;
};
const button = (name: string | RegExp) => {
  const found = [...host.querySelectorAll('button')].find((b) => (typeof name === 'string' ? b.textContent?.trim() === name : name.test(b.textContent ?? '')));
  if (!found) throw new Error(`no button ${name}: ${[...host.querySelectorAll('button')].map((b) => b.textContent).join(' | ')}`);
  return found;
};

async function upload(file: File) {
  const input = fileInput();
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
  });
}

async function statusBecomes(pattern: RegExp | string) {
  await vi.waitFor(() => (typeof pattern === 'string' ? expect(status()).toBe(pattern) : expect(status()).toMatch(pattern)), { timeout: 10_000 });
}

describe('options section "Campaign data"', () => {
  it('is a section headed "Campaign data" with the labelled file input, an empty status and what is loaded', async () => {
    await mount();
    expect(section().querySelector('h2')?.textContent).toBe('Campaign data');
    expect(section().getAttribute('aria-labelledby')).toBe(section().querySelector('h2')?.id);
    const input = fileInput();
    expect(input.type).toBe('file');
    expect(input.accept).toBe('.csv,.json,text/csv,application/json');
    expect(status()).toBe('');
    expect(host.querySelector('progress')).toBeNull();
    expect(host.querySelector('.cd-summary')?.textContent).toContain('No campaign data loaded yet.');
    expect(button('Replace all campaign data').disabled).toBe(true);
  });

  it('imports a HubSpot export: progress, detected format, "Imported 6 leads", the summary', async () => {
    await mount();
    let sawProgress = false;
    const observer = new MutationObserver(() => {
      if (host.querySelector('progress')) sawProgress = true;
    });
    observer.observe(host, { childList: true, subtree: true });
    await upload(fixture('hubspot.csv'));
    await statusBecomes('Imported 6 leads');
    observer.disconnect();
    expect(sawProgress).toBe(true);
    expect(host.querySelector('progress')).toBeNull();
    expect(host.querySelector('.cd-format')?.textContent).toBe('Detected format: HubSpot contacts export');
    expect(await db.leads.count()).toBe(6);
    await vi.waitFor(() => {
      const summary = host.querySelector('.cd-summary dl')?.textContent ?? '';
      expect(summary).toContain('Leads6');
      expect(summary).toContain('Campaigns6');
      expect(summary).toContain('hubspot.csv (HubSpot contacts export, 6 leads)');
    });
    expect(fileInput().value).toBe('');
  });

  it('reports rows in error by line and column; "Import valid rows" imports the others', async () => {
    await mount();
    await upload(fixture('bad-rows.csv'));
    await statusBecomes(/^3 rows have errors: line 3 \(email\): “raj\.patel\(at\)globex\.com” is not a valid email address; line 6 \(touched_at\): unreadable date “31\/31\/2026”; line 7 \(email\): no email address\. Import the valid rows, or cancel\.$/);
    const rows = [...host.querySelectorAll('table.cd-issues tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['3', 'email', '“raj.patel(at)globex.com” is not a valid email address'],
      ['6', 'touched_at', 'unreadable date “31/31/2026”'],
      ['7', 'email', 'no email address'],
    ]);
    expect(await db.leads.count()).toBe(0); // nothing before the user accepts
    await click(button('Import valid rows'));
    await statusBecomes('Imported 3 leads');
    expect(await db.leads.count()).toBe(3);
    expect(host.querySelector('table.cd-issues')).toBeNull();
  });

  it('Cancel on rows in error imports nothing', async () => {
    await mount();
    await upload(fixture('bad-rows.csv'));
    await statusBecomes(/^3 rows have errors/);
    await click(button('Cancel'));
    expect(status()).toBe('Import cancelled: nothing was changed.');
    expect(await db.leads.count()).toBe(0);
    expect(await db.imports.count()).toBe(0);
  });

  it('files that cannot be imported get a clear message and change nothing', async () => {
    await mount();
    await upload(fixture('hubspot.csv'));
    await statusBecomes('Imported 6 leads');
    const before = await db.leads.toArray();
    const cases: Array<[string, string | RegExp]> = [
      ['empty.csv', 'The file is empty.'],
      ['binary-png.csv', 'This is not a CSV or JSON file: it looks like a PNG image.'],
      ['no-email.csv', /^No email column: /],
      ['header-only.csv', 'The file has a header row but no data rows.'],
    ];
    for (const [file, message] of cases) {
      await upload(fixture(file));
      await statusBecomes(message);
      expect(host.querySelector('.cd-format')).toBeNull();
    }
    await upload(new File([new Uint8Array(readFileSync(join(DIR, 'canonical.json'))).slice(0, 200)], 'cut.json', { type: 'application/json' }));
    await statusBecomes(/^The JSON could not be read: /);
    expect(await db.leads.toArray()).toEqual(before);
    expect(await db.imports.count()).toBe(1);
  });

  it('reads UTF-16 and says so', async () => {
    await mount();
    await upload(fixture('utf16le.csv'));
    await statusBecomes('Imported 3 leads');
    expect(host.querySelector('.cd-format')?.textContent).toBe('Detected format: Unison CSV (decoded from UTF-16LE)');
    expect((await db.leads.get('juergen.weiss@kraftwerk.example'))?.name).toBe('Jürgen Weiß');
  });

  it('asks for a column mapping with a preview, saves it, and offers it for the next file of that shape', async () => {
    await mount();
    await upload(fixture('unknown-shape.csv'));
    await statusBecomes(/^Choose the columns: unknown-shape\.csv is not an export Unison recognises\./);
    const form = host.querySelector('form.cd-mapping')!;
    expect([...form.querySelectorAll('table.cd-preview th')].map((th) => th.textContent)).toEqual(['Attendee', 'Contact', 'Organisation', 'Session attended', 'Checked in']);
    expect(form.querySelectorAll('table.cd-preview tbody tr')).toHaveLength(3);
    const select = (label: string) => {
      const l = [...form.querySelectorAll('label')].find((x) => x.textContent?.trim() === label)!;
      return form.querySelector<HTMLSelectElement>(`#${l.getAttribute('for')}`)!;
    };
    expect(select('Email (required)').value).toBe('Contact');
    expect(select('Company').value).toBe('Organisation');
    const choose = async (label: string, value: string) => {
      const s = select(label);
      s.value = value;
      await act(async () => {
        s.dispatchEvent(new Event('change', { bubbles: true }));
      });
    };
    await choose('Full name', 'Attendee');
    await choose('Campaign', 'Session attended');
    await choose('Touch date', 'Checked in');
    await click(button('Import with this mapping'));
    await statusBecomes('Imported 3 leads');
    expect(host.querySelector('.cd-format')?.textContent).toBe('Detected format: CSV with your column mapping');
    expect((await db.leads.get('li.wei@umbrella.co'))?.firstCampaign).toBe('Pipeline hygiene clinic');
    expect(await db.mappings.get('attendee|checked in|contact|organisation|session attended')).toMatchObject({
      mapping: { email: 'Contact', name: 'Attendee', company: 'Organisation', campaign: 'Session attended', touched_at: 'Checked in' },
    });

    // the next file of the same shape: the saved mapping is filled in
    await upload(fixture('unknown-shape.csv'));
    await statusBecomes(/^Choose the columns/);
    expect(host.querySelector('form.cd-mapping')?.textContent).toMatch(/Your mapping saved on .* is filled in\./);
    expect(select('Campaign').value).toBe('Session attended');
    expect(select('Touch date').value).toBe('Checked in');
  });

  it('the mapping step refuses to go on without an email column', async () => {
    await mount();
    await upload(fixture('unknown-shape.csv'));
    await statusBecomes(/^Choose the columns/);
    const form = host.querySelector('form.cd-mapping')!;
    const emailSelect = form.querySelector<HTMLSelectElement>('#cd-map-email')!;
    emailSelect.value = '';
    await act(async () => {
      emailSelect.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await click(button('Import with this mapping'));
    expect(form.querySelector('[role="alert"]')?.textContent).toBe('Choose the column that holds the email address.');
    expect(await db.leads.count()).toBe(0);
    await click(button('Cancel'));
    expect(status()).toBe('Import cancelled: nothing was changed.');
    expect(host.querySelector('form.cd-mapping')).toBeNull();
  });

  it('"Replace all campaign data" asks first in the page; Cancel keeps, confirming clears (feedback kept)', async () => {
    await mount();
    await upload(fixture('hubspot.csv'));
    await statusBecomes('Imported 6 leads');
    await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, { rep: { name: 'Sam Ortiz', email: 'sam@seller.example' }, site: 'gmail' });
    // happy-dom has no window.confirm: had the section called it, this test would throw.
    expect((window as { confirm?: unknown }).confirm).toBeUndefined();

    const replace = button('Replace all campaign data');
    await vi.waitFor(() => expect(replace.disabled).toBe(false));
    await click(replace);
    let dialog = host.querySelector('[role="alertdialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Replace all campaign data?');
    expect(dialog.textContent).toContain('This removes 6 leads, 6 campaigns and 7 content items');
    expect(document.activeElement?.textContent).toBe('Cancel');
    await click(button('Cancel'));
    expect(host.querySelector('[role="alertdialog"]')).toBeNull();
    expect(await db.leads.count()).toBe(6);

    await click(replace);
    dialog = host.querySelector('[role="alertdialog"]')!;
    // Escape closes it too
    await act(async () => {
      dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(host.querySelector('[role="alertdialog"]')).toBeNull();

    await click(replace);
    await click(button('Remove all campaign data'));
    await statusBecomes('All campaign data was removed. Import a file to load new data.');
    expect(await Promise.all([db.leads.count(), db.campaigns.count(), db.content.count(), db.touches.count()])).toEqual([0, 0, 0, 0]);
    expect(await db.feedback.count()).toBe(1);
    await vi.waitFor(() => expect(host.querySelector('.cd-summary')?.textContent).toMatch(/No campaign data: removed on /));
  });

  it('"Load sample data" imports the bundled samples (28 leads)', async () => {
    const fetchSample = async (path: string) => new Response(readFileSync(join(process.cwd(), 'public', path), 'utf8'), { headers: { 'content-type': path.endsWith('.json') ? 'application/json' : 'text/csv' } });
    await mount({ fetchSample });
    await click(button('Load sample data'));
    await statusBecomes('Imported 28 leads');
    expect(await db.leads.count()).toBe(28);
    expect((await db.imports.toArray()).map((i) => [i.fileName, i.source])).toEqual([
      ['campaign-data.json', 'sample'],
      ['campaign-data.csv', 'sample'],
    ]);
  });

  it('"Load sample data" loads nothing when one of the sample files cannot be read', async () => {
    const good = (path: string) => new Response(readFileSync(join(process.cwd(), 'public', path), 'utf8'), { headers: { 'content-type': path.endsWith('.json') ? 'application/json' : 'text/csv' } });
    // The first file is fine, the second one missing, then broken.
    for (const second of [() => new Response('gone', { status: 404 }), () => new Response('email,name\n"ann@acme.io,Ann\n', { headers: { 'content-type': 'text/csv' } })]) {
      await mount({ fetchSample: async (path) => (path === SAMPLE_FILES[0] ? good(path) : second()) });
      await click(button('Load sample data'));
      await statusBecomes(/^The sample data could not be loaded: /);
      expect(await db.leads.count()).toBe(0);
      expect(await db.imports.count()).toBe(0);
    }
  });

  it('renders lead data as text: markup in a file shows as characters', async () => {
    await mount();
    const csv = 'email,name,company\n"<img src=x onerror=alert(1)>@acme.io",x,y\nann@acme.io,"<b>Ann</b>",Acme\n';
    await upload(new File([csv], '<i>odd</i>.csv', { type: 'text/csv' }));
    await statusBecomes(/^1 row has errors: line 2 \(email\): “<img src=x onerror=alert\(1\)>@acme\.io” is not a valid email address/);
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('table.cd-issues td:nth-child(3)')?.textContent).toContain('<img src=x onerror=alert(1)>');
    await click(button('Import valid rows'));
    await statusBecomes('Imported 1 leads');
    expect(host.querySelector('b, i')).toBeNull();
    expect(host.textContent).toContain('<i>odd</i>.csv');
  });
});
