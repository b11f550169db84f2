import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { browserApis, customDomainGranted, type PermissionsApi } from '@/utils/custom-sites';
import { readStoredSettings, updateSettings } from '@/utils/settings';
import { BUILTIN_SITES, builtinSiteCovering, builtinSiteForHost, customDomainMatches, normaliseDomain, patternHost, type SiteId } from '@/utils/sites/hosts';

interface SiteRow {
  id: SiteId;
  label: string;
  hosts: string;
}

const SITES: SiteRow[] = [
  ...BUILTIN_SITES.map((s) => ({
    id: s.id,
    label: s.label,
    hosts: s.matches.map(patternHost).join(', '),
  })),
  { id: 'custom', label: 'Custom domains', hosts: 'the CRM domains you add below' },
];

/** Tells the background the settings changed (it re-registers the custom-domain script). */
async function notifyBackground(): Promise<void> {
  await browser.runtime.sendMessage({ type: 'settings-changed' }).catch(() => undefined);
}

export interface SitesSectionProps {
  /** The permissions API; the browser's own unless a test passes another. */
  permissions?: PermissionsApi;
}

/** Where Unison runs: built-in sites with on/off switches, and CRM domains the rep adds. */
export function SitesSection({ permissions = browserApis().permissions }: SitesSectionProps) {
  const [disabled, setDisabled] = useState<SiteId[]>([]);
  const [domains, setDomains] = useState<string[]>([]);
  const [domain, setDomain] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  // Counts the rep's changes, so a first read that ends after a change cannot undo it.
  const changes = useRef(0);
  // Each added domain's access: the browser's own settings can withdraw it at any time.
  const [withdrawn, setWithdrawn] = useState<string[]>([]);
  const [checks, recheck] = useState(0);

  useEffect(() => {
    let live = true;
    void Promise.all(domains.map(async (host) => ((await customDomainGranted(permissions, host)) ? null : host))).then((out) => {
      if (live) setWithdrawn(out.filter((h): h is string => h !== null));
    });
    return () => {
      live = false;
    };
  }, [domains, checks]);

  // Looked at again when the rep comes back to this page (from the browser's settings, say).
  useEffect(() => {
    const again = () => recheck((n) => n + 1);
    addEventListener('focus', again);
    return () => removeEventListener('focus', again);
  }, []);

  useEffect(() => {
    const before = changes.current;
    void readStoredSettings().then((s) => {
      if (changes.current !== before) return;
      setDisabled(s.disabledSites);
      setDomains(s.customDomains);
    });
  }, []);

  async function toggle(id: SiteId, on: boolean) {
    changes.current += 1;
    const s = await updateSettings((x) => {
      x.disabledSites = on ? x.disabledSites.filter((d) => d !== id) : [...new Set([...x.disabledSites, id])];
    });
    setDisabled(s.disabledSites);
    await notifyBackground();
  }

  function add(e: Event) {
    e.preventDefault();
    setError('');
    setStatus('');
    const host = normaliseDomain(domain);
    if (!host) {
      setError(
        domain.includes('*')
          ? 'Enter one domain, such as crm.example.com, without *: Unison asks for access to exactly that domain.'
          : 'Enter a domain such as crm.example.com.',
      );
      return;
    }
    // Refused where Unison's own script runs and reads the site already. A host of a built-in
    // site the script does not reach (another HubSpot data centre) is added; so is one the script
    // reaches but no site claims (a Dynamics host other than a CRM's), read as any added domain.
    const builtin = builtinSiteForHost(host);
    if (builtin && builtinSiteCovering(host)) {
      setError(`${host} is part of ${builtin.label}, which Unison supports already.`);
      return;
    }
    // Added already: asked again all the same (its access may have been withdrawn in the
    // browser's own settings; granted, the browser does not ask).
    askFor(host);
  }

  /** Asks for a domain's access right here, before any await: the browser shows its prompt only during the user's click (or Enter). */
  function askFor(host: string) {
    let asked: Promise<boolean>;
    try {
      asked = permissions.request({ origins: customDomainMatches(host) });
    } catch (err) {
      asked = Promise.reject(err);
    }
    setBusy(true);
    void finishAdd(host, asked);
  }

  async function finishAdd(host: string, asked: Promise<boolean>) {
    try {
      let granted = false;
      try {
        granted = await asked;
      } catch (err) {
        setError(`The browser did not allow access to ${host} (${err instanceof Error ? err.message : String(err)}). Check the domain and click Add again.`);
        return;
      }
      const again = domains.includes(host);
      if (!granted) {
        setError(
          `Access to ${host} was not granted, so ${again ? 'Unison stays off there' : 'it was not added'}. To allow it, click Add again and choose Allow in the browser's prompt.`,
        );
        return;
      }
      changes.current += 1;
      const s = await updateSettings((x) => {
        if (!x.customDomains.includes(host)) x.customDomains.push(host);
      });
      setDomains(s.customDomains);
      setDomain('');
      recheck((n) => n + 1);
      await notifyBackground();
      setError('');
      setStatus(again ? `${host} is added, with access to it.` : `Added ${host}. Open or reload its pages to see badges.`);
    } finally {
      setBusy(false);
    }
  }

  async function remove(host: string) {
    setError('');
    changes.current += 1;
    const s = await updateSettings((x) => {
      x.customDomains = x.customDomains.filter((d) => d !== host);
    });
    setDomains(s.customDomains);
    // Giving the permission back can fail (e.g. when a build requires it): the domain is
    // removed from Unison's list either way, and the background stops running there.
    await permissions.remove({ origins: customDomainMatches(host) }).catch(() => false);
    await notifyBackground();
    setStatus(`Removed ${host}.`);
  }

  return (
    <section aria-labelledby="Sites-h">
      <h2 id="Sites-h">Sites</h2>
      <p class="muted">Unison shows badges on these sites. Switch a site off to stop it there.</p>
      <ul style={{ listStyle: 'none', padding: 0, margin: '0 0 12px', display: 'grid', gap: '6px' }}>
        {SITES.map((site) => {
          const on = !disabled.includes(site.id);
          return (
            <li key={site.id} style={{ display: 'flex', alignItems: 'baseline', gap: '8px', flexWrap: 'wrap' }}>
              <input
                id={`site-${site.id}`}
                type="checkbox"
                role="switch"
                checked={on}
                aria-describedby={`site-${site.id}-hosts`}
                onChange={(e) => void toggle(site.id, e.currentTarget.checked)}
              />
              <label for={`site-${site.id}`} style={{ display: 'inline', margin: 0 }}>
                {site.label}
              </label>
              <span id={`site-${site.id}-hosts`} class="muted" style={{ fontSize: '12px' }}>
                {site.hosts}
              </span>
            </li>
          );
        })}
      </ul>

      <form onSubmit={add}>
        <div class="field">
          <label for="crm-domain">CRM domain</label>
          <div class="row">
            <input
              id="crm-domain"
              type="text"
              inputMode="url"
              placeholder="crm.example.com"
              value={domain}
              onInput={(e) => setDomain(e.currentTarget.value)}
              autocomplete="off"
              spellcheck={false}
            />
            <button type="submit" disabled={busy}>
              Add
            </button>
          </div>
          <p class="muted" style={{ margin: '4px 0 0', fontSize: '12px' }}>
            Your browser asks you to allow Unison on that domain; badges there come from links, addresses and email fields on its pages.
          </p>
        </div>
      </form>

      {domains.length > 0 && (
        <ul aria-label="Added CRM domains" style={{ listStyle: 'none', padding: 0, margin: '8px 0', display: 'grid', gap: '4px' }}>
          {domains.map((host) => (
            <li key={host} class="row">
              <span>{host}</span>
              {withdrawn.includes(host) && (
                <>
                  <span class="error">Access withdrawn in the browser: Unison is off there.</span>
                  <button type="button" aria-label={`Allow ${host} again`} disabled={busy} onClick={() => askFor(host)}>
                    Allow again
                  </button>
                </>
              )}
              <button type="button" aria-label={`Remove ${host}`} onClick={() => void remove(host)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" style={{ margin: '4px 0' }}>
        {status}
      </p>
      {error && (
        <p class="error" role="alert" style={{ margin: '4px 0' }}>
          {error}
        </p>
      )}
    </section>
  );
}
