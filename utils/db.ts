/**
 * Unison's IndexedDB database (Dexie). It lives in the extension's own origin: the background
 * service worker and extension pages open it; content scripts never do (their IndexedDB would
 * belong to the host page) and ask the background instead.
 *
 * Versions: never edit a version that has shipped. Add `SCHEMA_VERSIONS[n+1]` with an upgrade,
 * and a test in tests/unit/db-upgrade.test.ts that opens the old version with saved data.
 */
import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type {
  Campaign,
  Content,
  ImportRecord,
  Lead,
  MetaRecord,
  SavedMapping,
  StoredFeedback,
  Touch,
} from './schema';

export const DB_NAME = 'unison';

export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void> | void;
}

/** Every version that has shipped, oldest first. Index only what is queried. */
export const SCHEMA_VERSIONS: SchemaVersion[] = [
  {
    version: 1,
    stores: {
      leads: 'email',
      campaigns: 'id',
      content: 'id',
      // by lead for the card, by campaign for charts and "replace" bookkeeping
      touches: 'id, email, campaignId',
      // by lead for answers, by sync state for the queue, by time for export ranges
      feedback: 'id, leadEmail, syncState, createdAt',
      imports: '++id',
      mappings: 'signature',
      meta: 'key',
    },
  },
];

export type UnisonDB = Dexie & {
  leads: EntityTable<Lead, 'email'>;
  campaigns: EntityTable<Campaign, 'id'>;
  content: EntityTable<Content, 'id'>;
  touches: EntityTable<Touch, 'id'>;
  feedback: EntityTable<StoredFeedback, 'id'>;
  imports: EntityTable<ImportRecord, 'id'>;
  mappings: EntityTable<SavedMapping, 'signature'>;
  meta: EntityTable<MetaRecord, 'key'>;
};

/** Opens (declares) the database with the versions up to `upTo` (all by default). */
export function openDb(name = DB_NAME, upTo = Infinity): UnisonDB {
  const db = new Dexie(name) as UnisonDB;
  for (const v of SCHEMA_VERSIONS) {
    if (v.version > upTo) break;
    const version = db.version(v.version).stores(v.stores);
    if (v.upgrade) version.upgrade(v.upgrade);
  }
  return db;
}

let shared: UnisonDB | undefined;
/** The database of this extension context, opened once. */
export function getDb(): UnisonDB {
  shared ??= openDb();
  return shared;
}

/** For tests: forget the shared instance (after deleting the database). */
export function resetDbForTests(): void {
  shared?.close();
  shared = undefined;
}

export async function getMeta<T>(db: UnisonDB, key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}
export async function setMeta(db: UnisonDB, key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}
