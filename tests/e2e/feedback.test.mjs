// One-click feedback in Chromium with the built extension: every button of the card on the Gmail
// fixture, the answers shown again on the Salesforce fixture (another site), after the service
// worker is stopped right after a click, and after the browser restarts on the same profile;
// content requests from the card and from the popup, and the popup's pending count.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  allStored,
  countStored,
  eventually,
  fixturePath,
  importCampaignFile,
  launchExtension,
  openCard,
  routeFixture,
  setYou,
  waitForBadges,
} from './lib/index.mjs';

const EXPECTED = JSON.parse(readFileSync(fixturePath('pages/expected.json'), 'utf8'));
const GMAIL = EXPECTED['gmail-inbox.html'].url;
const SF = EXPECTED['salesforce-lead.html'].url;
const LEAD = 'ann@acme.io';

async function routeAll(context) {
  await routeFixture(context, 'https://mail.google.com/**', 'tests/fixtures/pages/gmail-inbox.html');
  await routeFixture(context, `${new URL(SF).origin}/**`, 'tests/fixtures/pages/salesforce-lead.html');
}

const pressed = async (dialog, name) => dialog.getByRole('button', { name, exact: true }).getAttribute('aria-pressed');

/** Every feedback event of the store, read on an extension page. */
const storedEvents = (page) => allStored(page, 'feedback');

describe('one-click feedback', () => {
  let session;
  let options;

  before(async () => {
    session = await launchExtension();
    options = await session.optionsPage();
    await setYou(options, { name: 'Sam Ortiz', email: 'sam@seller.example' });
    assert.match(await importCampaignFile(options, fixturePath('campaign-data/canonical.csv')), /Imported 8 leads/);
    await routeAll(session.context);
  });

  after(async () => {
    await session?.close();
  });

  it('saves each answer with one click on Gmail and shows it pressed', async () => {
    const page = await session.context.newPage();
    await page.goto(GMAIL);
    await waitForBadges(page);
    const dialog = await openCard(page, LEAD);

    await dialog.getByRole('button', { name: 'Good lead', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Good lead'), 'true'));

    await dialog.getByRole('button', { name: 'Poor fit', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Poor fit'), 'true'));
    assert.equal(await pressed(dialog, 'Good lead'), 'false');
    for (const reason of ['Wrong persona', 'No budget', 'No need', 'Bad timing', 'Competitor', 'Unreachable', 'Duplicate', 'Other']) {
      assert.equal(await dialog.getByRole('button', { name: reason, exact: true }).count(), 1, reason);
    }
    await dialog.getByRole('button', { name: 'No budget', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'No budget'), 'true'));

    await dialog.getByRole('button', { name: 'Content not relevant', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Content not relevant'), 'true'));
    await dialog.getByRole('button', { name: 'Content relevant', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Content relevant'), 'true'));
    assert.equal(await pressed(dialog, 'Content not relevant'), 'false');

    await dialog.getByRole('button', { name: 'Need more info', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Need more info'), 'true'));

    // A note added after the click.
    await dialog.getByRole('button', { name: 'Add a note' }).click();
    await dialog.getByLabel('Note').fill('Asked for a security review first');
    await dialog.getByRole('button', { name: 'Save note' }).click();
    await dialog.getByText('(with note)').waitFor();

    const events = await storedEvents(options);
    const quality = events.filter((e) => e.type === 'lead_quality').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    assert.deepEqual(
      quality.map((e) => [e.value, e.reason]),
      [
        ['good', null],
        ['poor_fit', null],
        ['poor_fit', 'no_budget'],
      ],
    );
    assert.equal(quality[1].supersedes, quality[0].id);
    assert.equal(quality[2].supersedes, quality[1].id);
    for (const e of events) {
      assert.equal(e.site, 'gmail');
      assert.deepEqual(e.rep, { name: 'Sam Ortiz', email: 'sam@seller.example' });
      assert.equal(e.leadEmail, LEAD);
      assert.match(e.id, /^[0-9a-f-]{36}$/);
    }
    const noted = events.find((e) => e.note === 'Asked for a security review first');
    assert.equal(noted?.type, 'info_sufficiency');
    assert.equal(noted?.value, 'insufficient');
    await page.close();
  });

  it('undoes a click within a few seconds', async () => {
    const page = await session.context.newPage();
    await page.goto(GMAIL);
    await waitForBadges(page);
    const dialog = await openCard(page, LEAD);
    const before = (await storedEvents(options)).length;
    await dialog.getByRole('button', { name: 'Info sufficient', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Info sufficient'), 'true'));
    await dialog.getByRole('button', { name: 'Undo' }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Need more info'), 'true'));
    assert.equal(await pressed(dialog, 'Info sufficient'), 'false');
    assert.equal((await storedEvents(options)).length, before);
    await page.close();
  });

  it('shows the same answers on another site, in another tab', async () => {
    const page = await session.context.newPage();
    await page.goto(SF);
    await waitForBadges(page);
    const dialog = await openCard(page, LEAD);
    await eventually(async () => {
      assert.equal(await pressed(dialog, 'Poor fit'), 'true');
      assert.equal(await pressed(dialog, 'No budget'), 'true');
      assert.equal(await pressed(dialog, 'Content relevant'), 'true');
      assert.equal(await pressed(dialog, 'Need more info'), 'true');
      assert.equal(await pressed(dialog, 'Good lead'), 'false');
    });
    await page.close();
  });

  it('updates an open card in another tab when the answer changes', async () => {
    const gmail = await session.context.newPage();
    await gmail.goto(GMAIL);
    await waitForBadges(gmail);
    const gDialog = await openCard(gmail, LEAD);
    const sf = await session.context.newPage();
    await sf.goto(SF);
    await waitForBadges(sf);
    const sDialog = await openCard(sf, LEAD);
    await sDialog.getByRole('button', { name: 'Good lead', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(gDialog, 'Good lead'), 'true'));
    const events = await storedEvents(options);
    assert.equal(events.filter((e) => e.site === 'salesforce').length, 1);
    await gmail.close();
    await sf.close();
  });

  it('keeps a click saved when the service worker stops right after it', async () => {
    const page = await session.context.newPage();
    await page.goto(GMAIL);
    await waitForBadges(page);
    const dialog = await openCard(page, 'raj.patel@globex.com');
    await dialog.getByRole('button', { name: 'Info sufficient', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Info sufficient'), 'true'));
    assert.equal(await session.stopServiceWorker(), true);
    await page.reload();
    await waitForBadges(page);
    const again = await openCard(page, 'raj.patel@globex.com');
    await eventually(async () => assert.equal(await pressed(again, 'Info sufficient'), 'true'));
    await page.close();
  });

  it('saves a click made while the service worker is stopped, with the card open (it wakes for it)', async () => {
    const page = await session.context.newPage();
    await page.goto(GMAIL);
    await waitForBadges(page);
    const dialog = await openCard(page, 'raj.patel@globex.com');
    // MV3: the worker stops when idle; the rep clicks later, without reloading anything.
    assert.equal(await session.stopServiceWorker(), true);
    await dialog.getByRole('button', { name: 'Content relevant', exact: true }).click();
    await eventually(async () => assert.equal(await pressed(dialog, 'Content relevant'), 'true'), { timeout: 15_000 });
    const saved = (await storedEvents(options)).filter((e) => e.leadEmail === 'raj.patel@globex.com' && e.type === 'content_relevance');
    assert.equal(saved.length, 1);
    assert.equal(saved[0].value, 'relevant');
    await page.close();
  });

  it('requests content from the card with the product prefilled', async () => {
    const page = await session.context.newPage();
    await page.goto(GMAIL);
    await waitForBadges(page);
    const dialog = await openCard(page, LEAD);
    await dialog.getByRole('button', { name: 'Request content' }).click();
    const form = dialog.getByRole('form', { name: 'Request content' });
    const product = await form.getByLabel('Product').inputValue();
    assert.ok(product.length > 0, 'product prefilled');
    await form.getByLabel('Format').selectOption('comparison');
    await form.getByLabel('Note').fill('Against the incumbent');
    await form.getByRole('button', { name: 'Send request' }).click();
    await dialog.getByText(/Saved: Requested comparison/).waitFor();
    const req = (await storedEvents(options)).find((e) => e.type === 'content_request' && e.site === 'gmail');
    assert.equal(req?.format, 'comparison');
    assert.equal(req?.product, product);
    assert.equal(req?.note, 'Against the incumbent');
    await page.close();
  });

  it('lists the leads of the tab in the popup, requests content there, and counts pending feedback', async () => {
    const page = await session.context.newPage();
    await page.goto(GMAIL);
    await waitForBadges(page);
    const popup = await session.popupPage(page);
    await popup.getByRole('list', { name: 'Leads on this page' }).waitFor();
    const items = popup.getByRole('list', { name: 'Leads on this page' }).locator(':scope > li');
    assert.equal(await items.count(), Object.keys(EXPECTED['gmail-inbox.html'].badges).length);
    await popup.getByRole('list', { name: /^Answers for Ann Lee/ }).waitFor();

    const pendingBefore = (await storedEvents(options)).filter((e) => e.syncState === 'pending').length;
    await popup.getByText(`${pendingBefore} pending`).waitFor();

    await popup.getByRole('button', { name: 'Request content' }).click();
    const form = popup.getByRole('form', { name: 'Request content' });
    await form.getByLabel('Lead').selectOption(LEAD);
    await form.getByLabel('Format').selectOption('case_study');
    await form.getByRole('button', { name: 'Send request' }).click();
    await popup.getByRole('status').filter({ hasText: /Request sent/ }).waitFor();
    await popup.getByText(`${pendingBefore + 1} pending`).waitFor();
    const fromPopup = (await storedEvents(options)).filter((e) => e.site === 'popup');
    assert.equal(fromPopup.length, 1);
    assert.equal(fromPopup[0].leadEmail, LEAD);
    assert.equal(fromPopup[0].format, 'case_study');
    assert.equal(await countStored(options, 'feedback'), pendingBefore + 1);
    await popup.close();
    await page.close();
  });

  it('still shows every answer after the browser restarts on the same profile', async () => {
    await session.restart();
    await routeAll(session.context);
    options = await session.optionsPage();
    for (const url of [GMAIL, SF]) {
      const page = await session.context.newPage();
      await page.goto(url);
      await waitForBadges(page);
      const dialog = await openCard(page, LEAD);
      await eventually(async () => {
        assert.equal(await pressed(dialog, 'Good lead'), 'true');
        assert.equal(await pressed(dialog, 'Content relevant'), 'true');
        assert.equal(await pressed(dialog, 'Need more info'), 'true');
      });
      await page.close();
    }
  });
});
