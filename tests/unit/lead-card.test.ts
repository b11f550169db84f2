import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { leadCard } from '@/utils/leads';

let db: UnisonDB;
let n = 0;
beforeEach(async () => {
  db = openDb(`lead-card-${++n}`);
  await db.open();
  await db.leads.put({ email: 'ann@acme.io', name: 'Ann Lee', updatedAt: '2026-11-01T00:00:00Z' });
  await db.campaigns.bulkPut([
    { id: 'cmp-a', name: 'Spring webinar', channel: 'Webinar' },
    { id: 'cmp-b', name: 'Autumn nurture', channel: 'Email Marketing' },
  ]);
  await db.content.put({ id: 'ast-x', title: 'ROI calculator', type: 'tool', product: 'Forecasting', campaignId: 'cmp-a' });
});
afterEach(() => db.close());

describe('the card of a lead', () => {
  it('names the product of the newest touch that has one, when the latest touch names none', async () => {
    await db.touches.bulkPut([
      { id: 't1', email: 'ann@acme.io', campaignId: 'cmp-a', contentId: 'ast-x', at: '2026-03-01T10:00:00Z', kind: 'first' },
      { id: 't2', email: 'ann@acme.io', campaignId: 'cmp-b', at: '2026-09-01T10:00:00Z', kind: 'latest' },
    ]);
    expect((await leadCard(db, 'ann@acme.io'))?.product).toBe('Forecasting');
    // The latest touch's own product comes first.
    await db.touches.put({ id: 't2', email: 'ann@acme.io', campaignId: 'cmp-b', at: '2026-09-01T10:00:00Z', kind: 'latest', product: 'Planning' });
    expect((await leadCard(db, 'ann@acme.io'))?.product).toBe('Planning');
  });

  it('looks at dated touches, newest first, before undated ones', async () => {
    await db.campaigns.put({ id: 'cmp-c', name: 'Old list', channel: 'Import', product: 'Legacy' });
    await db.content.put({ id: 'ast-y', title: 'Planning guide', type: 'ebook', product: 'Planning' });
    await db.touches.bulkPut([
      { id: 't0', email: 'ann@acme.io', campaignId: 'cmp-c' },
      { id: 't1', email: 'ann@acme.io', campaignId: 'cmp-a', contentId: 'ast-x', at: '2026-03-01T10:00:00Z' },
      { id: 't2', email: 'ann@acme.io', campaignId: 'cmp-a', contentId: 'ast-y', at: '2026-06-01T10:00:00Z' },
      { id: 't3', email: 'ann@acme.io', campaignId: 'cmp-b', at: '2026-09-01T10:00:00Z' },
    ]);
    expect((await leadCard(db, 'ann@acme.io'))?.product).toBe('Planning');
    await db.touches.bulkDelete(['t1', 't2']);
    expect((await leadCard(db, 'ann@acme.io'))?.product).toBe('Legacy');
  });

  it('names no product when no touch, content or campaign has one', async () => {
    await db.touches.put({ id: 't1', email: 'ann@acme.io', campaignId: 'cmp-b', at: '2026-09-01T10:00:00Z' });
    expect((await leadCard(db, 'ann@acme.io'))?.product).toBeNull();
  });
});
