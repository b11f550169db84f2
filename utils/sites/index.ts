/**
 * The site adapters by id, and the one that fits a page.
 */
import { dynamics } from './dynamics';
import { generic } from './generic';
import { gmail } from './gmail';
import { builtinSiteForHost, normaliseDomain, type SiteId } from './hosts';
import { hubspot } from './hubspot';
import { outlook } from './outlook';
import { pipedrive } from './pipedrive';
import { salesforce } from './salesforce';
import type { SiteAdapter } from './types';
import { zoho } from './zoho';

export type { Mention, ScanOptions, ScanResult, SiteAdapter } from './types';

export const ADAPTERS: Record<SiteId, SiteAdapter> = {
  gmail,
  outlook,
  salesforce,
  hubspot,
  pipedrive,
  dynamics,
  zoho,
  custom: generic,
};

/**
 * The adapter for a page: a built-in site by host name (https only, as in the manifest), else the
 * generic adapter when the host is one of the rep's custom domains (http or https), else null.
 */
export function adapterFor(loc: Location | URL, customDomains: readonly string[]): SiteAdapter | null {
  const host = loc.hostname.toLowerCase();
  const protocol = loc.protocol;
  if (protocol !== 'https:' && protocol !== 'http:') return null;
  const builtin = builtinSiteForHost(host);
  if (builtin) return protocol === 'https:' ? ADAPTERS[builtin.id] : null;
  for (const d of customDomains) if (normaliseDomain(d) === host) return ADAPTERS.custom;
  return null;
}
