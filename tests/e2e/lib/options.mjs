// The options page, through the hooks of the automation contract only (labels, roles, names).

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
  await section.getByLabel('Campaign data file').setInputFiles(file);
  await page.waitForFunction((before) => window.__unisonStatusWatch.changes > before, seq, { timeout });
  return waitForStatus(section, pattern, { timeout });
}

/**
 * Counts the records of one object store of the extension's IndexedDB database, read directly
 * (not through the UI). Run it on an extension page. 0 when the database does not exist yet.
 * @param {import('playwright-core').Page} page
 */
export async function countStored(page, store, dbName = 'unison') {
  return page.evaluate(
    async ([name, storeName]) => {
      const dbs = await indexedDB.databases();
      if (!dbs.some((d) => d.name === name)) return 0;
      return new Promise((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          try {
            const count = db.transaction(storeName, 'readonly').objectStore(storeName).count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          } catch (err) {
            reject(err);
          } finally {
            db.close();
          }
        };
      });
    },
    [dbName, store],
  );
}

/**
 * Fills the `You` section (the rep's name and email) and saves it.
 * @param {import('playwright-core').Page} page  options.html
 */
export async function setYou(page, { name, email }) {
  const section = optionsSection(page, 'You');
  await section.getByLabel('Your name').fill(name);
  await section.getByLabel('Your email').fill(email);
  await section.getByRole('button', { name: 'Save' }).click();
  await waitForStatus(section, /Saved/);
}
