import { describe, expect, it } from 'vitest';
import { ADAPTERS, adapterFor } from '@/utils/sites';
import { SITE_IDS, builtinSiteCovering, builtinSiteForHost } from '@/utils/sites/hosts';
import { loadFixture } from './load';

const id = (url: string, custom: string[] = []) => adapterFor(new URL(url), custom)?.id ?? null;

describe('adapterFor', () => {
  it('has one adapter per site id, each with its own id and watched attributes', () => {
    for (const s of SITE_IDS) {
      expect(ADAPTERS[s].id).toBe(s);
      expect(ADAPTERS[s].watchedAttributes).toContain('class');
      expect(ADAPTERS[s].watchedAttributes).toContain('hidden');
    }
    expect(ADAPTERS.dynamics.watchedAttributes).toContain('value');
  });

  it('routes the built-in sites by host name', () => {
    expect(id('https://mail.google.com/mail/u/0/#inbox')).toBe('gmail');
    expect(id('https://outlook.office.com/mail/')).toBe('outlook');
    expect(id('https://outlook.live.com/mail/0/')).toBe('outlook');
    expect(id('https://outlook.office365.com/mail/')).toBe('outlook');
    expect(id('https://acme-dev-ed.lightning.force.com/lightning/r/Lead/00Q/view')).toBe('salesforce');
    expect(id('https://acme.my.salesforce.com/')).toBe('salesforce');
    expect(id('https://app.hubspot.com/contacts/1/record/0-1/2')).toBe('hubspot');
    expect(id('https://app-eu1.hubspot.com/contacts/1')).toBe('hubspot');
    expect(id('https://acme.crm4.dynamics.com/main.aspx?etn=contact')).toBe('dynamics');
    expect(id('https://acme.crm.dynamics.com/main.aspx')).toBe('dynamics');
    expect(id('https://acme.pipedrive.com/person/1')).toBe('pipedrive');
    expect(id('https://crm.zoho.com/crm/org1/tab/Contacts/2')).toBe('zoho');
    expect(id('https://crm.zoho.eu/crm/org1/tab/Contacts/2')).toBe('zoho');
    expect(id('https://crm.zoho.com.au/crm/')).toBe('zoho');
    expect(id('https://crm.zohocloud.ca/crm/')).toBe('zoho');
  });

  it('runs the content script (its manifest patterns) on every host the sites are routed for', () => {
    const hosts = [
      'mail.google.com',
      'outlook.office.com',
      'outlook.live.com',
      'outlook.office365.com',
      'acme-dev-ed.lightning.force.com',
      'acme.my.salesforce.com',
      'app.hubspot.com',
      'app-eu1.hubspot.com',
      'app-na2.hubspot.com',
      'acme.crm4.dynamics.com',
      'acme.crm.dynamics.com',
      'acme.pipedrive.com',
      'crm.zoho.com',
      'crm.zoho.eu',
      'crm.zoho.in',
      'crm.zoho.com.au',
      'crm.zoho.jp',
      'crm.zohocloud.ca',
    ];
    for (const h of hosts) {
      expect(builtinSiteForHost(h)?.id, h).toBeTruthy();
      // `builtinSiteCovering` reads the manifest's patterns (BUILTIN_MATCHES).
      expect(builtinSiteCovering(h)?.id, h).toBe(builtinSiteForHost(h)!.id);
    }
    // Another HubSpot data centre is read as HubSpot, but the built-in script does not run there (added in Sites).
    expect(builtinSiteForHost('app-ap9.hubspot.com')?.id).toBe('hubspot');
    expect(builtinSiteCovering('app-ap9.hubspot.com')).toBeUndefined();
  });

  it('uses the generic adapter on custom domains only, matching the host exactly', () => {
    expect(id('https://crm.example.com/contacts/42', ['crm.example.com'])).toBe('custom');
    expect(id('http://crm.example.com/contacts/42', ['https://CRM.example.com/app'])).toBe('custom');
    expect(id('https://crm.example.com/contacts/42')).toBeNull();
    expect(id('https://other.example.com/', ['crm.example.com'])).toBeNull();
    expect(id('https://evil-crm.example.com/', ['crm.example.com'])).toBeNull();
  });

  it('returns null elsewhere: other hosts, look-alikes, plain http for built-in sites, other schemes', () => {
    expect(id('https://example.com/')).toBeNull();
    expect(id('https://mail.google.com.evil.example/')).toBeNull();
    expect(id('https://hubspot.com/')).toBeNull();
    expect(id('http://mail.google.com/')).toBeNull();
    expect(id('file:///tmp/mail.google.com.html')).toBeNull();
    expect(id('chrome-extension://abc/popup.html', ['abc'])).toBeNull();
  });

  it('accepts a Location', async () => {
    const page = loadFixture('gmail-inbox.html');
    expect(adapterFor(page.window.location as unknown as Location, [])?.id).toBe('gmail');
    await page.window.happyDOM.close();
  });
});

describe('shadow roots a scan goes into', () => {
  it('are the open ones, nested ones too, never Unison\'s own: the engine observes each (a document observer does not see inside)', async () => {
    const { ADAPTERS } = await import('@/utils/sites');
    const page = loadFixture('salesforce-lead.html');
    const { doc } = page;
    const roots = (root: ParentNode) => ADAPTERS.salesforce.scan(root, doc).shadowRoots ?? [];
    const host = doc.querySelector('c-lead-referrals')!;
    expect(roots(doc)).toEqual([host.shadowRoot]);
    const inner = doc.createElement('c-inner');
    const innerRoot = inner.attachShadow({ mode: 'open' });
    host.shadowRoot!.append(inner);
    const closed = doc.createElement('c-closed');
    closed.attachShadow({ mode: 'closed' });
    const own = doc.createElement('unison-badge');
    own.attachShadow({ mode: 'open' });
    doc.body.append(closed, own);
    expect(roots(doc)).toEqual([host.shadowRoot, innerRoot]);
    // A scan of an added subtree reports the roots inside it; adapters that do not walk shadow roots report none.
    expect(roots(host)).toEqual([host.shadowRoot, innerRoot]);
    expect(ADAPTERS.gmail.scan(doc, doc).shadowRoots).toBeUndefined();
    await page.window.happyDOM.close();
  });
});
