/**
 * The CSV exports Unison recognises by their headers, and how each row becomes a lead and its
 * touches. Headers are matched by `headerKey` (case, BOM, spaces and punctuation ignored).
 */
import type { Utm } from '../schema';
import { Columns, Row, type RowMapper, type RowOut, type TouchDraft } from './rows';
import type { FormatId } from './types';
import { channelFromUtm, compactUtm, contentFromUrl, contentType, guessContentType, utmFromUrl } from './util';

// ---------------------------------------------------------------------------
// Aliases (header keys)

/** Columns that hold a lead's address, in the order they are preferred. */
export const EMAIL_KEYS = [
  'email',
  'email address',
  'e mail',
  'e mail address',
  'e mail adresse',
  'emailaddress',
  'work email',
  'business email',
  'primary email',
  'contact email',
  'lead email',
  'email addr',
  'mail',
];

const A = {
  first_name: ['first name', 'firstname', 'given name', 'vorname'],
  last_name: ['last name', 'lastname', 'surname', 'family name', 'nachname'],
  name: ['name', 'full name', 'contact name', 'lead name', 'person name'],
  company: ['company', 'company name', 'organization', 'organisation', 'organization name', 'account', 'account name', 'firma', 'unternehmen'],
  title: ['title', 'job title', 'jobtitle', 'position', 'role'],
  campaign_id: ['campaign id', 'campaignid'],
  campaign: ['campaign', 'campaign name'],
  channel: ['channel', 'marketing channel', 'source channel', 'lead source'],
  utm_source: ['utm source'],
  utm_medium: ['utm medium'],
  utm_campaign: ['utm campaign'],
  utm_content: ['utm content'],
  utm_term: ['utm term'],
  content_id: ['content id', 'asset id'],
  content_title: ['content title', 'content', 'content name', 'asset', 'asset title', 'asset name'],
  content_type: ['content type', 'asset type'],
  content_url: ['content url', 'asset url', 'landing page', 'landing page url', 'page url', 'url'],
  product: ['product', 'product interest'],
  touch: ['touch', 'touch type', 'touch kind'],
  touched_at: [
    'touched at',
    'touch date',
    'date',
    'timestamp',
    'conversion date',
    'submitted at',
    'submission date',
    'event date',
    'visit date',
    'occurred at',
    'created at',
    'created date',
    'create date',
  ],
  score: ['score', 'lead score'],
  stage: ['stage', 'lifecycle stage', 'lead status', 'status'],
} as const;

/** The canonical fields with the header keys that mean each (canonical name first). */
export const FIELD_ALIASES: Record<string, readonly string[]> = { email: EMAIL_KEYS, ...A };

const CANONICAL_NAMES = new Set(Object.keys(FIELD_ALIASES).map((f) => f.replace(/_/g, ' ')));

/** Values a source writes for "nothing": `(no value)`, `(not set)`, `Unknown keywords (SSL)`. */
function meaningful(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t === '' || /^\(.*\)$/.test(t) || /^unknown keywords/i.test(t) || /^(n\/a|none|null|-)$/i.test(t)) return undefined;
  return t;
}

function kindOf(v: string | undefined): TouchDraft['kind'] {
  const k = (v ?? '').trim().toLowerCase().replace(/[\s_-]*touch$/, '');
  if (k === 'first' || k === 'original') return 'first';
  if (k === 'latest' || k === 'last' || k === 'recent' || k === 'most recent') return 'latest';
  if (k === 'other' || k === 'middle') return 'other';
  return undefined;
}

/** A touch worth keeping: it says where or what, not only when. */
function informative(t: TouchDraft): boolean {
  return !!(t.campaignId || t.campaignName || t.channel || t.utm || t.content || t.product);
}

// ---------------------------------------------------------------------------
// Canonical CSV, generic UTM files, and files read through a mapping

function canonicalMapper(cols: Columns): RowMapper {
  const emailKey = cols.first(EMAIL_KEYS) ?? 'email';
  const utmKey = (part: string) => cols.first([`utm ${part}`]) ?? cols.endingWith(`utm ${part}`);
  const utmKeys = {
    source: utmKey('source'),
    medium: utmKey('medium'),
    campaign: utmKey('campaign'),
    content: utmKey('content'),
    term: utmKey('term'),
  };
  return {
    map(row) {
      const g = (keys: readonly string[]) => row.get(...keys);
      const utm = compactUtm({
        source: utmKeys.source && row.get(utmKeys.source),
        medium: utmKeys.medium && row.get(utmKeys.medium),
        campaign: utmKeys.campaign && row.get(utmKeys.campaign),
        content: utmKeys.content && row.get(utmKeys.content),
        term: utmKeys.term && row.get(utmKeys.term),
      });
      const product = g(A.product);
      const channel = g(A.channel);
      const campaignId = g(A.campaign_id);
      const campaignName = g(A.campaign) ?? (campaignId ? undefined : utm?.campaign);
      const contentId = g(A.content_id);
      const contentTitle = g(A.content_title);
      const contentUrl = g(A.content_url);
      const contentTypeRaw = g(A.content_type);
      const fromUrl = !contentId && !contentTitle ? contentFromUrl(contentUrl) : undefined;
      const touch: TouchDraft = {
        kind: kindOf(g(A.touch)),
        at: row.date(...A.touched_at),
        campaignId,
        campaignName,
        campaignChannel: channel,
        campaignProduct: product,
        channel: channel ?? channelFromUtm(utm),
        utm,
        product,
        content:
          contentId || contentTitle || contentUrl
            ? {
                id: contentId ?? fromUrl?.id,
                title: contentTitle ?? fromUrl?.title,
                url: contentUrl,
                type: contentTypeRaw ? contentType(contentTypeRaw) : guessContentType(contentTitle ?? fromUrl?.title ?? ''),
                product,
              }
            : undefined,
      };
      return {
        email: row.get(emailKey),
        emailColumn: cols.header(emailKey),
        lead: {
          firstName: g(A.first_name),
          lastName: g(A.last_name),
          name: g(A.name),
          company: g(A.company),
          title: g(A.title),
          score: g(A.score),
          stage: g(A.stage),
        },
        touches: informative(touch) ? [touch] : [],
      };
    },
  };
}

// ---------------------------------------------------------------------------
// HubSpot contacts export

const HS = {
  email: ['email', 'e mail', 'e mail adresse'],
  firstName: ['first name', 'vorname'],
  lastName: ['last name', 'nachname'],
  company: ['company name', 'company', 'name des unternehmens', 'unternehmensname', 'firmenname'],
  title: ['job title', 'jobtitel', 'berufsbezeichnung', 'position'],
  stage: ['lifecycle stage', 'lifecycle phase'],
  score: ['hubspot score'],
  create: ['create date', 'erstellungsdatum'],
  product: ['product interest', 'product'],
  origSource: ['original traffic source', 'original source', 'ursprüngliche quelle'],
  origDd1: [
    'original traffic source drill down 1',
    'original source drill down 1',
    'original source data 1',
    'ursprüngliche quelle drilldown 1',
    'ursprüngliche quelle drill down 1',
  ],
  origDd2: [
    'original traffic source drill down 2',
    'original source drill down 2',
    'original source data 2',
    'ursprüngliche quelle drilldown 2',
    'ursprüngliche quelle drill down 2',
  ],
  latestSource: ['latest traffic source', 'latest source', 'letzte quelle'],
  latestDd1: ['latest traffic source drill down 1', 'latest source drill down 1', 'latest source data 1', 'letzte quelle drilldown 1', 'letzte quelle drill down 1'],
  latestDd2: ['latest traffic source drill down 2', 'latest source drill down 2', 'latest source data 2', 'letzte quelle drilldown 2', 'letzte quelle drill down 2'],
  latestDate: [
    'latest traffic source date',
    'latest source date',
    'latest traffic source timestamp',
    'latest source timestamp',
    'datum der letzten quelle',
  ],
  firstConv: ['first conversion', 'erste conversion'],
  firstConvDate: ['first conversion date', 'datum der ersten conversion'],
  recentConv: ['recent conversion', 'letzte conversion'],
  recentConvDate: ['recent conversion date', 'datum der letzten conversion'],
  firstCampaign: ['first touch converting campaign', 'kampagne der ersten konvertierenden interaktion'],
  lastCampaign: ['last touch converting campaign', 'kampagne der letzten konvertierenden interaktion'],
};

const HUBSPOT_MARKERS = [
  ...HS.origSource,
  ...HS.latestSource,
  ...HS.firstConv,
  ...HS.recentConv,
  ...HS.score,
  ...HS.firstCampaign,
  ...HS.lastCampaign,
];

/** HubSpot's source categories as the contract names them (API values, labels, older and German labels). */
const HUBSPOT_SOURCES: Record<string, string> = {
  'organic search': 'Organic Search',
  'organische suche': 'Organic Search',
  'paid search': 'Paid Search',
  'bezahlte suche': 'Paid Search',
  'email marketing': 'Email Marketing',
  'e mail marketing': 'Email Marketing',
  'organic social': 'Organic Social',
  'social media': 'Organic Social',
  'organische social media': 'Organic Social',
  'paid social': 'Paid Social',
  'bezahlte social media': 'Paid Social',
  referrals: 'Referrals',
  verweise: 'Referrals',
  'other campaigns': 'Other Campaigns',
  'andere kampagnen': 'Other Campaigns',
  'direct traffic': 'Direct Traffic',
  'direkter traffic': 'Direct Traffic',
  offline: 'Offline Sources',
  'offline sources': 'Offline Sources',
  'offline quellen': 'Offline Sources',
  'ai referrals': 'AI Referrals',
};

function sourceKey(v: string): string {
  return v.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * What a HubSpot source and its two drill-downs mean. Email Marketing: 1 = utm_campaign, 2 = email
 * name; Organic Social / Paid Social: 1 = network, 2 = utm_campaign; Organic Search: 1 = search term,
 * 2 = engine; Paid Search: 1 = utm_campaign, 2 = search term; Referrals: 1 = domain, 2 = URL;
 * Other Campaigns: 1 = utm_campaign, 2 = utm_source.
 */
export function hubspotSource(
  raw: string | undefined,
  dd1raw: string | undefined,
  dd2raw: string | undefined,
): { channel?: string; utm?: Utm; campaign?: string } {
  const label = meaningful(raw);
  if (!label) return {};
  const channel = HUBSPOT_SOURCES[sourceKey(label)] ?? label;
  const dd1 = meaningful(dd1raw);
  const dd2 = meaningful(dd2raw);
  switch (channel) {
    case 'Email Marketing':
      return { channel, utm: compactUtm({ medium: 'email', campaign: dd1, content: dd2 }), campaign: dd1 };
    case 'Organic Social':
      return { channel, utm: compactUtm({ source: dd1?.toLowerCase(), medium: 'social', campaign: dd2 }), campaign: dd2 };
    case 'Paid Social':
      return { channel, utm: compactUtm({ source: dd1?.toLowerCase(), medium: 'paid_social', campaign: dd2 }), campaign: dd2 };
    case 'Organic Search':
      return { channel, utm: compactUtm({ source: dd2?.toLowerCase(), medium: 'organic', term: dd1 }) };
    case 'Paid Search':
      return { channel, utm: compactUtm({ medium: 'cpc', campaign: dd1, term: dd2 }), campaign: dd1 };
    case 'Referrals':
      return { channel, utm: compactUtm({ source: dd1?.toLowerCase(), medium: 'referral' }) };
    case 'Other Campaigns':
      return { channel, utm: compactUtm({ campaign: dd1, source: dd2 }), campaign: dd1 };
    default:
      return { channel };
  }
}

/** A HubSpot conversion (`Page title: Form name`) as a content title and type. */
export function hubspotConversion(value: string | undefined): { title: string; type?: string } | undefined {
  const v = meaningful(value);
  if (!v) return undefined;
  const i = v.lastIndexOf(': ');
  const title = i > 0 && /form|formular/i.test(v.slice(i + 2)) ? v.slice(0, i).trim() : v;
  return { title, type: guessContentType(v) };
}

/** One HubSpot touch from its traffic source, conversion, time and converting campaign. */
function hubspotTouch(
  kind: 'first' | 'latest',
  t: {
    source: ReturnType<typeof hubspotSource>;
    conversion: ReturnType<typeof hubspotConversion>;
    at: TouchDraft['at'];
    campaign: string | undefined;
    product: TouchDraft['product'];
  },
): TouchDraft {
  return {
    kind,
    at: t.at,
    campaignName: meaningful(t.campaign) ?? t.source.campaign,
    channel: t.source.channel,
    utm: t.source.utm,
    product: t.product,
    content: t.conversion ? { title: t.conversion.title, type: t.conversion.type, product: t.product } : undefined,
  };
}

function hubspotMapper(cols: Columns): RowMapper {
  const emailKey = cols.first(HS.email) ?? 'email';
  return {
    map(row) {
      const create = row.date(...HS.create);
      const product = row.get(...HS.product);
      const touches: TouchDraft[] = [];

      // First touch: original source, first conversion; latest: latest source, recent conversion.
      // Every date column is read (and a bad one reported), used or not.
      const firstConvAt = row.date(...HS.firstConvDate);
      const latestAt = row.date(...HS.latestDate);
      const recentConvAt = row.date(...HS.recentConvDate);
      const first = hubspotTouch('first', {
        source: hubspotSource(row.get(...HS.origSource), row.get(...HS.origDd1), row.get(...HS.origDd2)),
        conversion: hubspotConversion(row.get(...HS.firstConv)),
        at: firstConvAt ?? create,
        campaign: row.get(...HS.firstCampaign),
        product,
      });
      if (informative(first)) touches.push(first);
      const last = hubspotTouch('latest', {
        source: hubspotSource(row.get(...HS.latestSource), row.get(...HS.latestDd1), row.get(...HS.latestDd2)),
        conversion: hubspotConversion(row.get(...HS.recentConv)),
        at: recentConvAt ?? latestAt,
        campaign: row.get(...HS.lastCampaign),
        product,
      });
      if (informative(last)) touches.push(last);

      return {
        email: row.get(emailKey),
        emailColumn: cols.header(emailKey),
        lead: {
          firstName: row.get(...HS.firstName),
          lastName: row.get(...HS.lastName),
          company: row.get(...HS.company),
          title: row.get(...HS.title),
          stage: row.get(...HS.stage),
          score: row.get(...HS.score),
        },
        touches,
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Salesforce campaign member report

const SF_FOOTER = /^(grand totals?\b|total\b|subtotal\b|confidential information|copyright \(c\)|copyright ©|generated by\b|filtered by\b)/i;

function salesforceMapper(cols: Columns): RowMapper {
  const emailKey = cols.first(['email', 'email address']) ?? 'email';
  let footerSeen = false;
  return {
    map(row) {
      const email = row.get(emailKey);
      // Report footers: one cell of text after the data (totals, confidentiality, copyright, …).
      if (!email && row.filledCount() <= 1) {
        const text = row.fields.find((f) => f.trim() !== '')?.trim() ?? '';
        if (SF_FOOTER.test(text) || /salesforce\.com/i.test(text) || footerSeen) {
          footerSeen = true;
          return 'skip';
        }
      }
      const type = row.get('campaign type', 'type');
      const leadSource = row.get('lead source');
      const responded = row.date('first responded date', 'member first responded date');
      const associated = row.date('member first associated date', 'first associated date', 'created date');
      const touch: TouchDraft = {
        at: responded ?? associated,
        campaignName: row.get('campaign name', 'campaign'),
        campaignChannel: type,
        channel: type ?? leadSource,
        product: row.get('product', 'product interest'),
      };
      return {
        email,
        emailColumn: cols.header(emailKey),
        lead: {
          firstName: row.get('first name'),
          lastName: row.get('last name'),
          name: row.get('full name', 'name'),
          title: row.get('title'),
          company: row.get('company account', 'account name', 'company'),
          stage: row.get('lead status', 'status'),
        },
        touches: informative(touch) ? [touch] : [],
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Marketo person export

const MARKETO_MARKERS = [
  'acquisition program',
  'acquisition program name',
  'acquisition date',
  'person source',
  'original source type',
  'original source info',
  'original referrer',
  'person score',
  'person status',
];

function marketoMapper(cols: Columns): RowMapper {
  const emailKey = cols.first(['email address', 'email']) ?? 'email address';
  return {
    map(row) {
      const created = row.date('created at', 'created');
      const acquired = row.date('acquisition date');
      const sourceType = row.get('original source type');
      const sourceInfo = row.get('original source info');
      const referrer = row.get('original referrer');
      const touch: TouchDraft = {
        kind: 'first',
        at: acquired ?? created,
        campaignName: row.get('acquisition program', 'acquisition program name'),
        channel: row.get('person source', 'lead source') ?? sourceType,
        utm: utmFromUrl(referrer) ?? utmFromUrl(sourceInfo),
        content: /web (form|page)/i.test(sourceType ?? '') ? contentFromUrl(sourceInfo) : undefined,
        product: row.get('product', 'product interest'),
      };
      return {
        email: row.get(emailKey),
        emailColumn: cols.header(emailKey),
        lead: {
          firstName: row.get('first name'),
          lastName: row.get('last name'),
          name: row.get('full name'),
          company: row.get('company name', 'company'),
          title: row.get('job title', 'title'),
          score: row.get('person score', 'lead score', 'score'),
          stage: row.get('person status', 'lead status'),
        },
        touches: informative(touch) ? [touch] : [],
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Pipedrive

const PD_EMAIL = ['person email work', 'person email', 'person email home', 'person email other', 'person email 1'];

function pipedriveMapper(cols: Columns): RowMapper {
  const emailKeys = PD_EMAIL.filter((k) => cols.has(k));
  const utmKey = (part: string) => cols.endingWith(`utm ${part}`);
  const utmKeys = { source: utmKey('source'), medium: utmKey('medium'), campaign: utmKey('campaign'), content: utmKey('content'), term: utmKey('term') };
  return {
    map(row) {
      const utm = compactUtm({
        source: utmKeys.source && row.get(utmKeys.source),
        medium: utmKeys.medium && row.get(utmKeys.medium),
        campaign: utmKeys.campaign && row.get(utmKeys.campaign),
        content: utmKeys.content && row.get(utmKeys.content),
        term: utmKeys.term && row.get(utmKeys.term),
      });
      const channel = row.get('lead source channel', 'deal source channel', 'person source channel', 'lead source', 'deal source');
      const origin = row.get('deal source origin', 'lead source origin');
      const touch: TouchDraft = {
        at: row.date('lead lead created', 'lead created', 'deal deal created', 'deal created', 'deal add time', 'lead add time', 'person person created', 'person created'),
        campaignName: row.get('deal campaign', 'lead campaign', 'person campaign') ?? utm?.campaign,
        channel: channel ?? origin ?? channelFromUtm(utm),
        utm,
        product: row.get('deal product', 'deal products', 'product'),
      };
      const emailKey = emailKeys.find((k) => row.value(k) !== '') ?? emailKeys[0] ?? 'person email';
      return {
        email: row.get(emailKey),
        emailColumn: cols.header(emailKey),
        lead: {
          name: row.get('person name', 'deal contact person', 'lead contact person'),
          company: row.get('person organization', 'person organisation', 'organization name', 'deal organization', 'lead organization'),
          title: row.get('person job title', 'person title'),
          stage: row.get('deal stage', 'lead status'),
        },
        touches: informative(touch) ? [touch] : [],
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Detection

const UTM_KEYS = ['utm source', 'utm medium', 'utm campaign', 'utm content', 'utm term'];

export interface FormatDef {
  id: Exclude<FormatId, 'json' | 'mapped'>;
  detect(cols: Columns): boolean;
  mapper(cols: Columns): RowMapper;
}

export const FORMATS: FormatDef[] = [
  {
    id: 'hubspot',
    detect: (c) => c.hasAny(HS.email) && c.hasAny(HUBSPOT_MARKERS),
    mapper: hubspotMapper,
  },
  {
    id: 'salesforce',
    detect: (c) =>
      c.has('email') &&
      c.has('campaign name') &&
      c.hasAny(['member status', 'campaign type', 'type', 'responded', 'first responded date', 'member first responded date', 'member first associated date']),
    mapper: salesforceMapper,
  },
  {
    id: 'marketo',
    detect: (c) => c.hasAny(['email address', 'email']) && c.hasAny(MARKETO_MARKERS),
    mapper: marketoMapper,
  },
  {
    id: 'pipedrive',
    detect: (c) => c.hasAny(PD_EMAIL),
    mapper: pipedriveMapper,
  },
  {
    id: 'canonical',
    detect: (c) => {
      if (!c.has('email')) return false;
      if (c.hasAny(['campaign id', 'campaign', 'content id', 'content title', 'touched at', 'touch'])) return true;
      if (c.hasAny(UTM_KEYS)) return false; // a UTM export
      const known = c.keys.filter((k) => CANONICAL_NAMES.has(k)).length;
      return known >= Math.ceil(c.keys.filter(Boolean).length * 0.6);
    },
    mapper: canonicalMapper,
  },
  {
    id: 'utm',
    detect: (c) => c.hasAny(EMAIL_KEYS) && (c.hasAny(UTM_KEYS) || UTM_KEYS.some((k) => c.endingWith(k) !== undefined)),
    mapper: canonicalMapper,
  },
];

/** The export a file's headers say it is, or null. */
export function detectFormat(headers: string[]): FormatDef | null {
  const cols = new Columns(headers);
  return FORMATS.find((f) => f.detect(cols)) ?? null;
}

/** Mapper for a file read through a user's column mapping (canonical field → header). */
export function mappedMapper(headers: string[], mapping: Record<string, string | undefined>): { cols: Columns; mapper: RowMapper } {
  const cols = Columns.mapped(headers, mapping);
  return { cols, mapper: canonicalMapper(cols) };
}

export function canonicalFormatMapper(cols: Columns): RowMapper {
  return canonicalMapper(cols);
}

/** Re-exported for the row collector's type checks. */
export type { RowOut };
export { Row };
