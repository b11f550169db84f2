// Sync, feed and export end to end in Chromium, through the options page and a host page:
// a campaign feed on loopback loads the campaign data that then shows on a Gmail fixture page;
// feedback given on that page goes out with "Sync now" and arrives at the loopback receiver;
// both exports download from the options page and parse (columns, BOM, CRLF, formula guard,
// filters).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import {
  badgeFor,
  eventually,
  fixturePath,
  launchExtension,
  openCard,
  optionsSection,
  routeFixture,
  setYou,
  waitForBadges,
  waitForStatus,
} from './lib/index.mjs';
import { startReceiver } from '../support/receiver.mjs';

const COLUMNS =
  'id,created_at,rep_name,rep_email,lead_email,lead_name,company,campaign_id,campaign,channel,content_id,content,question,answer,reason,product,format,note,site,supersedes,synced_at';
const INBOX = 'https://mail.google.com/mail/u/0/#inbox';

/** Clicks an export button and returns the downloaded file's name and bytes. */
async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), optionsSection(page, 'Feedback').getByRole('button', { name, exact: true }).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

function parseCsv(bytes) {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const text = bytes.subarray(3).toString('utf8');
  const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, '');
  assert.doesNotMatch(outsideQuotes.replace(/\r\n/g, ''), /[\r\n]/, 'every line ends with CRLF');
  assert.equal(text.slice(0, text.indexOf('\r\n')), COLUMNS);
  const parsed = Papa.parse(text, { header: true, skipEmptyLines: true });
  assert.deepEqual(parsed.errors, []);
  return parsed.data;
}

describe('sync, feed and export in the browser', () => {
  let rx;
  let ext;
  before(async () => {
    rx = await startReceiver();
    rx.setFeed({ body: readFileSync(fixturePath('campaign-data/canonical.csv'), 'utf8'), contentType: 'text/csv; charset=utf-8', etag: '"canonical-1"' });
    ext = await launchExtension();
  });
  after(async () => {
    await ext?.close();
    await rx?.close();
  });

  test('feed → badges → feedback → Sync now → receiver → CSV and JSON exports', { timeout: 180_000 }, async (t) => {
    const options = await ext.optionsPage();
    await setYou(options, { name: 'Sam Ortiz', email: 'sam@seller.example' });

    // The campaign feed on loopback, and the endpoint; saving pulls the new feed at once.
    const sync = optionsSection(options, 'Sync');
    await sync.getByLabel('Endpoint URL').fill(rx.url);
    await sync.getByLabel('Campaign feed URL').fill(rx.feedUrl);
    await sync.getByRole('button', { name: 'Save', exact: true }).click();
    await waitForStatus(sync, /Campaign feed last loaded .*: 8 leads/);
    assert.equal(rx.feedRequests[0].ifNoneMatch, null);

    // The feed's leads show on a host page.
    await routeFixture(ext.context, 'https://mail.google.com/**', 'tests/fixtures/pages/gmail-inbox.html');
    const gmail = await ext.context.newPage();
    await gmail.goto(INBOX);
    await waitForBadges(gmail, { min: 6 });
    assert.equal(await badgeFor(gmail, 'ann@acme.io').count(), 2);
    assert.equal(await badgeFor(gmail, 'bob@unknown.org').count(), 0);

    // Feedback on the page: a good lead for Ann, "need more info" about Raj.
    let card = await openCard(gmail, 'ann@acme.io');
    await card.getByRole('button', { name: 'Good lead', exact: true }).click();
    await eventually(async () => assert.equal(await card.getByRole('button', { name: 'Good lead', exact: true }).getAttribute('aria-pressed'), 'true'));
    await gmail.keyboard.press('Escape');
    card = await openCard(gmail, 'raj.patel@globex.com');
    await card.getByRole('button', { name: 'Need more info', exact: true }).click();
    await eventually(async () => assert.equal(await card.getByRole('button', { name: 'Need more info', exact: true }).getAttribute('aria-pressed'), 'true'));

    // A content request with a note that a spreadsheet would run, from the popup's path.
    const request = await options.evaluate(() =>
      chrome.runtime.sendMessage({
        type: 'feedback',
        input: { type: 'content_request', value: 'requested', product: 'Spend Control', format: 'comparison', note: '=HYPERLINK("http://evil.example","click")', leadEmail: 'maria.gonzalez@initech.io', campaignId: 'spend-control-launch' },
      }),
    );
    assert.equal(request?.ok, true);

    await waitForStatus(sync, /^3 pending/);
    const feedBefore = rx.feedRequests.length;
    await sync.getByRole('button', { name: 'Sync now', exact: true }).click();
    await waitForStatus(sync, /^0 pending/);
    assert.equal(rx.report().unique, 3);
    const got = [...rx.events.values()];
    const ann = got.find((e) => e.leadEmail === 'ann@acme.io');
    assert.deepEqual(
      { type: ann.type, value: ann.value, site: ann.site, rep: ann.rep, campaignId: ann.campaignId },
      { type: 'lead_quality', value: 'good', site: 'gmail', rep: { name: 'Sam Ortiz', email: 'sam@seller.example' }, campaignId: 'q3-roi-webinar' },
    );
    assert.ok(!('syncState' in ann) && !('syncedAt' in ann), 'no local bookkeeping sent');
    // "Sync now" also checked the feed, once: unchanged, so a 304, and the leads stay.
    await eventually(() => assert.deepEqual(rx.feedRequests.slice(feedBefore).map((r) => [r.ifNoneMatch, r.status]), [['"canonical-1"', 304]]));
    await gmail.reload();
    await waitForBadges(gmail, { min: 6 });
    assert.equal(await badgeFor(gmail, 'ann@acme.io').count(), 2);

    // Exports.
    const csv = await download(options, 'Export CSV');
    assert.match(csv.name, /^unison-feedback-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(csv.bytes);
    assert.equal(rows.length, 3);
    const annRow = rows.find((r) => r.lead_email === 'ann@acme.io');
    assert.equal(annRow.lead_name, 'Ann Lee');
    assert.equal(annRow.company, 'Acme');
    assert.equal(annRow.campaign, 'Q3 ROI webinar');
    assert.equal(annRow.question, 'lead_quality');
    assert.equal(annRow.answer, 'good');
    assert.equal(annRow.rep_email, 'sam@seller.example');
    assert.match(annRow.synced_at, /^\d{4}-\d{2}-\d{2}T/);
    const reqRow = rows.find((r) => r.question === 'content_request');
    assert.equal(reqRow.note, `'=HYPERLINK("http://evil.example","click")`, 'formula guard');
    assert.equal(reqRow.format, 'comparison');
    assert.equal(reqRow.campaign, 'Spend control launch');

    const json = await download(options, 'Export JSON');
    assert.match(json.name, /^unison-feedback-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(json.bytes.toString('utf8'));
    assert.equal(doc.schema, 'unison.feedback-export/1');
    assert.equal(doc.events.length, 3);
    const jAnn = doc.events.find((e) => e.leadEmail === 'ann@acme.io');
    assert.equal(jAnn.leadName, 'Ann Lee');
    assert.equal(jAnn.campaign, 'Q3 ROI webinar');
    assert.ok(jAnn.syncedAt);

    // Filters: one campaign, then one question.
    const feedback = optionsSection(options, 'Feedback');
    await feedback.getByLabel('Campaign', { exact: true }).selectOption({ label: 'Spend control launch' });
    const oneCampaign = parseCsv((await download(options, 'Export CSV')).bytes);
    assert.deepEqual(
      oneCampaign.map((r) => r.campaign_id),
      ['spend-control-launch'],
    );
    await feedback.getByLabel('Campaign', { exact: true }).selectOption({ label: 'All campaigns' });
    await feedback.getByLabel('Question', { exact: true }).selectOption({ label: 'Information sufficiency' });
    const oneQuestion = JSON.parse((await download(options, 'Export JSON')).bytes.toString('utf8'));
    assert.deepEqual(
      oneQuestion.events.map((e) => [e.leadEmail, e.value]),
      [['raj.patel@globex.com', 'insufficient']],
    );
    await feedback.getByLabel('Question', { exact: true }).selectOption({ label: 'All questions' });
    await feedback.getByLabel('From', { exact: true }).fill('2000-01-01');
    await feedback.getByLabel('To', { exact: true }).fill('2000-12-31');
    const none = parseCsv((await download(options, 'Export CSV')).bytes);
    assert.equal(none.length, 0);

    // The charts: one per campaign with answers, each with its table view.
    await feedback.getByLabel('From', { exact: true }).fill('');
    await feedback.getByLabel('To', { exact: true }).fill('');
    await eventually(async () => assert.equal(await feedback.getByRole('article').count(), 3));
    const q3 = feedback.getByRole('article').filter({ has: options.getByRole('heading', { name: 'Q3 ROI webinar' }) });
    await q3.getByText('Table view: Q3 ROI webinar').click();
    const lq = q3.getByRole('table').filter({ hasText: 'Lead quality' });
    assert.match(await lq.innerText(), /Good-lead rate\s+100%/);
    assert.equal(await q3.getByRole('img').count(), 1);
    t.diagnostic(`chart summary: ${await q3.getByRole('img').first().getAttribute('aria-label')}`);

    assert.deepEqual(ext.pageErrors, []);
  });
});
