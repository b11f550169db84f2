/** Small pure helpers of the importer: header keys, slugs, stable hashes, value clean-up. */
import { CONTENT_TYPES, type Utm } from '../schema';
import { decodeOrKeep } from '../uri';

/**
 * The key a header is matched by: BOM and spaces trimmed, lower-cased, every run of punctuation or
 * spaces made one space. `Original Traffic Source Drill-Down 1` → `original traffic source drill down 1`,
 * `utm_source` and `UTM Source` → `utm source`, `Person - Email (Work)` → `person email work`.
 */
export function headerKey(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The shape of a file: its lower-cased, trimmed headers, sorted, joined by `|`. */
export function headerSignature(headers: readonly string[]): string {
  return [...new Set(headers.map((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase()).filter((h) => h !== ''))].sort().join('|');
}

const slugCache = new Map<string, string>();

/** A readable id from a name: `Q3 ROI webinar` → `q3-roi-webinar`. */
export function slug(name: string): string {
  let cached = slugCache.get(name);
  if (cached === undefined) {
    cached = makeSlug(name);
    // Names repeat across rows (campaigns, assets); a bounded cache keeps big files fast.
    if (slugCache.size > 10_000) slugCache.clear();
    slugCache.set(name, cached);
  }
  return cached;
}

function makeSlug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
  return s || `x-${hash(name)}`;
}

/** A stable 64-bit hash (two 32-bit halves), as 16 hex digits. Not cryptographic. */
export function hash(input: string): string {
  let h1 = 0xdeadbeef ^ input.length;
  let h2 = 0x41c6ce57 ^ input.length;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** The touch id: a hash of (email, campaign, content, time), so a re-import finds the same touch. */
export function touchId(email: string, campaignId: string | undefined, contentId: string | undefined, at: string | undefined): string {
  return `t-${hash([email, campaignId ?? '', contentId ?? '', at ?? ''].join('\u001f'))}`;
}

/** Trims and cuts a value to the data model's limit; empty → undefined. */
export function clip(value: string | undefined | null, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  return v.length > max ? v.slice(0, max) : v;
}

/** A score as a number when it is one (`72`, `72.5`, `1,234`), otherwise as written. */
export function parseScore(value: string | undefined): number | string | undefined {
  const v = clip(value, 50);
  if (v === undefined) return undefined;
  const n = Number(v.replace(/[,\s]/g, ''));
  return Number.isFinite(n) && /\d/.test(v) && !/[a-z]/i.test(v) ? n : v;
}

const TYPE_WORDS: Array<[RegExp, (typeof CONTENT_TYPES)[number]]> = [
  [/case[\s_-]?stud/i, 'case_study'],
  [/\be-?book\b|white\s?paper|\bguide\b|\breport\b|playbook/i, 'ebook'],
  [/webinar|webcast|on-?demand\s+session/i, 'webinar'],
  [/\bdemo\b|product\s+tour|free\s+trial/i, 'demo'],
  [/pricing|price\s+list|quote\b/i, 'pricing'],
  [/calculator|\btool\b|assessment|template|checklist|benchmark/i, 'tool'],
  [/\bblog\b|article|\bpost\b/i, 'blog'],
];

/** A content type: the contract's word when the source's word means it, the source's word otherwise. */
export function contentType(value: string | undefined): string | undefined {
  const v = clip(value, 100);
  if (!v) return undefined;
  const key = v.toLowerCase().replace(/[\s-]+/g, '_');
  if ((CONTENT_TYPES as readonly string[]).includes(key)) return key;
  for (const [re, type] of TYPE_WORDS) if (re.test(v)) return type;
  return v;
}

/** Guesses a content type from an asset's title (`CFO guide: Ebook form` → ebook), else undefined. */
export function guessContentType(title: string): string | undefined {
  for (const [re, type] of TYPE_WORDS) if (re.test(title)) return type;
  return undefined;
}

/** UTM parameters of a URL (Marketo's referrer, a landing page), when it has any. */
export function utmFromUrl(value: string | undefined): Utm | undefined {
  const v = clip(value, 4000);
  if (!v || !/utm_/i.test(v)) return undefined;
  let url: URL;
  try {
    url = new URL(v, 'https://example.invalid/');
  } catch {
    return undefined;
  }
  const get = (k: string) => clip(url.searchParams.get(k) ?? undefined, 200);
  return compactUtm({ source: get('utm_source'), medium: get('utm_medium'), campaign: get('utm_campaign'), content: get('utm_content'), term: get('utm_term') });
}

/** A content record from a landing-page URL: the last path segment as its title. */
export function contentFromUrl(url: string | undefined): { id: string; title: string; url: string; type?: string } | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const seg = u.pathname.split('/').filter(Boolean).pop();
  if (!seg) return undefined;
  const words = decodeOrKeep(seg).replace(/\.[a-z0-9]+$/i, '').replace(/[-_+]+/g, ' ').trim();
  if (!words) return undefined;
  const title = words.charAt(0).toUpperCase() + words.slice(1);
  // The id comes from the address, so a title guessed from it never renames a curated asset.
  return { id: slug(`${u.host}${u.pathname}`), title, url: `${u.origin}${u.pathname}`, type: guessContentType(title) };
}

const MEDIUM_CHANNELS: Array<[RegExp, string]> = [
  [/^(paid[\s_-]?social|social[\s_-]?paid|paidsocial)$/, 'Paid Social'],
  [/^(cpc|ppc|paid[\s_-]?search|sem|adwords)$/, 'Paid Search'],
  [/^(social|social[\s_-]?media|organic[\s_-]?social)$/, 'Organic Social'],
  [/^(e-?mail|newsletter)$/, 'Email Marketing'],
  [/^(organic|seo|organic[\s_-]?search)$/, 'Organic Search'],
  [/^referral$/, 'Referrals'],
  [/^(display|banner|programmatic)$/, 'Display'],
  [/^(event|events|trade[\s_-]?show)$/, 'Event'],
  [/^webinar$/, 'Webinar'],
];

/** The channel a UTM medium stands for (`cpc` → Paid Search), when it is a common one. */
export function channelFromUtm(utm: Utm | undefined): string | undefined {
  const m = utm?.medium?.trim().toLowerCase();
  if (!m) return undefined;
  return MEDIUM_CHANNELS.find(([re]) => re.test(m))?.[1];
}

/** The UTM object without its empty parts, or undefined when nothing is left. */
export function compactUtm(utm: Utm | undefined): Utm | undefined {
  if (!utm) return undefined;
  const out: Utm = {};
  for (const k of ['source', 'medium', 'campaign', 'content', 'term'] as const) {
    const v = clip(utm[k], 200);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Yields to the event loop so the page can paint and handle input (unclamped where possible). */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { scheduler?: { yield?: () => Promise<void> } };
  if (typeof g.scheduler?.yield === 'function') return g.scheduler.yield();
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
