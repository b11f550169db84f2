/**
 * The background's side of the lead digest (see `digest.ts`): made from the stored lead
 * addresses once per campaign-data version and kept while the service worker lives.
 */
import type { UnisonDB } from './db';
import { DIGEST_MAX_LEADS, buildDigest, type DigestWire } from './digest';
import { dataVersion } from './import/merge';

export class DigestCache {
  private version: string | null = null;
  private made: Promise<DigestWire | null> | null = null;

  /** The digest of the current campaign data (null when there are too many leads for one). */
  async get(db: UnisonDB): Promise<DigestWire | null> {
    const version = await dataVersion(db);
    if (version !== this.version || !this.made) {
      this.version = version;
      this.made = make(db).catch((err) => {
        this.made = null;
        throw err;
      });
    }
    return this.made;
  }

  clear(): void {
    this.version = null;
    this.made = null;
  }
}

async function make(db: UnisonDB): Promise<DigestWire | null> {
  const count = await db.leads.count();
  if (count > DIGEST_MAX_LEADS) return null;
  const emails = await db.leads.toCollection().primaryKeys();
  return buildDigest(emails as string[]);
}
