/**
 * What the charts on the options page show, per campaign: the good-lead rate with the poor-fit
 * reasons, content relevance per asset, information sufficiency, and content requests by product
 * and format. Pure functions over stored events, so the numbers are tested without a canvas.
 *
 * Only the latest event of each supersede chain counts (a changed answer replaces the earlier
 * one); every event is still kept and exported.
 */
import type { ExportFilter } from './export';
import { matchesFilter } from './export';
import {
  POOR_FIT_REASONS,
  REQUEST_FORMATS,
  type Campaign,
  type Content,
  type PoorFitReason,
  type RequestFormat,
  type StoredFeedback,
} from './schema';

export { FORMAT_LABELS, REASON_LABELS } from './labels';

export const QUESTION_LABELS = {
  lead_quality: 'Lead quality',
  content_relevance: 'Content relevance',
  info_sufficiency: 'Information sufficiency',
  content_request: 'Content requests',
} as const;

type ChainFields = Pick<StoredFeedback, 'id' | 'supersedes' | 'createdAt'>;

/**
 * The latest event of each supersede chain. A chain is every event linked by `supersedes` back to
 * one root (an event that supersedes nothing, or one whose predecessor is not in the list); its
 * latest event is the newest by `createdAt` (ties by id). Loops in bad data are cut.
 */
export function latestOfChains<T extends ChainFields>(events: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const e of events) byId.set(e.id, e);
  const rootOf = new Map<string, string>();
  const findRoot = (e: T): string => {
    const known = rootOf.get(e.id);
    if (known) return known;
    const path: string[] = [];
    const seen = new Set<string>();
    let cur: T | undefined = e;
    let root = e.id;
    while (cur) {
      if (seen.has(cur.id)) break;
      seen.add(cur.id);
      path.push(cur.id);
      root = cur.id;
      const cached = rootOf.get(cur.id);
      if (cached) {
        root = cached;
        break;
      }
      if (!cur.supersedes) break;
      const prev = byId.get(cur.supersedes);
      if (!prev) {
        // The predecessor is gone (undone, or never here): the link itself names the chain.
        root = `missing:${cur.supersedes}`;
        break;
      }
      cur = prev;
    }
    for (const id of path) rootOf.set(id, root);
    return root;
  };
  const latest = new Map<string, T>();
  for (const e of events) {
    const r = findRoot(e);
    const best = latest.get(r);
    if (!best || e.createdAt > best.createdAt || (e.createdAt === best.createdAt && e.id > best.id)) latest.set(r, e);
  }
  return [...latest.values()];
}

export interface LeadQualityStats {
  good: number;
  poorFit: number;
  /** good / (good + poorFit), or null with no answers. */
  rate: number | null;
  reasons: Record<PoorFitReason, number>;
  /** Poor-fit answers without a reason. */
  noReason: number;
}

export interface RelevanceStats {
  contentId: string | null;
  title: string;
  relevant: number;
  notRelevant: number;
}

export interface RequestStats {
  product: string;
  formats: Record<RequestFormat, number>;
  total: number;
}

export interface CampaignStats {
  /** Null for answers about no campaign. */
  campaignId: string | null;
  name: string;
  channel: string | null;
  /** Answers that count (latest of each chain). */
  answers: number;
  leadQuality: LeadQualityStats;
  relevance: RelevanceStats[];
  sufficiency: { sufficient: number; insufficient: number };
  requests: RequestStats[];
}

const zeroReasons = () => Object.fromEntries(POOR_FIT_REASONS.map((r) => [r, 0])) as Record<PoorFitReason, number>;
const zeroFormats = () => Object.fromEntries(REQUEST_FORMATS.map((f) => [f, 0])) as Record<RequestFormat, number>;

export const NO_PRODUCT = 'No product';

function emptyStats(campaignId: string | null, campaign: Campaign | undefined): CampaignStats {
  return {
    campaignId,
    name: campaign?.name || campaignId || 'No campaign',
    channel: campaign?.channel ?? null,
    answers: 0,
    leadQuality: { good: 0, poorFit: 0, rate: null, reasons: zeroReasons(), noReason: 0 },
    relevance: [],
    sufficiency: { sufficient: 0, insufficient: 0 },
    requests: [],
  };
}

export interface ChartLookups {
  campaigns: Map<string, Campaign>;
  content: Map<string, Content>;
}

/**
 * Per-campaign figures from stored events: chains are resolved over all events first, then the
 * filter picks which latest answers count. Campaigns come out with the most answers first.
 */
export function campaignStats(events: readonly StoredFeedback[], lookups: ChartLookups, filter: ExportFilter = {}): CampaignStats[] {
  const counted = latestOfChains(events).filter((e) => matchesFilter(e, filter));
  const byCampaign = new Map<string, CampaignStats>();
  const relevanceIndex = new Map<string, RelevanceStats>();
  const requestIndex = new Map<string, RequestStats>();
  for (const e of counted) {
    const key = e.campaignId ?? '';
    let s = byCampaign.get(key);
    if (!s) {
      s = emptyStats(e.campaignId, e.campaignId ? lookups.campaigns.get(e.campaignId) : undefined);
      byCampaign.set(key, s);
    }
    s.answers += 1;
    switch (e.type) {
      case 'lead_quality':
        if (e.value === 'good') s.leadQuality.good += 1;
        else if (e.value === 'poor_fit') {
          s.leadQuality.poorFit += 1;
          if (e.reason && e.reason in s.leadQuality.reasons) s.leadQuality.reasons[e.reason] += 1;
          else s.leadQuality.noReason += 1;
        }
        break;
      case 'content_relevance': {
        const rk = `${key}\u0000${e.contentId ?? ''}`;
        let r = relevanceIndex.get(rk);
        if (!r) {
          const title = (e.contentId && lookups.content.get(e.contentId)?.title) || e.contentId || 'Unknown asset';
          r = { contentId: e.contentId, title, relevant: 0, notRelevant: 0 };
          relevanceIndex.set(rk, r);
          s.relevance.push(r);
        }
        if (e.value === 'relevant') r.relevant += 1;
        else if (e.value === 'not_relevant') r.notRelevant += 1;
        break;
      }
      case 'info_sufficiency':
        if (e.value === 'sufficient') s.sufficiency.sufficient += 1;
        else if (e.value === 'insufficient') s.sufficiency.insufficient += 1;
        break;
      case 'content_request': {
        const product = e.product?.trim() || NO_PRODUCT;
        const qk = `${key}\u0000${product}`;
        let q = requestIndex.get(qk);
        if (!q) {
          q = { product, formats: zeroFormats(), total: 0 };
          requestIndex.set(qk, q);
          s.requests.push(q);
        }
        const format = (e.format && e.format in q.formats ? e.format : 'other') as RequestFormat;
        q.formats[format] += 1;
        q.total += 1;
        break;
      }
    }
  }
  const out = [...byCampaign.values()];
  for (const s of out) {
    const n = s.leadQuality.good + s.leadQuality.poorFit;
    s.leadQuality.rate = n ? s.leadQuality.good / n : null;
    s.relevance.sort((a, b) => b.relevant + b.notRelevant - (a.relevant + a.notRelevant) || a.title.localeCompare(b.title));
    s.requests.sort((a, b) => b.total - a.total || a.product.localeCompare(b.product));
  }
  out.sort((a, b) => b.answers - a.answers || a.name.localeCompare(b.name));
  return out;
}

/** "62%" (or "–" with no answers). */
export function formatRate(rate: number | null): string {
  return rate == null ? '–' : `${Math.round(rate * 100)}%`;
}
