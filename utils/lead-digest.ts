/**
 * The background's side of the lead digest (see `digest.ts`): made from the addresses of the
 * background's lead index (`LeadCache` in `leads.ts`), once per index, so the store is not read
 * a second time for it.
 */
import { DIGEST_MAX_LEADS, buildDigest, type DigestWire } from './digest';
import type { LeadIndex } from './leads';

const made = new WeakMap<LeadIndex, DigestWire | null>();

/** The digest of an index's leads (null when there are too many leads for one). */
export function leadDigest(index: LeadIndex): DigestWire | null {
  let digest = made.get(index);
  if (digest === undefined) {
    digest = index.leads.size > DIGEST_MAX_LEADS ? null : buildDigest([...index.leads.keys()]);
    made.set(index, digest);
  }
  return digest;
}
