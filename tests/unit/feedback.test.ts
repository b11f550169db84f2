import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type UnisonDB } from '@/utils/db';
import { SYNC_META_KEY } from '@/utils/sync';
import { addNote, answersFor, recordFeedback, undoFeedback, UNDO_WINDOW_MS } from '@/utils/feedback';

let db: UnisonDB;
let n = 0;
beforeEach(async () => {
  db = openDb(`fb-${++n}`);
  await db.open();
});

const stamp = { rep: { name: 'Sam', email: 'sam@seller.example' }, site: 'gmail' as const };

describe('feedback events', () => {
  it('records a click with id, time, rep and site, and supersedes the earlier answer', async () => {
    const a = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, { ...stamp, now: new Date('2026-11-27T09:00:00Z') });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).toMatchObject({ rep: stamp.rep, site: 'gmail', createdAt: '2026-11-27T09:00:00.000Z', supersedes: null, syncState: 'pending' });
    const b = await recordFeedback(
      db,
      { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'poor_fit', reason: 'no_budget' },
      { ...stamp, now: new Date('2026-11-27T09:00:00Z') },
    );
    expect(b.supersedes).toBe(a.id);
    expect(b.createdAt > a.createdAt).toBe(true);
    const answers = await answersFor(db, 'ann@acme.io');
    expect(answers.lead_quality).toMatchObject({ id: b.id, value: 'poor_fit', reason: 'no_budget' });
    expect(await db.feedback.count()).toBe(2);
  });

  it('drops a reason that does not go with the answer', async () => {
    const e = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good', reason: 'no_budget' }, stamp);
    expect(e.reason).toBeNull();
  });

  it('undoes only inside the window and only unsynced events', async () => {
    const t0 = new Date('2026-11-27T09:00:00Z');
    const e = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'info_sufficiency', value: 'sufficient' }, { ...stamp, now: t0 });
    expect(await undoFeedback(db, e.id, new Date(t0.getTime() + UNDO_WINDOW_MS + 1))).toBeNull();
    const f = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'info_sufficiency', value: 'insufficient' }, { ...stamp, now: t0 });
    await db.feedback.update(f.id, { syncState: 'synced', syncedAt: t0.toISOString() });
    expect(await undoFeedback(db, f.id, t0)).toBeNull();
    const g = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'content_relevance', value: 'relevant' }, { ...stamp, now: t0 });
    expect((await undoFeedback(db, g.id, t0))?.id).toBe(g.id);
    expect(await db.feedback.get(g.id)).toBeUndefined();
    // An event in a batch being sent cannot be taken back.
    const h = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'content_relevance', value: 'not_relevant' }, { ...stamp, now: t0 });
    await db.meta.put({ key: SYNC_META_KEY, value: { inflight: { ids: [h.id], since: t0.toISOString(), attempts: 1 } } });
    expect(await undoFeedback(db, h.id, t0)).toBeNull();
    expect(await db.feedback.get(h.id)).toBeDefined();
  });

  it('undoes only the answer that still counts, and only from where it was made', async () => {
    const t0 = new Date('2026-11-27T09:00:00Z');
    const good = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, { ...stamp, now: t0 });
    const poor = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'poor_fit' }, { ...stamp, now: t0 });
    // The first answer has been changed since: taking it back would leave the second superseding nothing.
    expect(await undoFeedback(db, good.id, t0, 'gmail')).toBeNull();
    expect(await db.feedback.get(good.id)).toBeDefined();
    // Another site (another tab's content script) cannot take back Gmail's click.
    expect(await undoFeedback(db, poor.id, t0, 'hubspot')).toBeNull();
    expect((await undoFeedback(db, poor.id, t0, 'gmail'))?.id).toBe(poor.id);
    expect((await answersFor(db, 'ann@acme.io')).lead_quality?.id).toBe(good.id);
    // A request about no lead, noted since: no longer the answer either.
    const request = await recordFeedback(db, { type: 'content_request', value: 'requested', product: 'Forecasting', format: 'pricing' }, { ...stamp, now: t0 });
    await addNote(db, request.id, 'for the CFO', { ...stamp, now: t0 });
    expect(await undoFeedback(db, request.id, t0, 'gmail')).toBeNull();
    expect(await db.feedback.get(request.id)).toBeDefined();
  });

  it('adds a note only to the answer that counts: a second note goes on the first, a changed answer takes none', async () => {
    const good = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, stamp);
    const n1 = await addNote(db, good.id, 'Great call', stamp);
    // The rep edits the note (the card still holds the answer's id): it goes on the newest note.
    const n2 = await addNote(db, good.id, 'Great call, budget in Q1', stamp);
    expect(n2).toMatchObject({ value: 'good', note: 'Great call, budget in Q1', supersedes: n1!.id });
    expect((await answersFor(db, 'ann@acme.io')).lead_quality?.id).toBe(n2!.id);
    // The answer changes (another tab): a late note on the old answer is refused, the answer stays.
    const poor = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'poor_fit', reason: 'no_budget' }, { ...stamp, site: 'hubspot' });
    const count = await db.feedback.count();
    expect(await addNote(db, good.id, 'late', { ...stamp, site: 'hubspot' })).toBeNull();
    expect(await addNote(db, n1!.id, 'late', stamp)).toBeNull();
    expect(await db.feedback.count()).toBe(count);
    expect((await answersFor(db, 'ann@acme.io')).lead_quality).toMatchObject({ id: poor.id, value: 'poor_fit' });
    // No chain forks: each event is superseded at most once.
    const supersedes = (await db.feedback.toArray()).map((e) => e.supersedes).filter(Boolean);
    expect(new Set(supersedes).size).toBe(supersedes.length);
  });

  it('adds a note as a new event superseding the answer', async () => {
    const e = await recordFeedback(db, { leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good' }, stamp);
    const n2 = await addNote(db, e.id, '  Great call  ', stamp);
    expect(n2).toMatchObject({ value: 'good', note: 'Great call', supersedes: e.id });
    expect((await answersFor(db, 'ann@acme.io')).lead_quality?.note).toBe('Great call');
  });
});
