/**
 * Schema upgrades: every version that has shipped is opened with data saved by it, then the
 * current schema opens the same database and the data must still be there (and upgraded).
 * When version N+1 is added to SCHEMA_VERSIONS, add a saved-data file for version N under
 * tests/fixtures/db/ and a case here asserting what its upgrade does.
 */
import Dexie from 'dexie';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDb, SCHEMA_VERSIONS } from '@/utils/db';

type Saved = { version: number; stores: Record<string, string | null>; tables: Record<string, unknown[]> };
const saved = (v: number): Saved => JSON.parse(readFileSync(`tests/fixtures/db/v${v}.json`, 'utf8'));

async function seedVersion(name: string, data: Saved): Promise<void> {
  const old = openDb(name, data.version);
  await old.open();
  expect(old.verno).toBe(data.version);
  await old.transaction('rw', old.tables, async () => {
    for (const [table, rows] of Object.entries(data.tables)) await old.table(table).bulkPut(rows);
  });
  old.close();
}

describe('database schema versions', () => {
  it('are numbered in order, each declaring its stores', () => {
    SCHEMA_VERSIONS.forEach((v, i) => {
      expect(v.version).toBe(i + 1);
      expect(Object.keys(v.stores).length).toBeGreaterThan(0);
    });
  });

  it('still declares every shipped version as it shipped (a shipped version is never edited)', () => {
    for (const v of SCHEMA_VERSIONS) {
      // Each saved-data file records the stores its version declared when it shipped; the newest
      // version gets its file when the next one is added.
      const file = `tests/fixtures/db/v${v.version}.json`;
      if (!existsSync(file)) {
        expect(v.version, `${file} is missing`).toBe(SCHEMA_VERSIONS.length);
        continue;
      }
      expect(v.stores, `version ${v.version}`).toEqual(saved(v.version).stores);
    }
  });

  it('opens data saved by version 1 with the current schema, losing nothing', async () => {
    const name = 'upgrade-from-v1';
    const data = saved(1);
    await seedVersion(name, data);

    const db = openDb(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1].version);
    for (const [table, rows] of Object.entries(data.tables)) {
      expect(await db.table(table).count(), table).toBe(rows.length);
    }
    const lead = await db.leads.get('ann@acme.io');
    expect(lead).toMatchObject({ name: 'Ann Lee', firstCampaign: 'Q3 ROI webinar' });
    const pending = await db.feedback.where('syncState').equals('pending').toArray();
    expect(pending.map((e) => e.id)).toEqual(['0d6f9c1e-6a4f-4c53-9d43-2b0a3f6f9a10']);
    expect(await db.touches.where('email').equals('ann@acme.io').count()).toBe(1);
    expect((await db.imports.toArray()).map((i) => i.fileName)).toEqual(['hubspot.csv']);
    expect((await db.mappings.toArray()).map((m) => m.mapping.email)).toEqual(['Email Address']);
    db.close();
    await Dexie.delete(name);
  });
});
