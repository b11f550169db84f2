/**
 * The rep's settings, kept in `storage.local` (never in a page's origin), with values an
 * administrator sets by policy (`storage.managed`) taking precedence and shown locked.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';
import { SITE_IDS, type SiteId } from './sites/hosts';

export const DEFAULT_SYNC_MINUTES = 5;
export const DEFAULT_FEED_MINUTES = 60;

/** The endpoint and feed rule: https, or http on loopback only. */
export function checkServiceUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'Enter a full URL, starting with https://';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1')) return null;
  return 'The URL must start with https:// (http:// is allowed only for localhost and 127.0.0.1)';
}

const serviceUrl = z.string().refine((v) => checkServiceUrl(v) === null, 'must be https (http only on localhost)');

export const settingsSchema = z.object({
  you: z.object({ name: z.string().max(200).default(''), email: z.string().max(254).default('') }).default({ name: '', email: '' }),
  /** Sites switched off; every site is on unless listed here. */
  disabledSites: z.array(z.enum(SITE_IDS)).default([]),
  /** CRM domains the rep added (host names), with their permission granted. */
  customDomains: z.array(z.string().max(253)).default([]),
  sync: z
    .object({
      endpoint: z.string().default(''),
      token: z.string().default(''),
      intervalMinutes: z.number().min(1).max(1440).default(DEFAULT_SYNC_MINUTES),
    })
    .default({ endpoint: '', token: '', intervalMinutes: DEFAULT_SYNC_MINUTES }),
  feed: z
    .object({ url: z.string().default(''), intervalMinutes: z.number().min(5).max(1440).default(DEFAULT_FEED_MINUTES) })
    .default({ url: '', intervalMinutes: DEFAULT_FEED_MINUTES }),
});
export type Settings = z.infer<typeof settingsSchema>;

/** What `storage.managed` may hold (see public/managed-schema.json). */
export const policySchema = z.object({
  endpoint: serviceUrl.optional(),
  token: z.string().optional(),
  feedUrl: serviceUrl.optional(),
  syncIntervalMinutes: z.number().min(1).max(1440).optional(),
  allowedRepEmailDomain: z.string().optional(),
});
export type Policy = z.infer<typeof policySchema>;

const KEY = 'settings';

/** A policy value Unison cannot use: it is left out, and the options page says so. */
export interface IgnoredPolicy {
  key: keyof Policy;
  message: string;
}

/**
 * The policy, value by value: one that Unison cannot use (an `http:` endpoint, an interval of 0)
 * is left out and reported, and the others still apply (a token and a domain rule do not vanish
 * because of a typo in the endpoint).
 */
export async function readPolicyChecked(): Promise<{ policy: Policy; ignored: IgnoredPolicy[] }> {
  let raw: Record<string, unknown>;
  try {
    raw = (await browser.storage.managed.get(null)) ?? {};
  } catch {
    // No policy storage (Firefox without a policy, tests): nothing is locked.
    return { policy: {}, ignored: [] };
  }
  const policy: Record<string, unknown> = {};
  const ignored: IgnoredPolicy[] = [];
  for (const [key, field] of Object.entries(policySchema.shape) as Array<[keyof Policy, z.ZodTypeAny]>) {
    if (raw[key] === undefined) continue;
    const parsed = field.safeParse(raw[key]);
    if (parsed.success) policy[key] = parsed.data;
    else ignored.push({ key, message: parsed.error.issues[0]?.message ?? 'not a value Unison can use' });
  }
  return { policy: policy as Policy, ignored };
}

/** The domain a policy allows the rep's address at (`allowedRepEmailDomain`, its leading `@` left out), or null. */
export function allowedRepDomain(policy: Policy): string | null {
  return policy.allowedRepEmailDomain?.trim().toLowerCase().replace(/^@/, '') || null;
}

/** `email` when it is at `domain` (or no domain is required), else null. */
export function atAllowedDomain(email: string | null, domain: string | null): string | null {
  return email && domain && !email.toLowerCase().endsWith(`@${domain}`) ? null : email;
}

export async function readPolicy(): Promise<Policy> {
  return (await readPolicyChecked()).policy;
}

/** Settings as stored by the rep, without policy. */
export async function readStoredSettings(): Promise<Settings> {
  const raw = (await browser.storage.local.get(KEY))[KEY];
  const parsed = settingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : settingsSchema.parse({});
}

/** Settings in force: the rep's, overridden by policy. */
export async function readSettings(): Promise<Settings & { locked: Array<keyof Policy>; ignoredPolicy: IgnoredPolicy[] }> {
  const [s, { policy: p, ignored }] = await Promise.all([readStoredSettings(), readPolicyChecked()]);
  const locked: Array<keyof Policy> = [];
  if (p.endpoint !== undefined) {
    s.sync.endpoint = p.endpoint;
    locked.push('endpoint');
  }
  if (p.token !== undefined) {
    s.sync.token = p.token;
    locked.push('token');
  }
  if (p.syncIntervalMinutes !== undefined) {
    s.sync.intervalMinutes = p.syncIntervalMinutes;
    locked.push('syncIntervalMinutes');
  }
  if (p.feedUrl !== undefined) {
    s.feed.url = p.feedUrl;
    locked.push('feedUrl');
  }
  if (p.allowedRepEmailDomain !== undefined) locked.push('allowedRepEmailDomain');
  return { ...s, locked, ignoredPolicy: ignored };
}

export async function updateSettings(patch: (s: Settings) => void): Promise<Settings> {
  const s = await readStoredSettings();
  patch(s);
  const valid = settingsSchema.parse(s);
  await browser.storage.local.set({ [KEY]: valid });
  return valid;
}

export function isSiteEnabled(s: Settings, id: SiteId): boolean {
  return !s.disabledSites.includes(id);
}

/** The rep's own addresses, which are never badged. */
export function ownEmails(s: Settings): string[] {
  const e = s.you.email.trim().toLowerCase();
  return e ? [e] : [];
}
