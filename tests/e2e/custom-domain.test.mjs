// A CRM on a domain of the rep's own: added in the options page's Sites section, asked for
// with permissions.request, served by a dynamically registered content script, detected with
// the generic adapter; switched off and removed again. The build pre-grants
// crm.acme-custom.test (UNISON_E2E_GRANT, see wxt.config.ts and scripts/e2e.mjs), so no
// permission prompt stands in the way; saving, registration and detection are the real ones.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXTENSION_DIR,
  badgeEmails,
  eventually,
  fixturePath,
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

const EXPECTED = JSON.parse(readFileSync(fixturePath('pages/expected.json'), 'utf8'))['generic-crm.html'];
const NEVER = ['bob@unknown.org', 'support@vendor.example', 'newsletter@news.example', 'ops@partner.example', 'sam@seller.example'];

const GMAIL = JSON.parse(readFileSync(fixturePath('pages/expected.json'), 'utf8'))['gmail-inbox.html'].url;

/**
 * No badge on `page`, checked once Unison has badged a page where it does run, opened after it:
 * so a start that is only slow cannot pass for none.
 */
async function expectNoBadges(session, page) {
  const control = await session.context.newPage();
  try {
    await routeFixture(control, 'https://mail.google.com/**', 'tests/fixtures/pages/gmail-inbox.html');
    await control.goto(GMAIL);
    await waitForBadges(control, { min: 1 });
    await page.waitForTimeout(300);
    assert.equal(await page.locator('unison-badge').count(), 0);
  } finally {
    await control.close();
  }
}

/** The dynamic content scripts Chromium has registered for the extension. */
async function registeredScripts(session) {
  const worker = await session.getServiceWorker();
  return worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
}

describe('a custom CRM domain', () => {
  let session;
  let options;
  let tmp;

  before(async () => {
    // Without the pre-grant, Chromium would show a permission prompt nobody can accept.
    const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
    assert.ok(
      manifest.host_permissions?.includes(`https://${DOMAIN}/*`),
      `The build in ${EXTENSION_DIR} does not pre-grant ${DOMAIN}: build it with UNISON_E2E_GRANT=${DOMAIN} (scripts/e2e.mjs does).`,
    );
    session = await launchExtension();
    options = await session.optionsPage();
    await setYou(options, { name: 'Sam Ortiz', email: 'sam@seller.example' });
    const status = await importCampaignFile(options, fixturePath('campaign-data/canonical.csv'));
    assert.match(status, /Imported 8 leads/);
    // The rep is a lead too, so "never the rep's own address" is a check that can fail here.
    tmp = mkdtempSync(join(tmpdir(), 'unison-custom-'));
    const colleague = join(tmp, 'colleague.csv');
    writeFileSync(colleague, 'email,first_name,last_name,company,campaign_id,campaign,channel\nsam@seller.example,Sam,Ortiz,Seller,q3-roi-webinar,Q3 ROI webinar,Webinar\n');
    assert.match(await importCampaignFile(options, colleague), /Imported 1 leads/);
  });

  after(async () => {
    await session?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs nowhere on the domain before it is added', async () => {
    assert.deepEqual(await registeredScripts(session), []);
    await routeFixture(session.context, `https://${DOMAIN}/**`, FIXTURE);
    const page = await session.context.newPage();
    await page.goto(PAGE);
    await expectNoBadges(session, page);
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
    // Some mentions sit in an open shadow root: badgeEmails looks inside it, a document query
    // would not.
    const counted = async () => {
      const found = await badgeEmails(page);
      const counts = {};
      for (const e of found) counts[e] = (counts[e] ?? 0) + 1;
      assert.deepEqual(counts, EXPECTED.badges);
      return found;
    };
    await eventually(counted, { timeout: 15_000 });
    // And still so a moment later: no hidden copy gets a badge after the rest.
    await page.waitForTimeout(400);
    const emails = await counted();
    for (const e of NEVER) assert.ok(!emails.includes(e), `badge for ${e}`);
    // The badge renders with its styles inside the shadow root (no stylesheet fetched from
    // the extension, which the page could not be given access to).
    const styled = await page.locator('unison-badge').first().evaluate((el) => {
      const root = el.shadowRoot;
      const button = root?.querySelector('button');
      const style = button ? getComputedStyle(button) : null;
      return { hasShadow: !!root, width: style?.width, radius: style?.borderTopLeftRadius };
    });
    assert.ok(styled.hasShadow, 'badge has an open shadow root');
    assert.deepEqual([styled.width, styled.radius], ['14px', '4px'], 'badge styles apply inside its shadow root');
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

  it('follows an email field the rep edits inside an open shadow root, and never reads it while they type', async () => {
    const page = await session.context.newPage();
    try {
      await page.goto(PAGE);
      await eventually(async () => assert.equal((await badgeEmails(page)).length > 0, true), { timeout: 15_000 });
      const inField = () => page.evaluate(() => [...document.querySelector('crm-email-field').shadowRoot.querySelectorAll('unison-badge')].map((b) => b.getAttribute('data-unison-email')));
      // A form field drawn by a component, in its own shadow root, holding a lead's address.
      await page.evaluate(() => {
        const host = document.createElement('crm-email-field');
        host.attachShadow({ mode: 'open' }).innerHTML = '<label>Email <input type="email" value="li.wei@umbrella.co"></label>';
        const other = document.createElement('button');
        other.id = 'elsewhere';
        other.textContent = 'Elsewhere';
        document.body.append(host, other);
      });
      await eventually(async () => assert.deepEqual(await inField(), ['li.wei@umbrella.co']), { timeout: 15_000 });
      // The rep types another lead's address: what they type is not read while the field has
      // focus, even when the page changes around it...
      await page.locator('crm-email-field input').fill('raj.patel@globex.com');
      await page.evaluate(() => document.querySelector('crm-email-field').setAttribute('class', 'touched'));
      await page.waitForTimeout(500);
      assert.ok(!(await inField()).includes('raj.patel@globex.com'), 'the address being typed is badged');
      // ...and when they leave it, the field's badge follows its new value.
      await page.locator('#elsewhere').focus();
      await eventually(async () => assert.deepEqual(await inField(), ['raj.patel@globex.com']), { timeout: 15_000 });
    } finally {
      await page.close();
    }
  });

  it('leaves other domains alone, even one the extension has access to', async () => {
    const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
    assert.ok(manifest.host_permissions?.includes('https://crm.other-custom.test/*'), 'the test build grants crm.other-custom.test (scripts/e2e.mjs)');
    await routeFixture(session.context, 'https://crm.other-custom.test/**', FIXTURE);
    const page = await session.context.newPage();
    await page.goto('https://crm.other-custom.test/contacts/list');
    await expectNoBadges(session, page);
    await page.close();
  });

  it('keeps running there after the browser restarts', async () => {
    await options.close();
    await session.restart();
    // The background registers the script again as it starts (Chromium reloads an unpacked
    // extension at browser start, dropping its dynamic scripts).
    await eventually(async () => assert.equal((await registeredScripts(session)).length, 1));
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
    await expectNoBadges(session, page);
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
    await expectNoBadges(session, page);
    await page.close();
  });
});
