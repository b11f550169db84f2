// A CRM on a domain of the rep's own: added in the options page's Sites section, asked for
// with permissions.request, served by a dynamically registered content script, detected with
// the generic adapter; switched off and removed again. The build pre-grants
// crm.acme-custom.test (UNISON_E2E_GRANT, see wxt.config.ts and scripts/e2e.mjs), so no
// permission prompt stands in the way; saving, registration and detection are the real ones.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  badgeEmails,
  eventually,
  importCampaignFile,
  launchExtension,
  optionsSection,
  routeFixture,
  setYou,
  waitForBadges,
  waitForStatus,
} from './lib/index.mjs';

const DOMAIN = 'crm.acme-custom.test';
const PAGE = `https://${DOMAIN}/contacts/list`;
const FIXTURE = 'tests/fixtures/pages/generic-crm.html';

const KNOWN = [
  ['ann@acme.io', 'Ann', 'Lee', 'Acme', 'CFO'],
  ['raj.patel@globex.com', 'Raj', 'Patel', 'Globex', 'VP Sales'],
  ['maria.gonzalez@initech.io', 'Maria', 'Gonzalez', 'Initech', 'Head of RevOps'],
  ['li.wei@umbrella.co', 'Li', 'Wei', 'Umbrella', 'CTO'],
  ['tom.baker@hooli.com', 'Tom', 'Baker', 'Hooli', 'Procurement Manager'],
  ['sofia.rossi@vandelay.it', 'Sofia', 'Rossi', 'Vandelay Industries', 'COO'],
  ['ken.ito@stark.jp', 'Ken', 'Ito', 'Stark Industries', 'Director of Finance'],
  ['nina.berg@wayne.no', 'Nina', 'Berg', 'Wayne Enterprises', 'Marketing Ops Lead'],
];
const KNOWN_EMAILS = new Set(KNOWN.map(([e]) => e));
const NEVER = ['bob@unknown.org', 'support@vendor.example', 'newsletter@news.example', 'ops@partner.example', 'sam@seller.example'];

/** Campaign data in the canonical CSV: one touch per known lead. */
function campaignCsv() {
  const head = 'email,first_name,last_name,company,title,campaign_id,campaign,channel,utm_source,utm_medium,utm_campaign,product,touch,touched_at';
  const rows = KNOWN.map(
    ([email, first, last, company, title], i) =>
      `${email},${first},${last},${company},${title},cmp-q3-webinar,Q3 ROI webinar,Webinar,linkedin,paid_social,q3-roi,Forecasting,first,2026-07-${String(10 + i).padStart(2, '0')}T10:00:00Z`,
  );
  return `${[head, ...rows].join('\r\n')}\r\n`;
}

/** The dynamic content scripts Chromium has registered for the extension. */
async function registeredScripts(session) {
  const worker = await session.getServiceWorker();
  return worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
}

describe('a custom CRM domain', () => {
  let session;
  let options;
  let dir;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unison-custom-'));
    const csv = join(dir, 'campaign-data.csv');
    writeFileSync(csv, campaignCsv());
    session = await launchExtension();
    options = await session.optionsPage();
    await setYou(options, { name: 'Sam Ortiz', email: 'sam@seller.example' });
    const status = await importCampaignFile(options, csv);
    assert.match(status, /Imported 8 leads/);
  });

  after(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs nowhere on the domain before it is added', async () => {
    assert.deepEqual(await registeredScripts(session), []);
    await routeFixture(session.context, `https://${DOMAIN}/**`, FIXTURE);
    const page = await session.context.newPage();
    await page.goto(PAGE);
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('unison-badge').count(), 0);
    await page.close();
  });

  it('is added from the Sites section and registers one content script for it', async () => {
    const sites = optionsSection(options, 'Sites');
    await sites.getByLabel('CRM domain').fill(`https://${DOMAIN}/contacts`);
    await sites.getByRole('button', { name: 'Add', exact: true }).click();
    await waitForStatus(sites, new RegExp(`Added ${DOMAIN.replace(/\./g, '\\.')}`));
    await sites.getByRole('button', { name: `Remove ${DOMAIN}` }).waitFor();
    const scripts = await eventually(async () => {
      const s = await registeredScripts(session);
      assert.equal(s.length, 1);
      return s;
    });
    assert.equal(scripts[0].id, 'unison-custom-domains');
    assert.deepEqual(scripts[0].js, ['content-scripts/overlay.js']);
    assert.deepEqual([...scripts[0].matches].sort(), [`http://${DOMAIN}/*`, `https://${DOMAIN}/*`]);
  });

  it('badges the known leads on its pages, with the generic adapter and the overlay styles', async () => {
    const page = await session.context.newPage();
    await page.goto(PAGE);
    await waitForBadges(page, { min: 1 });
    const emails = await badgeEmails(page);
    for (const e of emails) assert.ok(KNOWN_EMAILS.has(e), `badge for ${e}, which is not a known lead`);
    for (const e of NEVER) assert.ok(!emails.includes(e), `badge for ${e}`);
    // The badge renders with its styles inside the shadow root (no stylesheet fetched from
    // the extension, which the page could not be given access to).
    const styled = await page.locator('unison-badge').first().evaluate((el) => {
      const root = el.shadowRoot;
      const css = [...(root?.querySelectorAll('style') ?? [])].map((s) => s.textContent ?? '').join('');
      return { hasShadow: !!root, cssLength: css.length };
    });
    assert.ok(styled.hasShadow, 'badge has an open shadow root');
    assert.ok(styled.cssLength > 0, 'badge styles are in its shadow root');
    // The card opens and the background answers for this site.
    await page.locator('unison-badge').first().getByRole('button', { name: /^Unison:/ }).click();
    const card = page.getByRole('dialog').first();
    await card.waitFor({ state: 'visible' });
    await card.getByRole('button', { name: 'Good lead', exact: true }).click();
    await eventually(async () => assert.equal(await card.getByRole('button', { name: 'Good lead', exact: true }).getAttribute('aria-pressed'), 'true'));
    assert.deepEqual(session.pageErrors, []);

    // The popup lists the same leads for this tab.
    const popup = await session.popupPage(page);
    const list = popup.getByRole('list', { name: 'Leads on this page' });
    await list.waitFor();
    const listed = await list.locator(':scope > li').evaluateAll((els) => els.map((el) => el.getAttribute('data-email')));
    assert.deepEqual(new Set(listed), new Set(emails));
    await popup.getByText('Good lead', { exact: true }).first().waitFor();
    await popup.close();
    await page.close();
  });

  it('leaves other domains alone', async () => {
    await routeFixture(session.context, 'https://crm.other-custom.test/**', FIXTURE);
    const page = await session.context.newPage();
    await page.goto('https://crm.other-custom.test/contacts/list');
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('unison-badge').count(), 0);
    await page.close();
  });

  it('keeps running there after the browser restarts', async () => {
    await options.close();
    await session.restart();
    await routeFixture(session.context, `https://${DOMAIN}/**`, FIXTURE);
    const page = await session.context.newPage();
    await page.goto(PAGE);
    await waitForBadges(page, { min: 1 });
    await page.close();
    options = await session.optionsPage();
  });

  it('stops when "Custom domains" is switched off, and starts again when it is on', async () => {
    const sites = optionsSection(options, 'Sites');
    const toggle = sites.getByRole('switch', { name: 'Custom domains' });
    await toggle.uncheck();
    await eventually(async () => assert.deepEqual(await registeredScripts(session), []));
    const page = await session.context.newPage();
    await page.goto(PAGE);
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('unison-badge').count(), 0);
    await toggle.check();
    await eventually(async () => assert.equal((await registeredScripts(session)).length, 1));
    await page.reload();
    await waitForBadges(page, { min: 1 });
    await page.close();
  });

  it('is removed again: the script goes and so do the badges', async () => {
    const sites = optionsSection(options, 'Sites');
    await sites.getByRole('button', { name: `Remove ${DOMAIN}` }).click();
    await waitForStatus(sites, new RegExp(`Removed ${DOMAIN.replace(/\./g, '\\.')}`));
    await eventually(async () => assert.deepEqual(await registeredScripts(session), []));
    const page = await session.context.newPage();
    await page.goto(PAGE);
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('unison-badge').count(), 0);
    await page.close();
  });
});
