// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { campaignStats, formatRate, latestOfChains, NO_PRODUCT } from '@/utils/charts';
import { openDb } from '@/utils/db';
import { recordFeedback, addNote } from '@/utils/feedback';
import { makeEvent, REP } from '../support/events';

const lookups = {
  campaigns: new Map([
    ['cmp-1', { id: 'cmp-1', name: 'Q3 ROI webinar', channel: 'Webinar' }],
    ['cmp-2', { id: 'cmp-2', name: 'Paid social, CFO persona', channel: 'Paid Social' }],
  ]),
  content: new Map([
    ['ast-1', { id: 'ast-1', title: 'ROI calculator' }],
    ['ast-2', { id: 'ast-2', title: 'Forecasting 101' }],
  ]),
};

let k = 0;
const ev = (over: Parameters<typeof makeEvent>[1]) => makeEvent(1000 + k++, { campaignId: 'cmp-1', contentId: 'ast-1', ...over });

describe('supersede chains', () => {
  it('keeps only the newest event of each chain', () => {
    const a = ev({ type: 'lead_quality', value: 'good' });
    const b = ev({ type: 'lead_quality', value: 'poor_fit', reason: 'no_need', supersedes: a.id });
    const c = ev({ type: 'lead_quality', value: 'good', supersedes: b.id });
    const other = ev({ type: 'info_sufficiency', value: 'sufficient' });
    expect(latestOfChains([c, a, other, b]).map((e) => e.id).sort()).toEqual([c.id, other.id].sort());
  });

  it('treats events that supersede a missing event as one chain, and survives loops', () => {
    const x = ev({ supersedes: '11111111-1111-4111-8111-111111111111' });
    const y = ev({ supersedes: '11111111-1111-4111-8111-111111111111' });
    expect(latestOfChains([x, y]).map((e) => e.id)).toEqual([y.id]);
    const p = ev({});
    const q = ev({ supersedes: p.id });
    p.supersedes = q.id;
    expect(latestOfChains([p, q])).toHaveLength(1);
  });

  it('counts the answer a rep changed (real clicks) once, with its latest value', async () => {
    const db = openDb(`charts-${Date.now()}`);
    await db.open();
    const stamp = { rep: REP, site: 'gmail' as const };
    const base = { leadEmail: 'ann@acme.io', campaignId: 'cmp-1' };
    await recordFeedback(db, { ...base, type: 'lead_quality', value: 'good' }, stamp);
    const changed = await recordFeedback(db, { ...base, type: 'lead_quality', value: 'poor_fit', reason: 'bad_timing' }, stamp);
    await addNote(db, changed.id, 'Back in Q2', stamp);
    await recordFeedback(db, { ...base, leadEmail: 'raj.patel@globex.com', type: 'lead_quality', value: 'good' }, stamp);
    const all = await db.feedback.toArray();
    expect(all).toHaveLength(4);
    const [s] = campaignStats(all, lookups);
    expect(s.leadQuality).toMatchObject({ good: 1, poorFit: 1, rate: 0.5 });
    expect(s.leadQuality.reasons.bad_timing).toBe(1);
    db.close();
  });
});

describe('per-campaign figures', () => {
  const events = [
    // cmp-1: 3 good, 2 poor fit (no_budget, wrong_persona), one superseded good -> poor fit
    ev({ type: 'lead_quality', value: 'good' }),
    ev({ type: 'lead_quality', value: 'good' }),
    ev({ type: 'lead_quality', value: 'good' }),
    ev({ type: 'lead_quality', value: 'poor_fit', reason: 'no_budget' }),
    ...(() => {
      const first = ev({ type: 'lead_quality', value: 'good' });
      return [first, ev({ type: 'lead_quality', value: 'poor_fit', reason: 'wrong_persona', supersedes: first.id })];
    })(),
    ev({ type: 'content_relevance', value: 'relevant', contentId: 'ast-1' }),
    ev({ type: 'content_relevance', value: 'relevant', contentId: 'ast-1' }),
    ev({ type: 'content_relevance', value: 'not_relevant', contentId: 'ast-2' }),
    ev({ type: 'content_relevance', value: 'not_relevant', contentId: 'ast-9' }),
    ev({ type: 'info_sufficiency', value: 'sufficient' }),
    ev({ type: 'info_sufficiency', value: 'insufficient' }),
    ev({ type: 'info_sufficiency', value: 'insufficient' }),
    ev({ type: 'content_request', value: 'requested', product: 'Forecasting', format: 'case_study' }),
    ev({ type: 'content_request', value: 'requested', product: 'Forecasting', format: 'case_study' }),
    ev({ type: 'content_request', value: 'requested', product: 'Forecasting', format: 'pricing' }),
    ev({ type: 'content_request', value: 'requested', product: null, format: 'demo_video' }),
    // cmp-2 and no campaign
    ev({ type: 'lead_quality', value: 'poor_fit', reason: null, campaignId: 'cmp-2' }),
    ev({ type: 'content_request', value: 'requested', product: 'Planning', format: 'one_pager', campaignId: null, leadEmail: null }),
  ];

  it('computes the good-lead rate, reasons, relevance per asset, sufficiency and requests', () => {
    const stats = campaignStats(events, lookups);
    expect(stats.map((s) => s.name)).toEqual(['Q3 ROI webinar', 'No campaign', 'Paid social, CFO persona']);
    const c1 = stats[0];
    expect(c1).toMatchObject({ campaignId: 'cmp-1', channel: 'Webinar', answers: 16 });
    expect(c1.leadQuality).toMatchObject({ good: 3, poorFit: 2, rate: 0.6, noReason: 0 });
    expect(c1.leadQuality.reasons).toEqual({
      wrong_persona: 1,
      no_budget: 1,
      no_need: 0,
      bad_timing: 0,
      competitor: 0,
      unreachable: 0,
      duplicate: 0,
      other: 0,
    });
    expect(c1.relevance).toEqual([
      { contentId: 'ast-1', title: 'ROI calculator', relevant: 2, notRelevant: 0 },
      // equal counts: by title
      { contentId: 'ast-9', title: 'ast-9', relevant: 0, notRelevant: 1 },
      { contentId: 'ast-2', title: 'Forecasting 101', relevant: 0, notRelevant: 1 },
    ]);
    expect(c1.sufficiency).toEqual({ sufficient: 1, insufficient: 2 });
    expect(c1.requests).toEqual([
      { product: 'Forecasting', total: 3, formats: { case_study: 2, one_pager: 0, demo_video: 0, pricing: 1, comparison: 0, other: 0 } },
      { product: NO_PRODUCT, total: 1, formats: { case_study: 0, one_pager: 0, demo_video: 1, pricing: 0, comparison: 0, other: 0 } },
    ]);
    expect(stats[2].leadQuality).toMatchObject({ good: 0, poorFit: 1, rate: 0, noReason: 1 });
    expect(stats[1]).toMatchObject({ campaignId: null, requests: [{ product: 'Planning', total: 1 }] });
    expect(formatRate(c1.leadQuality.rate)).toBe('60%');
    expect(formatRate(null)).toBe('–');
  });

  it('applies the filters after resolving chains', () => {
    const onlyLq = campaignStats(events, lookups, { question: 'lead_quality' });
    expect(onlyLq.map((s) => [s.campaignId, s.answers])).toEqual([
      ['cmp-1', 5],
      ['cmp-2', 1],
    ]);
    const c2 = campaignStats(events, lookups, { campaignId: 'cmp-2' });
    expect(c2).toHaveLength(1);
    // The superseding answer is newer than the range: the old answer (event 4, a "good" one,
    // superseded later) does not come back, so "good" stays at 3 of 4.
    // (The fixture's premise, stated: event 5 supersedes event 4, a "good" answer.)
    expect([events[4].value, events[5].supersedes]).toEqual(['good', events[4].id]);
    const upTo = campaignStats(events, lookups, { to: events[5].createdAt, question: 'lead_quality' });
    expect(upTo[0].leadQuality.good).toBe(3);
    expect(upTo[0].answers).toBe(4);
  });
});
