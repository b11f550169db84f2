import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Card } from '@/components/overlay/Card';
import { UNDO_SHOWN_MS, type FeedbackActions } from '@/components/overlay/Feedback';
import { CARD_WIDTH, detectDarkPage, isDarkColour, placeCard, safeHref } from '@/components/overlay/format';
import type { Answers, LeadCard } from '@/utils/protocol';
import { flush } from '../support/preact';

const campaign = { id: 'cmp-q3', name: 'Q3 ROI webinar', channel: 'Webinar', product: 'Forecasting', utm: { source: 'linkedin', medium: 'paid_social', campaign: 'q3-roi' } };
const campaign2 = { id: 'cmp-nurture', name: 'Nurture <b>bold</b>', channel: 'Email Marketing' };
const roi = { id: 'ast-roi', title: 'ROI calculator', type: 'tool', url: 'https://example.com/roi' };
const evil = { id: 'ast-evil', title: '<img src=x onerror=alert(1)>', type: 'ebook', url: 'javascript:alert(1)' };

function makeCard(): LeadCard {
  const t1 = { id: 't1', email: 'ann@acme.io', campaignId: 'cmp-q3', contentId: 'ast-roi', at: '2026-07-14T10:00:00Z', kind: 'first' as const, campaign, content: roi };
  const t2 = { id: 't2', email: 'ann@acme.io', campaignId: 'cmp-nurture', contentId: 'ast-evil', at: '2026-09-01T10:00:00Z', campaign: campaign2, content: evil };
  return {
    lead: { email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', title: 'CFO', score: 72, stage: 'marketingqualifiedlead', updatedAt: '2026-11-01T00:00:00Z' },
    touches: [t1, t2],
    firstTouch: t1,
    latestTouch: t2,
    consumed: [
      { content: evil, at: t2.at },
      { content: roi, at: t1.at },
    ],
    product: 'Forecasting',
    answers: {},
  };
}

/** The event id the card makes at the click. */
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
/** The id of the `n`-th save (from 0). */
const sentId = (n: number): string => actions.send.mock.calls[n][0].id;

let root: HTMLDivElement;
let actions: FeedbackActions & { send: ReturnType<typeof vi.fn>; undo: ReturnType<typeof vi.fn>; note: ReturnType<typeof vi.fn> };
beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
  let n = 0;
  actions = {
    send: vi.fn(async () => ({ id: `00000000-0000-4000-8000-00000000000${++n}` })),
    undo: vi.fn(async () => true),
    note: vi.fn(async () => true),
  } as never;
});
afterEach(() => {
  render(null, root);
  root.remove();
});

function mount(answers: Answers = {}, onClose = vi.fn(), card = makeCard()) {
  act(() => {
    render(<Card email="ann@acme.io" card={card} loading={false} answers={answers} actions={actions} onClose={onClose} />, root);
  });
  return onClose;
}
const button = (name: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as HTMLButtonElement;
async function typeInto(el: HTMLTextAreaElement | HTMLInputElement, value: string) {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
/** Clicks a button and lets the saves it queued settle. */
async function click(name: string) {
  await act(async () => button(name).click());
  await flush(5);
}

describe('the lead card', () => {
  it('is a dialog named after the lead, with first and latest touch and the content consumed', () => {
    mount();
    const dialog = root.querySelector('[role="dialog"]')!;
    const labelledBy = dialog.getAttribute('aria-labelledby')!;
    expect(root.querySelector(`#${labelledBy}`)!.textContent).toContain('Ann Lee');
    expect(dialog.textContent).toContain('First touch');
    expect(dialog.textContent).toContain('Q3 ROI webinar');
    expect(dialog.textContent).toContain('Latest touch');
    expect(dialog.textContent).toContain('source=linkedin');
    expect(dialog.textContent).toContain('Score 72');
    for (const name of ['Good lead', 'Poor fit', 'Content relevant', 'Content not relevant', 'Info sufficient', 'Need more info', 'Request content']) {
      expect(button(name), name).toBeTruthy();
    }
  });

  it('says a single touch is both the first and the latest, once', () => {
    const base = makeCard();
    const only = base.firstTouch!;
    mount({}, vi.fn(), { ...base, touches: [only], latestTouch: only });
    const labels = [...root.querySelectorAll('.touch-label')].map((el) => el.textContent);
    expect(labels).toEqual(['First and latest touch']);
    expect(root.querySelector('.touches')!.textContent).toContain(only.campaign!.name);
  });

  it('shows the product without a score or stage, and no empty facts, touches or content when the data has none', () => {
    const bare = { ...makeCard(), touches: [], firstTouch: null, latestTouch: null, consumed: [] };
    bare.lead = { ...bare.lead!, score: undefined, stage: undefined };
    mount({}, vi.fn(), bare);
    expect(root.querySelector('.facts')?.textContent).toBe('Product: Forecasting');
    expect(root.textContent).not.toContain('First touch');
    expect(root.textContent).not.toContain('Content consumed');
    expect(root.textContent).not.toContain('All touches');
    expect(button('Good lead')).toBeTruthy();
    // An empty score and no stage or product: no facts row at all.
    mount({}, vi.fn(), { ...bare, product: null, lead: { ...bare.lead!, score: '' } });
    expect(root.querySelector('.facts')).toBeNull();
  });

  it('shows markup in campaign data as inert text and links only http(s) URLs', () => {
    mount();
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('b')).toBeNull();
    expect(root.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/roi']);
    expect(links[0].getAttribute('rel')).toContain('noopener');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref(' JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
    expect(safeHref('http://a.example/x')).toBe('http://a.example/x');
  });

  it('marks saved answers with aria-pressed', () => {
    mount({
      lead_quality: { id: 'a', value: 'poor_fit', reason: 'no_budget', note: null, contentId: null, createdAt: '2026-11-27T09:00:00Z', synced: false },
      content_relevance: { id: 'b', value: 'relevant', reason: null, note: null, contentId: 'ast-evil', createdAt: '2026-11-27T09:00:00Z', synced: false },
      info_sufficiency: { id: 'c', value: 'insufficient', reason: null, note: null, contentId: null, createdAt: '2026-11-27T09:00:00Z', synced: true },
    });
    expect(button('Poor fit').getAttribute('aria-pressed')).toBe('true');
    expect(button('Good lead').getAttribute('aria-pressed')).toBe('false');
    expect(button('No budget').getAttribute('aria-pressed')).toBe('true');
    expect(button('Content relevant').getAttribute('aria-pressed')).toBe('true');
    expect(button('Need more info').getAttribute('aria-pressed')).toBe('true');
    expect(button('Info sufficient').getAttribute('aria-pressed')).toBe('false');
  });

  it('saves one click with the campaign and asset, offers Undo and a note', async () => {
    mount();
    await click('Good lead');
    expect(actions.send).toHaveBeenCalledWith({ id: UUID, leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good', campaignId: 'cmp-q3' });
    expect(root.querySelector('[role="status"]')!.textContent).toContain('Saved: Good lead');
    await click('Content not relevant');
    expect(actions.send).toHaveBeenLastCalledWith({
      id: UUID,
      leadEmail: 'ann@acme.io',
      type: 'content_relevance',
      value: 'not_relevant',
      contentId: 'ast-evil',
      campaignId: 'cmp-nurture',
    });
    await click('Undo');
    // Each click its own event id, made at the click.
    expect(sentId(1)).not.toBe(sentId(0));
    expect(actions.undo).toHaveBeenCalledWith(sentId(1));
    await click('Info sufficient');
    await click('Add a note');
    await typeInto(root.querySelector('form.note textarea')!, 'Asked for pricing');
    await click('Save note');
    expect(actions.note).toHaveBeenCalledWith(sentId(2), 'Asked for pricing', UUID);
    expect(actions.note.mock.calls[0][2]).not.toBe(sentId(2));
  });

  it('offers reasons after Poor fit and records the reason', async () => {
    mount();
    expect(button('No budget')).toBeUndefined();
    await click('Poor fit');
    expect(actions.send).toHaveBeenCalledWith({ id: UUID, leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'poor_fit', campaignId: 'cmp-q3' });
    for (const r of ['Wrong persona', 'No budget', 'No need', 'Bad timing', 'Competitor', 'Unreachable', 'Duplicate', 'Other']) expect(button(r), r).toBeTruthy();
    await click('Competitor');
    expect(actions.send).toHaveBeenLastCalledWith({ id: UUID, leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'poor_fit', reason: 'competitor', campaignId: 'cmp-q3' });
  });

  it('requests content with the product prefilled', async () => {
    mount();
    await click('Request content');
    const form = root.querySelector('form.request')!;
    expect((form.querySelector('input') as HTMLInputElement).value).toBe('Forecasting');
    const select = form.querySelector('select') as HTMLSelectElement;
    await act(async () => {
      select.value = 'pricing';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await click('Send request');
    expect(actions.send).toHaveBeenLastCalledWith(
      expect.objectContaining({ type: 'content_request', value: 'requested', product: 'Forecasting', format: 'pricing', leadEmail: 'ann@acme.io', note: null }),
    );
  });

  it('saves clicks made while a save is on its way, in order, and a double click once', async () => {
    // A slow store (the background waking up): each save takes a while.
    let n = 0;
    actions.send.mockImplementation(() => new Promise((r) => setTimeout(() => r({ id: `00000000-0000-4000-8000-00000000010${++n}` }), 20)));
    mount();
    await act(async () => {
      button('Poor fit').click();
    });
    await act(async () => {
      button('No budget').click();
      button('Content relevant').click();
      button('Content relevant').click();
    });
    await vi.waitFor(() => expect(actions.send).toHaveBeenCalledTimes(3));
    await new Promise((r) => setTimeout(r, 80));
    expect(actions.send.mock.calls.map(([i]) => [i.type, i.value, i.reason])).toEqual([
      ['lead_quality', 'poor_fit', undefined],
      ['lead_quality', 'poor_fit', 'no_budget'],
      ['content_relevance', 'relevant', undefined],
    ]);
    await flush(5);
    expect(root.querySelector('[role="status"]')!.textContent).toContain('Saved: Content relevant');
  });

  it('files an answer on the content under the campaign that brought it, not a later campaign without content', async () => {
    const card = makeCard();
    const t3 = { id: 't3', email: 'ann@acme.io', campaignId: 'cmp-event', at: '2026-10-01T10:00:00Z', campaign: { id: 'cmp-event', name: 'Field event' }, content: null };
    card.touches = [...card.touches, t3];
    card.latestTouch = t3;
    mount({}, vi.fn(), card);
    expect(root.querySelector('[role="group"][aria-label^="Content:"]')!.getAttribute('aria-label')).toBe('Content: <img src=x onerror=alert(1)>');
    await click('Content relevant');
    expect(actions.send).toHaveBeenLastCalledWith({ id: UUID, leadEmail: 'ann@acme.io', type: 'content_relevance', value: 'relevant', contentId: 'ast-evil', campaignId: 'cmp-nurture' });
  });

  it('keeps the request form and what was typed when the request could not be saved', async () => {
    actions.send.mockResolvedValue(null);
    mount();
    await click('Request content');
    await typeInto(root.querySelector('form.request textarea')!, 'For the CFO');
    await click('Send request');
    expect(root.querySelector('[role="status"]')!.textContent).toContain('Not saved');
    expect((root.querySelector('form.request textarea') as HTMLTextAreaElement | null)?.value).toBe('For the CFO');
  });

  it('sends a retry made at once after a failed save, and keeps what was typed until it is saved', async () => {
    actions.send.mockResolvedValueOnce(null);
    mount();
    await click('Request content');
    await typeInto(root.querySelector('form.request textarea')!, 'For the CFO');
    await click('Send request');
    expect(root.querySelector('[role="status"]')!.textContent).toContain('Not saved');
    // Within a second of the failed one: a retry, not a double click.
    await click('Send request');
    expect(actions.send).toHaveBeenCalledTimes(2);
    expect(actions.send.mock.calls[1][0]).toEqual(actions.send.mock.calls[0][0]);
    expect(actions.send.mock.calls[1][0].note).toBe('For the CFO');
    expect(root.querySelector('form.request')).toBeNull();
    expect(root.querySelector('[role="status"]')!.textContent).toContain('Saved: Requested');
  });

  it('sends a failed save again with the same event id, later too, and makes a new id once it is saved', async () => {
    // The store took the first save, but its answer was lost on the way back (the worker restarted):
    // sent again with the same id, the background stores it once.
    actions.send.mockResolvedValueOnce(null);
    const now = vi.spyOn(Date, 'now');
    try {
      mount();
      await click('Good lead');
      expect(root.querySelector('[role="status"]')!.textContent).toContain('Not saved');
      now.mockReturnValue(Date.now() + 5000);
      await click('Good lead');
      expect(sentId(1)).toBe(sentId(0));
      expect(sentId(0)).toEqual(UUID);
      expect(root.querySelector('[role="status"]')!.textContent).toContain('Saved: Good lead');
      // Saved: the same answer clicked again later is a new click, with a new id.
      now.mockReturnValue(Date.now() + 10_000);
      await click('Good lead');
      expect(actions.send).toHaveBeenCalledTimes(3);
      expect(sentId(2)).not.toBe(sentId(1));
    } finally {
      now.mockRestore();
    }
  });

  it('sends a note that failed again with the same event id', async () => {
    actions.note.mockResolvedValueOnce(false);
    mount();
    await click('Good lead');
    await click('Add a note');
    await typeInto(root.querySelector('form.note textarea')!, 'Asked for pricing');
    await click('Save note');
    expect(root.querySelector('[role="status"]')!.textContent).toContain('Not saved');
    await click('Save note');
    expect(actions.note).toHaveBeenCalledTimes(2);
    expect(actions.note.mock.calls[1]).toEqual(actions.note.mock.calls[0]);
    expect(actions.note.mock.calls[0]).toEqual([sentId(0), 'Asked for pricing', UUID]);
    expect(root.querySelector('form.note')).toBeNull();
  });

  it('gives the card focus when the Undo button it was on goes away after its time', async () => {
    // Time runs as usual (the saves' ticks), and the Undo button's 8 s are skipped.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    try {
      const onClose = mount();
      const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
      await click('Good lead');
      button('Undo').focus();
      await act(async () => {
        vi.advanceTimersByTime(UNDO_SHOWN_MS + 10);
      });
      expect(button('Undo')).toBeUndefined();
      expect(document.activeElement).toBe(dialog);
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      expect(onClose).toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps focus in the card as buttons go (Undo, a note, a request sent), so Escape still closes it', async () => {
    const onClose = mount();
    const dialog = root.querySelector('[role="dialog"]') as HTMLElement;
    await click('Good lead');
    button('Add a note').focus();
    await click('Add a note');
    expect(document.activeElement).toBe(root.querySelector('form.note textarea'));
    button('Undo').focus();
    await click('Undo');
    expect(document.activeElement).toBe(dialog);
    await click('Request content');
    button('Send request').focus();
    await click('Send request');
    expect(root.querySelector('form.request')).toBeNull();
    expect(document.activeElement).toBe(dialog);
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(onClose).toHaveBeenCalled();
  });

  it('undoes once on a double click, and says nothing went wrong', async () => {
    let undone = false;
    actions.undo.mockImplementation(async () => (undone ? false : (undone = true)));
    mount();
    await click('Good lead');
    await act(async () => {
      button('Undo').click();
      button('Undo').click();
    });
    await flush(5);
    expect(actions.undo).toHaveBeenCalledTimes(1);
    expect(root.querySelector('[role="status"]')!.textContent).not.toContain('Too late');
    expect(button('Undo')).toBeUndefined();
  });

  it('says to reload the page when the card could not be loaded', () => {
    act(() => {
      render(<Card email="ann@acme.io" card={null} loading={false} answers={{}} actions={actions} onClose={vi.fn()} />, root);
    });
    expect(root.textContent).toContain("Could not load this contact's campaign data. Reload the page and try again.");
  });

  it('closes on Escape', () => {
    const onClose = mount();
    const dialog = root.querySelector('[role="dialog"]')!;
    dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(onClose).toHaveBeenCalled();
  });
});

describe('dark page detection (the badges\' look)', () => {
  it('tells dark backgrounds from light ones, and passes over transparent or unknown colours', () => {
    expect(isDarkColour('rgb(32, 33, 36)')).toBe(true); // Gmail's dark theme
    expect(isDarkColour('rgb(255, 255, 255)')).toBe(false);
    expect(isDarkColour('rgb(246 248 252)')).toBe(false); // Gmail's light background, space-separated
    expect(isDarkColour('rgb(110, 110, 110)')).toBe(true);
    expect(isDarkColour('rgb(140, 140, 140)')).toBe(false);
    expect(isDarkColour('rgb(0, 0, 160)')).toBe(true); // a deep blue
    expect(isDarkColour('rgba(0, 0, 0, 0.8)')).toBe(true);
    expect(isDarkColour('rgba(0, 0, 0, 0)')).toBeNull();
    expect(isDarkColour('transparent')).toBeNull();
    expect(isDarkColour('')).toBeNull();
  });

  it('reads the body\'s background, then the root\'s when the body has none', () => {
    document.body.style.backgroundColor = 'rgb(32, 33, 36)';
    expect(detectDarkPage(document)).toBe(true);
    document.body.style.backgroundColor = '';
    document.documentElement.style.backgroundColor = 'rgb(255, 255, 255)';
    expect(detectDarkPage(document)).toBe(false);
    document.documentElement.style.backgroundColor = 'rgb(20, 20, 20)';
    expect(detectDarkPage(document)).toBe(true);
    document.documentElement.style.backgroundColor = '';
  });
});

describe('where the card goes by its badge', () => {
  const badgeAt = (top: number, left = 100) => ({ top, left, bottom: top + 14 });

  it('goes below the badge when there is room, kept inside the window', () => {
    expect(placeCard(badgeAt(100), 1200, 900)).toEqual({ left: 92, top: 120, maxHeight: 900 - 114 - 14 });
    // Near the right edge: moved left so all of it shows.
    expect(placeCard(badgeAt(100, 1150), 1200, 900).left).toBe(1200 - CARD_WIDTH - 8);
    expect(placeCard(badgeAt(100, 2), 1200, 900).left).toBe(8);
  });

  it('goes above a badge low in the window, its bottom edge by the badge, and never taller than the room it has', () => {
    const at = placeCard(badgeAt(700), 1200, 900);
    expect(at).toEqual({ left: 92, bottom: 900 - 700 + 6, maxHeight: 700 - 14 });
    expect(at.top).toBeUndefined();
  });

  it('in a window too short for 120 px on either side, moves the card in so all of it shows', () => {
    for (const [top, vh] of [[100, 200], [20, 150], [120, 150]]) {
      const at = placeCard(badgeAt(top), 1200, vh);
      const from = at.top ?? vh - at.bottom! - at.maxHeight;
      expect(at.maxHeight).toBe(120);
      expect(from, `${top} in ${vh}`).toBeGreaterThanOrEqual(0);
      expect(from + at.maxHeight, `${top} in ${vh}`).toBeLessThanOrEqual(vh);
    }
  });

  it('in a short window, takes the side with more room and fits it (a window 400 px tall, the badge in the middle)', () => {
    const at = placeCard(badgeAt(180), 1200, 400);
    expect(at.top).toBe(200);
    expect(at.top! + at.maxHeight).toBeLessThanOrEqual(400);
  });
});

describe('touches and dates in the card', () => {
  it('files lead answers under the earliest campaign when the first touch names none', async () => {
    const card = makeCard();
    const organic = { id: 't0', email: 'ann@acme.io', channel: 'Organic Search', at: '2026-06-01', kind: 'first' as const, campaign: null, content: null };
    mount({}, vi.fn(), { ...card, touches: [organic, ...card.touches], firstTouch: organic });
    await click('Good lead');
    expect(actions.send).toHaveBeenCalledWith({ id: UUID, leadEmail: 'ann@acme.io', type: 'lead_quality', value: 'good', campaignId: 'cmp-q3' });
  });

  it('names a touch with no campaign by its channel, in the first touch and in the timeline', () => {
    const card = makeCard();
    const organic = { id: 't0', email: 'ann@acme.io', channel: 'Organic Search', at: '2026-06-01', kind: 'first' as const, campaign: null, content: null };
    const t2 = { ...card.touches[1], kind: 'latest' as const };
    mount({}, vi.fn(), { ...card, touches: [organic, card.touches[0], t2], firstTouch: organic, latestTouch: t2 });
    const first = root.querySelector('.touch')!;
    expect(first.querySelector('.touch-campaign')!.textContent).toBe('Organic Search');
    expect(first.textContent).not.toContain('Unknown campaign');
    // Not said twice: the channel is the headline, the date alone below it.
    expect(first.querySelector('.muted')!.textContent).toBe('Jun 1, 2026');
    const items = [...root.querySelectorAll('.timeline li')].map((li) => li.textContent);
    expect(items).toEqual(['Jun 1, 2026  · Organic Search', 'Jul 14, 2026 Q3 ROI webinar · Webinar · ROI calculator', 'Sep 1, 2026 Nurture <b>bold</b> · Email Marketing · <img src=x onerror=alert(1)>']);
  });

  it('shows a moment on the rep’s own calendar, and a date alone as it is written', async () => {
    const { shortDate } = await import('@/components/overlay/format');
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // 22:00 in New York on the 14th is the 15th in UTC.
      expect(shortDate('2026-07-15T02:00:00.000Z')).toBe('Jul 14, 2026');
      expect(shortDate('2026-07-15')).toBe('Jul 15, 2026');
      process.env.TZ = 'Asia/Tokyo';
      expect(shortDate('2026-07-15T20:00:00.000Z')).toBe('Jul 16, 2026');
      expect(shortDate('2026-07-15')).toBe('Jul 15, 2026');
    } finally {
      process.env.TZ = tz;
      if (tz === undefined) delete process.env.TZ;
    }
  });
});
