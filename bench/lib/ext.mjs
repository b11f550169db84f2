// Driving the built extension for the benchmark: its options page (import, `You`, `Sites`) and,
// for bulk seeding only, its IndexedDB database read and written directly from an extension page
// (same origin as the background, so it is the very database the background reads).
import { countStored, importCampaignFile, launchExtension, optionsSection, setYou, waitForStatus } from '../../tests/e2e/lib/index.mjs';
import { EXTENSION_DIR } from './paths.mjs';

export { countStored, importCampaignFile, optionsSection, setYou, waitForStatus };

/** Starts Chromium with the benchmark build on a fresh profile (offline but for routes). */
export function launchBenchExtension(opts = {}) {
  return launchExtension({ extensionDir: EXTENSION_DIR, headless: true, ...opts });
}

/** Adds a CRM domain in the `Sites` section (the build grants it without a prompt). */
export async function addCustomDomain(options, host) {
  const section = optionsSection(options, 'Sites');
  await section.getByLabel('CRM domain').fill(host);
  await section.getByRole('button', { name: 'Add', exact: true }).click();
  await waitForStatus(section, new RegExp(`Added ${host.replace(/\./g, '\\.')}`), { timeout: 15_000 });
}

/** Makes sure the background has created the database (its first lookup opens it). */
export async function ensureDatabase(page) {
  await page.evaluate(() => chrome.runtime.sendMessage({ type: 'lookup', emails: ['nobody@unison-bench.example'] }));
}

/**
 * Runs `fn(db, arg)` in the extension page with the `unison` database open (raw IndexedDB).
 * `fn` is sent as source: it must be self-contained; `arg` must be JSON.
 */
export async function withRawDb(page, fn, arg) {
  // One expression evaluated through the DevTools protocol (extension pages forbid eval and
  // `new Function` by their CSP; protocol evaluation is not subject to it).
  const expression = `(async () => {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('unison');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      return await (${fn.toString()})(db, ${JSON.stringify(arg ?? null)});
    } finally {
      db.close();
    }
  })()`;
  return page.evaluate(expression);
}

/** Empties the given object stores. */
export async function clearStores(page, stores) {
  await withRawDb(
    page,
    (db, names) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(names, 'readwrite');
        for (const n of names) tx.objectStore(n).clear();
        tx.oncomplete = () => resolve(true);
        tx.onerror = () => reject(tx.error);
      }),
    stores,
  );
}

/**
 * Writes `count` generated leads (`lead<i>@seed<i % 97>.example`, i from `from`) straight into
 * the leads store, in chunks, with a first-touch campaign name as imports write it, and records
 * an import (as every import does, so the campaign data version changes and the background knows
 * its lead index is out of date). For the lookup benchmark, where the import path is not what is
 * measured.
 */
export async function seedLeads(page, { from = 0, count }) {
  return withRawDb(
    page,
    async (db, { from: start, count: n }) => {
      const CHUNK = 20_000;
      const now = new Date().toISOString();
      for (let base = start; base < start + n; base += CHUNK) {
        await new Promise((resolve, reject) => {
          const tx = db.transaction('leads', 'readwrite');
          const store = tx.objectStore('leads');
          for (let i = base; i < Math.min(start + n, base + CHUNK); i++) {
            store.put({ email: `lead${i}@seed${i % 97}.example`, name: `Lead ${i}`, company: `Seed ${i % 97}`, title: 'Buyer', firstCampaign: 'Q3 ROI webinar', updatedAt: now });
          }
          tx.oncomplete = () => resolve(true);
          tx.onerror = () => reject(tx.error);
        });
      }
      await new Promise((resolve, reject) => {
        const tx = db.transaction('imports', 'readwrite');
        tx.objectStore('imports').add({ at: now, fileName: 'bench-seed', format: 'canonical', rows: n, leads: n, touches: 0, skippedRows: 0, source: 'file' });
        tx.oncomplete = () => resolve(true);
        tx.onerror = () => reject(tx.error);
      });
      return n;
    },
    { from, count },
  );
}

/** The address `seedLeads` writes for number i. */
export const seededEmail = (i) => `lead${i}@seed${i % 97}.example`;

/**
 * Writes `count` feedback events (valid `unison.feedback/1` events, pending sync) about seeded
 * leads, spread over the last 90 days, in chunks.
 */
export async function seedFeedback(page, { count, leads }) {
  return withRawDb(
    page,
    async (db, { count: n, leads: nLeads }) => {
      const CHUNK = 20_000;
      const TYPES = [
        ['lead_quality', 'good'],
        ['lead_quality', 'poor_fit'],
        ['content_relevance', 'relevant'],
        ['info_sufficiency', 'insufficient'],
        ['content_request', 'requested'],
      ];
      const hex = (x, len) => x.toString(16).padStart(len, '0').slice(-len);
      const t0 = Date.parse('2026-09-01T00:00:00Z');
      for (let base = 0; base < n; base += CHUNK) {
        await new Promise((resolve, reject) => {
          const tx = db.transaction('feedback', 'readwrite');
          const store = tx.objectStore('feedback');
          for (let i = base; i < Math.min(n, base + CHUNK); i++) {
            const [type, value] = TYPES[i % TYPES.length];
            const lead = i % nLeads;
            store.put({
              // A valid UUID (version 4 layout) that is unique per i.
              id: `be000000-${hex(i >>> 16, 4)}-4${hex(i, 3)}-8${hex(i >>> 12, 3)}-${hex(i, 12)}`,
              type,
              value,
              reason: value === 'poor_fit' ? 'no_budget' : null,
              note: i % 10 === 0 ? `Note ${i}: =SUM(A1) "quoted", with a comma` : null,
              leadEmail: `lead${lead}@seed${lead % 97}.example`,
              campaignId: 'cmp-q3-roi-webinar',
              contentId: type === 'content_relevance' ? 'ast-roi-calc' : null,
              product: type === 'content_request' ? 'Forecasting' : null,
              format: type === 'content_request' ? 'case_study' : null,
              rep: { name: 'Sam Ortiz', email: 'sam@seller.example' },
              site: 'gmail',
              createdAt: new Date(t0 + i * 60_000).toISOString(),
              supersedes: null,
              syncState: 'pending',
              syncedAt: null,
              syncError: null,
            });
          }
          tx.oncomplete = () => resolve(true);
          tx.onerror = () => reject(tx.error);
        });
      }
      return n;
    },
    { count, leads },
  );
}

/** Writes lead records (as the store keeps them) straight into the leads store. */
export async function putLeads(page, leads) {
  return withRawDb(
    page,
    (db, list) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction('leads', 'readwrite');
        const store = tx.objectStore('leads');
        for (const l of list) store.put(l);
        tx.oncomplete = () => resolve(list.length);
        tx.onerror = () => reject(tx.error);
      }),
    leads,
  );
}
