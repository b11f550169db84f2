/**
 * The options page's Feedback section in happy-dom: the filters, the exports (files caught where
 * the page hands them to the browser: the Blob URL and the `<a download>`), and the charts' table
 * view, from real events in the store (fake-indexeddb).
 */
import Papa from 'papaparse';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeedbackSection } from '@/components/options/FeedbackSection';
import { barConfig } from '@/components/options/charts/BarChart';
import { readChartTheme } from '@/components/options/charts/theme';
import { getDb, resetDbForTests, type UnisonDB } from '@/utils/db';
import { KNOWN_LEADS, makeEvent } from '../support/events';
import { flush as flushTicks, waitFor as waitUntil } from '../support/preact';

let root: HTMLDivElement;
let db: UnisonDB;
let downloads: Array<{ name: string; blob: Blob }>;
let urls: Map<string, Blob>;
const original = { create: URL.createObjectURL, click: HTMLAnchorElement.prototype.click };

beforeEach(async () => {
  resetDbForTests();
  await new Promise((r) => {
    const req = indexedDB.deleteDatabase('unison');
    req.onsuccess = req.onerror = req.onblocked = r;
  });
  db = getDb();
  await db.open();
  await db.leads.bulkPut(KNOWN_LEADS.map((l) => ({ ...l, updatedAt: '2026-10-01T00:00:00.000Z' })));
  await db.campaigns.bulkPut([
    { id: 'cmp-1', name: 'Q3 ROI webinar', channel: 'Webinar' },
    { id: 'cmp-2', name: 'Paid social, CFO persona', channel: 'Paid Social' },
  ]);
  await db.content.bulkPut([{ id: 'ast-1', title: 'ROI calculator' }]);
  downloads = [];
  urls = new Map();
  let k = 0;
  URL.createObjectURL = (blob: Blob) => {
    const url = `blob:test/${++k}`;
    urls.set(url, blob);
    return url;
  };
  // Where the page hands the file to the browser: record it instead of navigating.
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    const blob = urls.get(this.href);
    if (this.download && blob) downloads.push({ name: this.download, blob });
    else original.click.call(this);
  };
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  URL.createObjectURL = original.create;
  HTMLAnchorElement.prototype.click = original.click;
  resetDbForTests();
});

const flush = (times = 5) => flushTicks(times, 5);
const waitFor = (check: () => boolean, what: string) => waitUntil(check, what, { attempts: 300, delayMs: 5 });
async function mount() {
  await act(() => {
    render(<FeedbackSection />, root);
  });
  await flush();
}
function button(name: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === name);
  if (!b) throw new Error(`no button ${name}`);
  return b;
}
function control<T extends HTMLElement>(label: string): T {
  const l = [...root.querySelectorAll('label')].find((x) => x.textContent?.trim() === label);
  if (!l) throw new Error(`no control labelled ${label}`);
  return root.querySelector<T>(`#${l.htmlFor}`)!;
}
async function choose(label: string, value: string) {
  const el = control<HTMLSelectElement | HTMLInputElement>(label);
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
  await flush();
}
async function exportAs(name: 'Export CSV' | 'Export JSON') {
  const before = downloads.length;
  await act(() => {
    button(name).click();
  });
  await waitFor(() => downloads.length > before, `${name} download`);
  return downloads.at(-1)!;
}
function tableRows(campaign: string, caption: string): string[][] {
  const article = [...root.querySelectorAll('article')].find((a) => a.querySelector('h3')?.textContent === campaign);
  if (!article) throw new Error(`no charts for ${campaign}`);
  const table = [...article.querySelectorAll('table')].find((t) => t.querySelector('caption')?.textContent === caption);
  if (!table) throw new Error(`no table ${caption} for ${campaign}`);
  return [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent ?? ''));
}

const events = () => {
  const changed = makeEvent(0, { type: 'lead_quality', value: 'good', campaignId: 'cmp-1' });
  return [
    changed,
    makeEvent(1, { type: 'lead_quality', value: 'poor_fit', reason: 'wrong_persona', campaignId: 'cmp-1', supersedes: changed.id, leadEmail: changed.leadEmail }),
    makeEvent(2, { type: 'lead_quality', value: 'good', campaignId: 'cmp-1' }),
    makeEvent(3, { type: 'lead_quality', value: 'good', campaignId: 'cmp-1' }),
    makeEvent(4, { type: 'content_relevance', value: 'relevant', campaignId: 'cmp-1', contentId: 'ast-1' }),
    makeEvent(5, { type: 'info_sufficiency', value: 'insufficient', campaignId: 'cmp-2' }),
    makeEvent(6, { type: 'content_request', value: 'requested', product: 'Forecasting', format: 'pricing', campaignId: 'cmp-2', note: '=cmd' }),
    makeEvent(7, { type: 'lead_quality', value: 'good', campaignId: 'cmp-2', createdAt: '2026-12-15T12:00:00.000Z' }),
  ];
};

describe('Feedback section', () => {
  it('says so when there is no feedback yet, and still exports a file with the header', async () => {
    await mount();
    await waitFor(() => root.textContent!.includes('No feedback yet'), 'the empty note');
    const file = await exportAs('Export CSV');
    expect(file.name).toMatch(/^unison-feedback-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await file.blob.text();
    expect(text.split('\r\n')[0]).toBe('\uFEFFid,created_at,rep_name,rep_email,lead_email,lead_name,company,campaign_id,campaign,channel,content_id,content,question,answer,reason,product,format,note,site,supersedes,synced_at');
  });

  it('draws charts per campaign with a table view that counts only the latest answer of each chain', async () => {
    await db.feedback.bulkAdd(events());
    await mount();
    await waitFor(() => root.querySelectorAll('article').length === 2, 'two campaigns');
    expect([...root.querySelectorAll('article h3')].map((h) => h.textContent)).toEqual(['Q3 ROI webinar', 'Paid social, CFO persona']);
    expect(tableRows('Q3 ROI webinar', 'Lead quality')).toEqual([
      ['Good lead', '2'],
      ['Poor fit', '1'],
      ['Poor fit: Wrong persona', '1'],
      ['Good-lead rate', '67%'],
    ]);
    expect(tableRows('Q3 ROI webinar', 'Content relevance per asset')).toEqual([['ROI calculator', '1', '0']]);
    expect(tableRows('Paid social, CFO persona', 'Information sufficiency')).toEqual([['0', '1']]);
    expect(tableRows('Paid social, CFO persona', 'Content requests by product and format')).toEqual([['Forecasting', '0', '0', '0', '1', '0', '0', '1']]);
    // each chart is an image named by its numbers, and the numbers are in a real table
    const img = root.querySelector('canvas[role="img"]')!;
    expect(img.getAttribute('aria-label')).toBe('Lead quality for Q3 ROI webinar: good-lead rate 67%, 2 good, 1 poor fit (Wrong persona 1).');
    expect(root.querySelectorAll('details table').length).toBeGreaterThanOrEqual(4);
  });

  it('follows new answers as they are stored', async () => {
    await db.feedback.bulkAdd(events());
    await mount();
    await waitFor(() => root.querySelectorAll('article').length === 2, 'two campaigns');
    await db.feedback.add(makeEvent(30, { type: 'lead_quality', value: 'poor_fit', reason: 'competitor', campaignId: 'cmp-1', leadEmail: 'ken.ito@stark.jp' }));
    await waitFor(() => tableRows('Q3 ROI webinar', 'Lead quality').some(([k, v]) => k === 'Poor fit: Competitor' && v === '1'), 'the new answer');
    expect(tableRows('Q3 ROI webinar', 'Lead quality').at(-1)).toEqual(['Good-lead rate', '50%']);
  });

  it('filters charts and both exports by campaign, question and date range', async () => {
    await db.feedback.bulkAdd(events());
    await mount();
    await waitFor(() => root.querySelectorAll('article').length === 2, 'two campaigns');

    await choose('Campaign', 'cmp-2');
    expect([...root.querySelectorAll('article h3')].map((h) => h.textContent)).toEqual(['Paid social, CFO persona']);
    const csv = await exportAs('Export CSV');
    const rows = Papa.parse<Record<string, string>>((await csv.blob.text()).slice(1), { header: true, skipEmptyLines: true }).data;
    expect(rows.map((r) => r.campaign_id)).toEqual(['cmp-2', 'cmp-2', 'cmp-2']);
    expect(rows.find((r) => r.question === 'content_request')?.note).toBe("'=cmd");
    expect(root.querySelector('[role="status"]')?.textContent).toMatch(/^Exported 3 events to unison-feedback-/);

    await choose('Question', 'lead_quality');
    await choose('To', '2026-11-30');
    const json = await exportAs('Export JSON');
    expect(json.name).toMatch(/\.json$/);
    const doc = JSON.parse(await json.blob.text());
    expect(doc.schema).toBe('unison.feedback-export/1');
    expect(doc.events).toEqual([]);
    expect(root.textContent).toContain('No answers match these filters.');

    await choose('To', '');
    await choose('From', '2026-12-01');
    const json2 = JSON.parse(await (await exportAs('Export JSON')).blob.text());
    expect(json2.events.map((e: { id: string; campaign: string }) => [e.id, e.campaign])).toEqual([[makeEvent(7).id, 'Paid social, CFO persona']]);
  });

  it('refuses a start date after the end date', async () => {
    await mount();
    await choose('From', '2026-12-02');
    await choose('To', '2026-12-01');
    expect(root.querySelector('[role="alert"]')?.textContent).toMatch(/start date is after the end date/);
  });

  it('colours charts from the page theme in light and dark schemes', () => {
    for (const scheme of ['light', 'dark'] as const) {
      const theme = readChartTheme(scheme);
      const cfg = barConfig({ labels: ['a'], series: [{ label: 's', data: [1], color: theme.good }], summary: 'x', theme });
      const x = cfg.options!.scales!.x as { ticks: { color: string }; grid: { color: string } };
      expect(x.ticks.color).toBe(theme.fg);
      expect(x.grid.color).toBe(theme.grid);
    }
    expect(readChartTheme('dark').series).not.toEqual(readChartTheme('light').series);
  });
});
