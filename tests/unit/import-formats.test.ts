import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBytes, prepareText, type ReadyPrepared } from '@/utils/import';
import { detectFormat, hubspotConversion, hubspotSource } from '@/utils/import/formats';

const DIR = join(process.cwd(), 'tests/fixtures/campaign-data');
const bytes = (f: string) => readFileSync(join(DIR, f));
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, { format: string; leads: number }>;

async function prepare(file: string): Promise<ReadyPrepared> {
  const decoded = decodeBytes(bytes(file));
  if (!decoded.ok) throw new Error(`${file}: ${decoded.error}`);
  const p = await prepareText(null, decoded.text, { fileName: file, encoding: decoded.encoding });
  if (p.kind !== 'ready') throw new Error(`${file}: ${p.kind === 'failed' ? p.error : p.kind}`);
  return p;
}

const touchesOf = (p: ReadyPrepared, email: string) =>
  [...p.data.touches.values()].filter((t) => t.email === email).sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));

describe('expected.json (used by the end-to-end test) matches what the importer reads', () => {
  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: ${want.format}, ${want.leads} leads`, async () => {
      const p = await prepare(file);
      expect(p.format).toBe(want.format);
      expect(p.data.leads.size).toBe(want.leads);
      expect(p.issueCount).toBe(0);
      if (!file.startsWith('bom') && !file.startsWith('crlf') && !file.startsWith('quoted') && !file.startsWith('utf16')) {
        // every recognised-export sample holds the two leads the end-to-end test looks for
        expect(p.data.leads.has('ann@acme.io')).toBe(true);
        expect(p.data.leads.has('raj.patel@globex.com')).toBe(true);
      }
    });
  }
});

describe('HubSpot contacts export', () => {
  it('reads first and latest touches, conversions as content and converting campaigns', async () => {
    const p = await prepare('hubspot.csv');
    expect(p.formatLabel).toBe('HubSpot contacts export');
    expect(p.data.leads.get('ann@acme.io')).toEqual({
      email: 'ann@acme.io',
      name: 'Ann Lee',
      company: 'Acme',
      title: 'CFO',
      score: 72,
      stage: 'Marketing Qualified Lead',
    });
    const [first, latest] = touchesOf(p, 'ann@acme.io');
    expect(first).toMatchObject({
      kind: 'first',
      at: '2026-07-14T10:00:00.000Z',
      campaignId: 'q3-roi-webinar',
      contentId: 'roi-calculator',
      channel: 'Paid Social',
      // Paid Social: drill-down 1 = network, 2 = utm_campaign
      utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi' },
    });
    expect(latest).toMatchObject({
      kind: 'latest',
      at: '2026-09-02T16:30:00.000Z',
      campaignId: 'q3-roi-webinar',
      contentId: 'forecasting-roi-webinar-recording',
      channel: 'Email Marketing',
      // Email Marketing: drill-down 1 = utm_campaign, 2 = email name
      utm: { medium: 'email', campaign: 'q3-roi-followup', content: 'Q3 ROI webinar - invite 2' },
    });
    expect(p.data.campaigns.get('q3-roi-webinar')).toEqual({ id: 'q3-roi-webinar', name: 'Q3 ROI webinar' });
    expect(p.data.content.get('roi-calculator')).toEqual({ id: 'roi-calculator', title: 'ROI calculator', type: 'tool', campaignId: 'q3-roi-webinar' });
    expect(p.data.content.get('forecasting-roi-webinar-recording')?.type).toBe('webinar');
  });

  it('knows what each source’s drill-downs mean', async () => {
    const p = await prepare('hubspot.csv');
    // Organic Search: 1 = search term, 2 = engine; Referrals: 1 = domain, 2 = URL
    const [rajFirst, rajLatest] = touchesOf(p, 'raj.patel@globex.com');
    expect(rajFirst).toMatchObject({ channel: 'Organic Search', utm: { source: 'google.com', medium: 'organic', term: 'pipeline review template' } });
    expect(rajLatest).toMatchObject({ channel: 'Referrals', utm: { source: 'g2.com', medium: 'referral' }, contentId: 'how-initech-cut-close-time-by-40' });
    expect(p.data.content.get('how-initech-cut-close-time-by-40')?.type).toBe('case_study');
    // A latest touch with only a channel (Direct Traffic) and a date is kept
    const maria = touchesOf(p, 'maria.gonzalez@initech.io');
    expect(maria.map((t) => [t.kind, t.channel])).toEqual([
      ['first', 'Email Marketing'],
      ['latest', 'Direct Traffic'],
    ]);
    // Same first and latest touch (same campaign, content and time): one touch, marked first
    const tom = touchesOf(p, 'tom.baker@hooli.com');
    expect(tom).toHaveLength(1);
    expect(tom[0]).toMatchObject({ kind: 'first', channel: 'Paid Search', utm: { medium: 'cpc', campaign: 'pricing-retargeting', term: 'procurement software pricing' } });
  });

  it('reads older headers and API source values', async () => {
    const p = await prepare('hubspot-old-headers.csv');
    expect(p.format).toBe('hubspot');
    const [annFirst] = touchesOf(p, 'ann@acme.io');
    // No converting-campaign columns: the campaign comes from the utm_campaign drill-down
    expect(annFirst).toMatchObject({ kind: 'first', channel: 'Organic Social', campaignId: 'q3-roi', utm: { source: 'linkedin', medium: 'social', campaign: 'q3-roi' } });
    // "Unknown keywords (SSL)" is no search term
    const [rajFirst] = touchesOf(p, 'raj.patel@globex.com');
    expect(rajFirst.utm).toEqual({ source: 'google.com', medium: 'organic' });
    const [kenFirst, kenLatest] = touchesOf(p, 'ken.ito@stark.jp');
    expect(kenFirst).toMatchObject({ channel: 'Other Campaigns', campaignId: 'apac-finance-roadshow', utm: { campaign: 'apac-finance-roadshow', source: 'partner-newsletter' } });
    expect(kenLatest).toMatchObject({ kind: 'latest', channel: 'Direct Traffic', at: '2026-09-28T06:30:00.000Z' });
  });

  it('reads a German account’s export (translated headers and values, semicolons, DD.MM.YYYY)', async () => {
    const p = await prepare('hubspot-de.csv');
    expect(p.format).toBe('hubspot');
    expect(p.data.leads.get('nina.berg@wayne.no')).toMatchObject({ name: 'Nina Berg', company: 'Wayne Enterprises', title: 'Marketing Ops Lead', score: 33 });
    const [annFirst, annLatest] = touchesOf(p, 'ann@acme.io');
    expect(annFirst).toMatchObject({ channel: 'Paid Social', at: '2026-07-14T10:00:00.000Z', contentId: 'roi-calculator' });
    expect(annLatest).toMatchObject({ channel: 'Email Marketing', at: '2026-09-02T16:30:00.000Z' });
    expect(touchesOf(p, 'raj.patel@globex.com')[1].channel).toBe('Referrals');
  });

  it('drill-down meanings, one source at a time', () => {
    expect(hubspotSource('PAID_SEARCH', 'brand-q3', 'unison pricing')).toEqual({
      channel: 'Paid Search',
      utm: { medium: 'cpc', campaign: 'brand-q3', term: 'unison pricing' },
      campaign: 'brand-q3',
    });
    expect(hubspotSource('Organic Social', 'Twitter', '(no value)')).toEqual({ channel: 'Organic Social', utm: { source: 'twitter', medium: 'social' }, campaign: undefined });
    expect(hubspotSource('Offline Sources', 'IMPORT', 'list.csv')).toEqual({ channel: 'Offline Sources' });
    expect(hubspotSource('Some new source', 'a', 'b')).toEqual({ channel: 'Some new source' });
    expect(hubspotSource('', 'a', 'b')).toEqual({});
    expect(hubspotConversion('CFO guide to rolling forecasts: Ebook download form')).toEqual({ title: 'CFO guide to rolling forecasts', type: 'ebook' });
    expect(hubspotConversion('Contact us')).toEqual({ title: 'Contact us', type: undefined });
  });
});

describe('Salesforce campaign member report', () => {
  it('reads members, skips blank lines and report footers, one touch per campaign membership', async () => {
    const p = await prepare('salesforce-campaign-members.csv');
    expect(p.formatLabel).toBe('Salesforce campaign member report');
    expect(p.stats.rows).toBe(6); // footers and blank lines are not rows
    expect(p.data.leads.get('ann@acme.io')).toEqual({ email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', title: 'CFO' });
    const ann = touchesOf(p, 'ann@acme.io');
    expect(ann.map((t) => [t.campaignId, t.at, t.channel])).toEqual([
      ['q3-roi-webinar', '2026-07-14', 'Webinar'], // first responded date
      ['revops-summit-2026', '2026-09-15', 'Event'], // not responded: first associated date
    ]);
    expect(p.data.campaigns.get('revops-summit-2026')).toEqual({ id: 'revops-summit-2026', name: 'RevOps summit 2026', channel: 'Event' });
    expect(p.data.leads.get('lena.fischer@contoso.example')?.company).toBe('Contoso');
  });

  it('also knows `Type`, `Account Name` and `Member First Responded Date`', async () => {
    const text = [
      'Campaign Name,Type,Member Status,Member First Responded Date,First Name,Last Name,Title,Account Name,Email',
      'Q3 ROI webinar,Webinar,Responded,2026-07-14,Ann,Lee,CFO,Acme,ann@acme.io',
      'Grand Totals (1 records)',
    ].join('\n');
    const p = await prepareText(null, text, { fileName: 'report.csv' });
    expect(p.kind === 'ready' && p.format).toBe('salesforce');
    if (p.kind !== 'ready') return;
    expect(p.issueCount).toBe(0);
    expect(p.data.leads.get('ann@acme.io')).toMatchObject({ company: 'Acme', name: 'Ann Lee' });
    expect([...p.data.touches.values()][0]).toMatchObject({ at: '2026-07-14', channel: 'Webinar' });
  });
});

describe('Marketo person export', () => {
  it('reads the acquisition program as the first touch, UTM from the referrer, the form page as content', async () => {
    const p = await prepare('marketo.csv');
    expect(p.data.leads.get('ann@acme.io')).toEqual({ email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', title: 'CFO', score: 72, stage: 'MQL' });
    const [ann] = touchesOf(p, 'ann@acme.io');
    expect(ann).toMatchObject({
      kind: 'first',
      at: '2026-07-14T10:00:00.000Z',
      campaignId: '2026-q3-webinar-roi',
      channel: 'Webinar',
      utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi' },
    });
    expect(p.data.content.get(ann.contentId!)).toMatchObject({ title: 'Roi calculator', url: 'https://www.example.com/lp/roi-calculator', type: 'tool' });
    expect(p.data.campaigns.get('2026-q3-webinar-roi')?.name).toBe('2026-Q3-Webinar-ROI');
    // UTM from the form page's own address when there is no referrer; its query is not in the content URL
    const [tom] = touchesOf(p, 'tom.baker@hooli.com');
    expect(tom.utm).toEqual({ source: 'google', medium: 'cpc', campaign: 'pricing-retargeting', term: 'procurement software pricing' });
    expect(p.data.content.get(tom.contentId!)?.url).toBe('https://www.example.com/pricing');
    // A list import has no content
    expect(touchesOf(p, 'sofia.rossi@vandelay.it')[0].contentId).toBeUndefined();
  });
});

describe('Pipedrive export', () => {
  it('reads person columns, the source channel and `Deal - utm_*` columns', async () => {
    const p = await prepare('pipedrive.csv');
    expect(p.data.leads.get('ann@acme.io')).toEqual({ email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', title: 'CFO', stage: 'Proposal made' });
    expect(touchesOf(p, 'ann@acme.io')[0]).toMatchObject({
      at: '2026-09-03T09:30:00.000Z',
      campaignId: 'q3-roi',
      channel: 'Paid social',
      utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi' },
    });
    expect(touchesOf(p, 'li.wei@umbrella.co')[0]).toMatchObject({ campaignId: 'revops-summit-2026', channel: 'Events' });
  });

  it('finds the address in `Person - Email (Work)` too', () => {
    expect(detectFormat(['Person - Name', 'Person - Email (Work)', 'Lead - Source channel'])?.id).toBe('pipedrive');
    expect(detectFormat(['Person - Name', 'Person - Email', 'Deal - Title'])?.id).toBe('pipedrive');
  });
});

describe('generic UTM export', () => {
  it('reads UTM columns, names the campaign after utm_campaign, derives the channel from the medium', async () => {
    const p = await prepare('utm.csv');
    expect(p.formatLabel).toBe('CSV with UTM columns');
    const ann = touchesOf(p, 'ann@acme.io');
    expect(ann).toHaveLength(2);
    expect(ann[0]).toMatchObject({ campaignId: 'q3-roi', channel: 'Paid Social', utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi', content: 'carousel-a' } });
    expect(p.data.content.get(ann[0].contentId!)).toMatchObject({ title: 'Roi calculator', url: 'https://www.example.com/lp/roi-calculator' });
    expect(touchesOf(p, 'tom.baker@hooli.com')[0].channel).toBe('Paid Search');
  });
});

describe('canonical CSV and JSON', () => {
  it('reads every canonical column and every date format of the contract', async () => {
    const p = await prepare('canonical.csv');
    const ann = touchesOf(p, 'ann@acme.io');
    expect(ann[0]).toEqual({
      id: ann[0].id,
      email: 'ann@acme.io',
      campaignId: 'q3-roi-webinar',
      contentId: 'roi-calculator',
      at: '2026-07-14T10:00:00.000Z',
      kind: 'first',
      channel: 'Paid Social',
      utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi', content: 'carousel-a' },
      product: 'Forecasting',
    });
    expect(ann[1]).toMatchObject({ kind: 'latest', at: '2026-09-02T16:30:00.000Z' }); // YYYY-MM-DD HH:mm
    expect(touchesOf(p, 'raj.patel@globex.com').map((t) => t.at)).toEqual(['2026-06-03', '2026-08-20T11:05:00.000Z']); // MM/DD/YYYY, DD.MM.YYYY HH:mm
    expect(touchesOf(p, 'li.wei@umbrella.co')[0].at).toBe('2026-10-01T10:00:00.000Z'); // offset
    // touch kind absent: left for the reader to derive from the dates
    expect(touchesOf(p, 'raj.patel@globex.com')[0].kind).toBeUndefined();
    expect(p.data.content.get('roi-calculator')).toEqual({
      id: 'roi-calculator',
      title: 'ROI calculator',
      type: 'tool',
      url: 'https://www.example.com/tools/roi-calculator',
      product: 'Forecasting',
      campaignId: 'q3-roi-webinar',
    });
    expect(p.data.campaigns.get('q3-roi-webinar')).toMatchObject({ name: 'Q3 ROI webinar', product: 'Forecasting' });
  });

  it('gives campaigns a slug of their name when the file has no id', async () => {
    const p = await prepareText(null, 'email,campaign\nann@acme.io,"Q3 ROI Webinar — EMEA / Ü"\n', { fileName: 'x.csv' });
    expect(p.kind === 'ready' && [...p.data.campaigns.keys()]).toEqual(['q3-roi-webinar-emea-u']);
  });

  it('reads the JSON schema: campaigns, content, leads with touches; addresses lower-cased', async () => {
    const p = await prepare('canonical.json');
    expect(p.formatLabel).toBe('Unison JSON (unison.campaign-data/1)');
    expect(p.data.campaigns.get('q3-roi-webinar')).toEqual({
      id: 'q3-roi-webinar',
      name: 'Q3 ROI webinar',
      channel: 'Webinar',
      product: 'Forecasting',
      utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi' },
      startedAt: '2026-07-01',
    });
    expect(p.data.leads.get('raj.patel@globex.com')).toMatchObject({ name: 'Raj Patel', score: 85 });
    expect(touchesOf(p, 'ann@acme.io')).toEqual([
      { id: expect.stringMatching(/^t-[0-9a-f]{16}$/), email: 'ann@acme.io', campaignId: 'q3-roi-webinar', contentId: 'roi-calculator', at: '2026-07-14T10:00:00.000Z', kind: 'first' },
    ]);
  });

  it('a touch found in two sources gets the same id (same lead, campaign, content, time)', async () => {
    const csv = await prepare('canonical.csv');
    const json = await prepare('canonical.json');
    expect(touchesOf(json, 'ann@acme.io')[0].id).toBe(touchesOf(csv, 'ann@acme.io')[0].id);
  });
});
