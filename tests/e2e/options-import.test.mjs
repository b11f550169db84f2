// Campaign-data import through the real options page in Chromium: a HubSpot export that is
// still there after a browser restart, every sample of the recognised exports, a file with bad
// rows whose valid rows are imported only when the user accepts, and files that import nothing.
// Files and expected counts: tests/fixtures/campaign-data/expected.json and traps.json.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  countStored,
  eventually,
  fixturePath,
  importCampaignFile,
  launchExtension,
  optionsSection,
  readStored,
  waitForStatus,
} from './lib/index.mjs';

const readJson = (name) => JSON.parse(readFileSync(fixturePath(`campaign-data/${name}`), 'utf8'));
/** file name → { format, leads } for files that import without a question. */
const EXPECTED = readJson('expected.json');
/** file name → what happens instead: an error, issues by line, or a mapping step. */
const TRAPS = readJson('traps.json');
const file = (name) => fixturePath(`campaign-data/${name}`);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('Campaign data import on the options page', () => {
  test('a HubSpot export: "Imported N leads", and the data is still there after a restart', async () => {
    const { leads } = EXPECTED['hubspot.csv'];
    const ext = await launchExtension();
    try {
      let page = await ext.optionsPage();
      assert.equal(await countStored(page, 'leads'), 0, 'a fresh profile holds no leads');
      const status = await importCampaignFile(page, file('hubspot.csv'));
      assert.match(status, new RegExp(`Imported ${leads} leads`));
      assert.equal(await countStored(page, 'leads'), leads);
      const ann = await readStored(page, 'leads', 'ann@acme.io');
      assert.equal(ann?.name, 'Ann Lee');

      await ext.restart();
      page = await ext.optionsPage();
      // The summary of what is loaded shows the lead count again, read from the database.
      const section = optionsSection(page, 'Campaign data');
      await eventually(async () => {
        // The count under "Loaded now" (not the last import's own line, recorded at import time).
        const count = section.locator('.cd-summary dt', { hasText: /^Leads$/ }).locator('xpath=following-sibling::dd[1]');
        assert.equal((await count.innerText()).trim(), String(leads));
      });
      assert.match(await section.innerText(), /hubspot\.csv/, 'the summary names the last file');
      assert.equal(await countStored(page, 'leads'), leads);
      assert.equal((await readStored(page, 'leads', 'raj.patel@globex.com'))?.name, 'Raj Patel');
      assert.deepEqual(ext.pageErrors, []);
    } finally {
      await ext.close();
    }
  });

  describe('every sample of the recognised exports', () => {
    let ext;
    before(async () => {
      ext = await launchExtension();
    });
    after(async () => {
      await ext?.close();
    });

    test('the samples cover every format of the contract', () => {
      const formats = [...new Set(Object.values(EXPECTED).map((e) => e.format))].sort();
      assert.deepEqual(formats, ['canonical', 'hubspot', 'json', 'marketo', 'pipedrive', 'salesforce', 'utm']);
    });

    let stored = 0;
    for (const [name, { format, leads }] of Object.entries(EXPECTED)) {
      test(`${format}: ${name} imports ${leads} leads`, async () => {
        const page = await ext.optionsPage();
        try {
          const status = await importCampaignFile(page, file(name));
          assert.match(status, new RegExp(`Imported ${leads} leads`), `status for ${name}`);
          // Imports merge by address: the store grows by at most the file's leads, never shrinks.
          const now = await countStored(page, 'leads');
          assert.ok(now >= Math.max(stored, leads) && now <= stored + leads, `${now} leads stored after ${stored} + ${leads}`);
          stored = now;
        } finally {
          await page.close();
        }
      });
    }

    test('no page error along the way', () => {
      assert.deepEqual(ext.pageErrors, []);
    });
  });

  describe('a file with bad rows, then files that import nothing', () => {
    const trap = TRAPS['bad-rows.csv'];
    let ext;
    let page;
    before(async () => {
      ext = await launchExtension();
      page = await ext.optionsPage();
    });
    after(async () => {
      await ext?.close();
    });

    test('names the errors by line, stores nothing until accepted, then imports the valid rows', async () => {
      const status = await importCampaignFile(page, file('bad-rows.csv'));
      assert.ok(status.includes(trap.status), `status "${status}" names ${trap.status}`);
      const section = optionsSection(page, 'Campaign data');
      const text = await section.innerText();
      for (const issue of trap.issues) {
        assert.match(text, new RegExp(`line ${issue.line}\\b`), `line ${issue.line} (${issue.column}) is named`);
      }
      assert.equal(await countStored(page, 'leads'), 0, 'nothing is stored before the user accepts');

      await section.getByRole('button', { name: 'Import valid rows' }).click();
      const done = await waitForStatus(section, /Imported \d+ leads/);
      assert.match(done, new RegExp(`Imported ${trap.leadsAfterAccept} leads`));
      assert.equal(await countStored(page, 'leads'), trap.leadsAfterAccept);
      assert.equal(await readStored(page, 'leads', 'tom.baker@hooli.com'), undefined, 'the row with a bad date is left out');
    });

    for (const [name, t] of Object.entries(TRAPS).filter(([, t]) => t.error)) {
      test(`${name}: "${t.error}", and nothing stored changes`, async () => {
        const before = await countStored(page, 'leads');
        const status = await importCampaignFile(page, file(name), { pattern: new RegExp(escape(t.error)) });
        assert.ok(status.includes(t.error), status);
        assert.equal(await countStored(page, 'leads'), before);
      });
    }
  });
});
