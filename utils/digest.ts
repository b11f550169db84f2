/**
 * A compact digest of the lead addresses (a Bloom filter), which the background gives each page
 * with its `hello`. With it the content script tells at once, without a round trip, whether an
 * address may be a lead: addresses that are surely not leads cost no visibility check and no
 * lookup, and a few new rows get their badges in the same frame the page draws them. The
 * background's lookup still decides: a digest answers "maybe" for about one address in a hundred
 * thousand that is not a lead, and the badge made for it goes again when the lookup answers.
 *
 * Pure and small: it ships in the content script.
 */

/** Bits per address for about 0.001 % false positives, with `HASHES` probes. */
const BITS_PER_EMAIL = 24;
const HASHES = 17;
/** Past this many leads no digest is made (it would weigh more than 1 MB per tab); lookups decide alone. */
export const DIGEST_MAX_LEADS = 300_000;

/** The digest as sent in messages: bit count, probes, and the bits in base64. */
export interface DigestWire {
  m: number;
  k: number;
  bits: string;
}

/** Two 32-bit hashes of the string (FNV-1a, and FNV-1a from another basis with a final mix). */
function hashes(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  b ^= b >>> 15;
  b = Math.imul(b, 0x2c1b3c6d);
  b ^= b >>> 12;
  return [a >>> 0, (b | 1) >>> 0];
}

/** How many answers `Digest.has` keeps (see there). */
export const ANSWERS_KEPT = 4096;

export class Digest {
  /** The answers so far: a page writes the same people many times over, each is worked out once. */
  readonly #answers = new Map<string, boolean>();

  private constructor(
    /** The bits as the bytes of a binary string (`atob`'s own result, read in place). */
    private readonly bits: string,
    private readonly m: number,
    private readonly k: number,
  ) {}

  /** The digest a message carried, or null when it is not a well-formed one. */
  static fromWire(wire: unknown): Digest | null {
    if (!wire || typeof wire !== 'object') return null;
    const { m, k, bits } = wire as Partial<DigestWire>;
    if (typeof m !== 'number' || typeof k !== 'number' || typeof bits !== 'string') return null;
    if (!(m > 0 && m % 8 === 0 && k >= 1 && k <= 32 && k % 1 === 0)) return null;
    try {
      // Decoded on every page load (100,000 leads make 300 KB): no copy into an array.
      const raw = atob(bits);
      return raw.length === m / 8 ? new Digest(raw, m, k) : null;
    } catch {
      return null;
    }
  }

  /** False: surely not a lead. True: maybe one (the lookup decides). */
  has(email: string): boolean {
    let answer = this.#answers.get(email);
    if (answer === undefined) {
      // A page open for days shows many thousands of people: the answers kept are bounded.
      if (this.#answers.size >= ANSWERS_KEPT) this.#answers.clear();
      this.#answers.set(email, (answer = this.probe(email)));
    }
    return answer;
  }

  /** The filter's own answer for one address, read from its bits (`has` keeps it). */
  probe(email: string): boolean {
    const [h1, h2] = hashes(email);
    for (let i = 0; i < this.k; i++) {
      const at = ((h1 + Math.imul(i, h2)) >>> 0) % this.m;
      if ((this.bits.charCodeAt(at >>> 3) & (1 << (at & 7))) === 0) return false;
    }
    return true;
  }
}

/** Makes a digest of lead addresses (the background's side). */
export function buildDigest(emails: readonly string[]): DigestWire {
  const m = Math.max(64, Math.ceil((Math.max(1, emails.length) * BITS_PER_EMAIL) / 8) * 8);
  const bits = new Uint8Array(m / 8);
  for (const email of emails) {
    const [h1, h2] = hashes(email);
    for (let i = 0; i < HASHES; i++) {
      const at = ((h1 + Math.imul(i, h2)) >>> 0) % m;
      bits[at >>> 3] |= 1 << (at & 7);
    }
  }
  let raw = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bits.length; i += CHUNK) raw += String.fromCharCode(...bits.subarray(i, i + CHUNK));
  return { m, k: HASHES, bits: btoa(raw) };
}
