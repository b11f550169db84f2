/**
 * Where Unison runs. One entry per supported site: the match patterns that go into the
 * manifest (content script and host permissions) and a host test used by the background
 * to tell which site a message came from. The adapters themselves live beside this file.
 */
export const SITE_IDS = ['gmail', 'outlook', 'salesforce', 'hubspot', 'pipedrive', 'dynamics', 'zoho', 'custom'] as const;
export type SiteId = (typeof SITE_IDS)[number];
/** Sites plus the popup, as recorded on feedback events. */
export const EVENT_SITES = [...SITE_IDS, 'popup'] as const;
export type EventSite = (typeof EVENT_SITES)[number];

export interface SiteHosts {
  id: Exclude<SiteId, 'custom'>;
  label: string;
  matches: string[];
  host: RegExp;
}

/**
 * The match patterns of each built-in site, on their own: the content script carries this list
 * (its manifest entry) and nothing else of the site table below.
 */
const MATCHES = {
  gmail: ['https://mail.google.com/*'],
  outlook: ['https://outlook.office.com/*', 'https://outlook.live.com/*', 'https://outlook.office365.com/*'],
  salesforce: ['https://*.lightning.force.com/*', 'https://*.my.salesforce.com/*'],
  // HubSpot's data centres ("hublets"): na1 at app., then app-<region><n>. Another one is added
  // in Sites as a CRM domain, and gets the HubSpot adapter there (see `builtinSiteForHost`).
  hubspot: ['https://app.hubspot.com/*', 'https://app-eu1.hubspot.com/*', 'https://app-na2.hubspot.com/*'],
  pipedrive: ['https://*.pipedrive.com/*'],
  dynamics: ['https://*.dynamics.com/*'],
  zoho: [
    'https://crm.zoho.com/*',
    'https://crm.zoho.eu/*',
    'https://crm.zoho.in/*',
    'https://crm.zoho.com.au/*',
    'https://crm.zoho.jp/*',
    'https://crm.zohocloud.ca/*',
  ],
} satisfies Record<SiteHosts['id'], string[]>;

export const BUILTIN_SITES: SiteHosts[] = [
  { id: 'gmail', label: 'Gmail', matches: MATCHES.gmail, host: /^mail\.google\.com$/ },
  { id: 'outlook', label: 'Outlook on the web', matches: MATCHES.outlook, host: /^outlook\.(office|live|office365)\.com$/ },
  {
    id: 'salesforce',
    label: 'Salesforce Lightning',
    matches: MATCHES.salesforce,
    host: /^[a-z0-9-]+(\.[a-z0-9-]+)*\.(lightning\.force\.com|my\.salesforce\.com)$/,
  },
  { id: 'hubspot', label: 'HubSpot', matches: MATCHES.hubspot, host: /^app(-[a-z0-9]+)?\.hubspot\.com$/ },
  { id: 'pipedrive', label: 'Pipedrive', matches: MATCHES.pipedrive, host: /^[a-z0-9-]+\.pipedrive\.com$/ },
  { id: 'dynamics', label: 'Dynamics 365', matches: MATCHES.dynamics, host: /^[a-z0-9-]+\.crm[0-9]*\.dynamics\.com$/ },
  { id: 'zoho', label: 'Zoho CRM', matches: MATCHES.zoho, host: /^crm\.(zoho\.(com|eu|in|com\.au|jp)|zohocloud\.ca)$/ },
];

export const BUILTIN_MATCHES: string[] = /* @__PURE__ */ (/* @__PURE__ */ Object.values(MATCHES)).flat();

/** Which built-in site a host name belongs to, if any. */
export function builtinSiteForHost(host: string): SiteHosts | undefined {
  const h = host.toLowerCase();
  return BUILTIN_SITES.find((s) => s.host.test(h));
}

/**
 * The built-in site whose match patterns cover a host: Unison's own content script runs there
 * already (`*.dynamics.com` covers any host under it, whichever of them Dynamics 365 uses), so
 * no script is registered for it as an added CRM domain (it would run twice there).
 */
export function builtinSiteCovering(host: string): SiteHosts | undefined {
  const h = host.toLowerCase();
  return BUILTIN_SITES.find((s) =>
    s.matches.some((m) => {
      const p = patternHost(m);
      return p.startsWith('*.') ? h === p.slice(2) || h.endsWith(p.slice(1)) : h === p;
    }),
  );
}

/** The host part of a match pattern (`https://*.dynamics.com/*` gives `*.dynamics.com`). */
export function patternHost(pattern: string): string {
  const from = pattern.indexOf('//') + 2;
  return pattern.slice(from, pattern.indexOf('/', from));
}

/**
 * Normalises what a rep types as a CRM domain ("crm.example.com", "https://crm.example.com/app")
 * into a bare host name, or null when it is not one.
 */
export function normaliseDomain(input: string): string | null {
  let s = input.trim().toLowerCase();
  if (!s) return null;
  if (!/^[a-z]+:\/\//.test(s)) s = `https://${s}`;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // The root's trailing dot ("crm.example.com.") names the same host.
  const host = url.hostname.replace(/\.$/, '');
  // A short form of an IPv4 address ("1.2.3") is read as another address ("1.2.0.3"): refused.
  if (/^[\d.]+$/.test(host) && !s.includes(host)) return null;
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(host) && host !== 'localhost') return null;
  return host;
}

/** Match patterns for a custom domain (both schemes; the permission request asks for exactly these). */
export function customDomainMatches(host: string): string[] {
  return [`https://${host}/*`, `http://${host}/*`];
}
