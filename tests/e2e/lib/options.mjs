// The options page, through the hooks of the automation contract (labels, roles, names); what
// is stored behind it (IndexedDB, storage.local) is read directly where a check needs it.
import assert from 'node:assert/strict';
import { eventually } from './wait.mjs';

/**
 * One section of options.html by its heading: `Campaign data`, `Feedback`, `Sync`, `Sites`, `You`.
 * @param {import('playwright-core').Page} page
 */
export function optionsSection(page, heading) {
  // The innermost section holding that heading (the last in document order).
  return page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: heading, exact: true }) })
    .last();
}

/**
 * Waits until a `role="status"` element inside `scope` says something matching `pattern`;
 * returns its text.
 * @param {import('playwright-core').Locator | import('playwright-core').Page} scope
 * @param {RegExp} pattern
 */
export async function waitForStatus(scope, pattern, { timeout = 30_000 } = {}) {
  const status = scope.getByRole('status').filter({ hasText: pattern }).first();
  await status.waitFor({ state: 'visible', timeout });
  return (await status.innerText()).trim();
}

/** What the Campaign data status says when an import ends: success, or errors named by line. */
export const IMPORT_DONE = /Imported \d+ leads?|\bline\s+\d+/i;

/**
 * Uploads a file through the `Campaign data file` input and waits for the status at the end of
 * the import (`Imported N leads`, or errors by line). Only a status written after the upload
 * counts, so importing twice in a row on one page waits for the second result.
 *
 * @param {import('playwright-core').Page} page  options.html
 * @param {string} file  absolute path
 * @param {{ pattern?: RegExp, timeout?: number }} [opts]
 * @returns {Promise<string>} the status text
 */
export async function importCampaignFile(page, file, { pattern = IMPORT_DONE, timeout = 60_000 } = {}) {
  const section = optionsSection(page, 'Campaign data');
  const seq = await section.evaluate((el) => {
    // Counts changes to the section's status elements, so a stale status is told apart.
    const w = /** @type {any} */ (window);
    if (!w.__unisonStatusWatch) {
      w.__unisonStatusWatch = { changes: 0 };
      const inStatus = (node) => {
        const element = node.nodeType === 1 ? node : node.parentElement;
        return !!element?.closest('[role="status"], output');
      };
      new MutationObserver((records) => {
        if (records.some((r) => inStatus(r.target))) w.__unisonStatusWatch.changes += 1;
      }).observe(el, { subtree: true, childList: true, characterData: true });
    }
    return w.__unisonStatusWatch.changes;
  });
  const input = section.getByLabel('Campaign data file');
  // The page is rendered when this is called: a missing input is a failure, not a wait.
  await input.waitFor({ state: 'attached', timeout: 5000 }).catch(() => {
    throw new Error('No input labelled "Campaign data file" in the Campaign data section');
  });
  await input.setInputFiles(file);
  await page.waitForFunction((before) => window.__unisonStatusWatch.changes > before, seq, { timeout });
  return waitForStatus(section, pattern, { timeout });
}

/**
 * Runs one read (`count()` or `get(key)`) on an object store of the extension's IndexedDB
 * database, directly (not through the UI), on an extension page. A database that does not
 * exist yet is not created: count gives 0, get undefined.
 */
function readStore(page, dbName, store, op, key) {
  return page.evaluate(
    async ([name, storeName, operation, k]) => {
      const dbs = await indexedDB.databases();
      if (!dbs.some((d) => d.name === name)) return operation === 'count' ? 0 : operation === 'getAll' ? [] : undefined;
      return new Promise((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          try {
            const objectStore = db.transaction(storeName, 'readonly').objectStore(storeName);
            const read = operation === 'count' ? objectStore.count() : operation === 'getAll' ? objectStore.getAll() : objectStore.get(k);
            read.onsuccess = () => resolve(read.result);
            read.onerror = () => reject(read.error);
          } catch (err) {
            reject(err);
          } finally {
            db.close();
          }
        };
      });
    },
    [dbName, store, op, key],
  );
}

/**
 * How many records an object store of the extension's database holds (0 before it exists).
 * @param {import('playwright-core').Page} page  any extension page
 */
export function countStored(page, store, dbName = 'unison') {
  return readStore(page, dbName, store, 'count');
}

/**
 * Every record of an object store of the extension's database ([] before it exists).
 * @param {import('playwright-core').Page} page  any extension page
 */
export function allStored(page, store, dbName = 'unison') {
  return readStore(page, dbName, store, 'getAll');
}

/**
 * One record of the extension's database by key, or undefined.
 * @param {import('playwright-core').Page} page  any extension page
 */
export function readStored(page, store, key, dbName = 'unison') {
  return readStore(page, dbName, store, 'get', key);
}

/**
 * Fills the `You` section (the rep's name and email), saves it, and waits until the settings
 * in `storage.local` hold them. Chromium's first `storage.managed` read can take seconds, and
 * the section may then fill its fields from the settings it loaded after they were typed; the
 * helper types and saves again when that happens, so the page ends up showing what is stored.
 * @param {import('playwright-core').Page} page  options.html
 */
export async function setYou(page, { name, email }) {
  const section = optionsSection(page, 'You');
  const nameInput = section.getByLabel('Your name');
  const emailInput = section.getByLabel('Your email');
  for (let attempt = 1; ; attempt++) {
    await nameInput.fill(name);
    await emailInput.fill(email);
    await section.getByRole('button', { name: 'Save' }).click();
    await waitForStatus(section, /Saved/);
    await eventually(async () => {
      const stored = await page.evaluate(() => chrome.storage.local.get('settings').then((r) => r.settings?.you ?? null));
      assert.deepEqual(stored, { name, email: email.toLowerCase() });
    });
    await page.waitForTimeout(200);
    if ((await nameInput.inputValue()) === name && (await emailInput.inputValue()) === email) return;
    if (attempt === 3) throw new Error('setYou: the You section kept clearing its fields after saving');
  }
}
