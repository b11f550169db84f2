/**
 * Gathers rows into campaigns, content, leads and touches: validates the address, gives campaigns
 * and content their ids (a slug of the name when the file has none), and de-duplicates touches
 * by their stable id. The same file always gives the same records.
 */
import { emailSchema, EMAIL_MAX, type Campaign, type Content, type Touch } from '../schema';
import type { RowOut, TouchDraft } from './rows';
import { MAX_ISSUES, type NormalisedData, type RowIssue } from './types';
import { clip, compactUtm, parseScore, slug, touchId } from './util';

/** The record without its undefined fields (so stored records compare equal across imports). */
export function defined<T extends object>(o: T): T {
  const out = {} as Record<string, unknown>;
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

export function validEmail(raw: string | undefined): string | null {
  if (!raw) return null;
  const v = raw.trim().replace(/^mailto:/i, '');
  if (v.length > EMAIL_MAX) return null;
  const parsed = emailSchema.safeParse(v);
  return parsed.success ? parsed.data : null;
}

export class Collector {
  readonly data: NormalisedData & Required<Pick<NormalisedData, 'unnamed'>> = {
    leads: new Map(),
    campaigns: new Map(),
    content: new Map(),
    touches: new Map(),
    unnamed: { campaigns: new Set(), content: new Set() },
  };

  /**
   * Notes whether a campaign's name (`kind` campaigns) or an asset's title (content) was given:
   * one never given in the whole file stands in for a name, and does not replace a stored one.
   */
  named(kind: 'campaigns' | 'content', id: string, given: boolean): void {
    const set = this.data.unnamed[kind];
    if (given) set.delete(id);
    else if (!this.data[kind].has(id)) set.add(id);
  }
  readonly issues: RowIssue[] = [];
  issueCount = 0;
  rows = 0;
  invalidRows = 0;

  addIssue(issue: RowIssue): void {
    this.issueCount++;
    if (this.issues.length < MAX_ISSUES) this.issues.push(issue);
  }

  /** Adds one row; `rowIssues` are problems already found in it (unreadable dates). */
  addRow(out: RowOut, rowIssues: RowIssue[], line: number | undefined): void {
    this.rows++;
    const email = validEmail(out.email);
    const problems: RowIssue[] = [];
    if (!email) {
      const raw = (out.email ?? '').trim();
      problems.push({
        line,
        column: out.emailColumn,
        message: raw ? `“${raw.length > 60 ? `${raw.slice(0, 59)}…` : raw}” is not a valid email address` : 'no email address',
      });
    }
    problems.push(...rowIssues);
    if (problems.length) {
      this.invalidRows++;
      // In the file's column order would need the header; line order is what users scan.
      for (const p of problems) this.addIssue(p);
      return;
    }
    this.addLead(email!, out.lead);
    for (const t of out.touches) this.addTouch(email!, t);
  }

  addLead(email: string, l: Omit<RowOut['lead'], 'score'> & { score?: string | number }): void {
    let lead = this.data.leads.get(email);
    if (!lead) this.data.leads.set(email, (lead = { email }));
    // A value in a later row replaces an earlier one; a blank keeps it.
    const name = clip(l.name, 500) ?? clip(`${l.firstName ?? ''} ${l.lastName ?? ''}`, 500);
    if (name !== undefined) lead.name = name;
    const company = clip(l.company, 500);
    if (company !== undefined) lead.company = company;
    const title = clip(l.title, 500);
    if (title !== undefined) lead.title = title;
    const score = typeof l.score === 'number' ? l.score : parseScore(l.score);
    if (score !== undefined) lead.score = score;
    const stage = clip(l.stage, 200);
    if (stage !== undefined) lead.stage = stage;
  }

  addCampaign(c: Campaign): void {
    const existing = this.data.campaigns.get(c.id);
    this.data.campaigns.set(c.id, existing ? { ...existing, ...defined(c), utm: compactUtm({ ...existing.utm, ...c.utm }) } : defined(c));
    const rec = this.data.campaigns.get(c.id)!;
    if (rec.utm === undefined) delete rec.utm;
  }

  addContent(c: Content): void {
    const existing = this.data.content.get(c.id);
    // The campaign an asset belongs to is the first one it was seen with.
    this.data.content.set(c.id, existing ? { ...existing, ...defined(c), campaignId: existing.campaignId ?? c.campaignId } : defined(c));
    const rec = this.data.content.get(c.id)!;
    if (rec.campaignId === undefined) delete rec.campaignId;
  }

  addTouch(email: string, d: TouchDraft): void {
    const campaignName = clip(d.campaignName, 500);
    const campaignId = clip(d.campaignId, 200) ?? (campaignName ? slug(campaignName) : undefined);
    if (campaignId) {
      this.named('campaigns', campaignId, campaignName !== undefined);
      this.addCampaign(
        defined({
          id: campaignId,
          name: campaignName ?? this.data.campaigns.get(campaignId)?.name ?? campaignId,
          channel: clip(d.campaignChannel, 200),
          product: clip(d.campaignProduct, 200),
        }),
      );
    }
    let contentId: string | undefined;
    if (d.content) {
      const title = clip(d.content.title, 1000);
      const url = clip(d.content.url, 4000);
      contentId = clip(d.content.id, 200) ?? (title ? slug(title) : url ? slug(url.replace(/^[a-z]+:\/\//i, '')) : undefined);
      if (contentId) {
        this.named('content', contentId, title !== undefined);
        this.addContent(
          defined({
            id: contentId,
            title: title ?? this.data.content.get(contentId)?.title ?? url ?? contentId,
            type: clip(d.content.type, 100),
            url,
            product: clip(d.content.product, 200),
            campaignId,
          }),
        );
      }
    }
    this.putTouch(
      defined({
        id: touchId(email, campaignId, contentId, d.at),
        email,
        campaignId,
        contentId,
        at: d.at,
        kind: d.kind,
        channel: clip(d.channel, 200),
        utm: compactUtm(d.utm),
        product: clip(d.product, 200),
      }),
    );
  }

  putTouch(t: Touch): void {
    const existing = this.data.touches.get(t.id);
    if (!existing) {
      this.data.touches.set(t.id, t);
      return;
    }
    // Same lead, campaign, content and time: one touch. The first-touch mark is kept over "latest".
    const kind = existing.kind === 'first' || t.kind === undefined ? (existing.kind ?? t.kind) : t.kind;
    this.data.touches.set(t.id, defined({ ...existing, ...t, kind, utm: compactUtm({ ...existing.utm, ...t.utm }) }));
  }
}
