import { afterEach, describe, expect, it, vi } from 'vitest';
import { HANDOVER_MS, installBadgeEvents, makeBadge, paintLead } from '@/components/overlay/Badge';
import { openCard, setLead } from '@/components/overlay/store';
import type { LeadSummary } from '@/utils/protocol';

const ann: LeadSummary = { email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', firstCampaign: 'Q3 ROI webinar', answers: {} };
const good = { lead_quality: { id: 'x', value: 'good', reason: null, note: null, contentId: null, createdAt: '', synced: false } } as LeadSummary['answers'];

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  openCard.value = null;
  document.body.replaceChildren();
});

function rowWithBadge(lead: LeadSummary) {
  const row = document.createElement('div');
  document.body.append(row);
  const badge = makeBadge(document, lead);
  row.append(badge.host);
  cleanups.push(() => badge.remove());
  return { row, badge };
}

describe('the badge', () => {
  it('is <unison-badge data-unison-email> with an open shadow root holding a button named "Unison: …"', () => {
    const { badge } = rowWithBadge(ann);
    expect(badge.host.localName).toBe('unison-badge');
    expect(badge.host.getAttribute('data-unison-email')).toBe('ann@acme.io');
    expect(badge.host.shadowRoot).not.toBeNull();
    const button = badge.host.shadowRoot!.querySelector('button')!;
    expect(button).toBe(badge.button);
    expect(button.type).toBe('button');
    expect(button.getAttribute('aria-label')).toBe('Unison: campaign context for Ann Lee');
    expect(button.getAttribute('aria-haspopup')).toBe('dialog');
    expect(button.title).toContain('Q3 ROI webinar');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    // Lead data is text, never markup.
    const evil = makeBadge(document, { ...ann, email: 'x@acme.io', name: '<img src=x onerror=alert(1)>' });
    expect(evil.button.querySelector('img')).toBeNull();
    expect(evil.button.getAttribute('aria-label')).toBe('Unison: campaign context for <img src=x onerror=alert(1)>');
  });

  it('opens the card on a click and keeps the page, even its window listeners, from seeing it', () => {
    const onOpen = vi.fn();
    cleanups.push(installBadgeEvents(window, onOpen));
    const { row, badge } = rowWithBadge(ann);
    const pageClick = vi.fn();
    const pageKey = vi.fn();
    row.addEventListener('click', pageClick);
    document.addEventListener('click', pageClick, true);
    window.addEventListener('click', pageClick, true);
    window.addEventListener('keydown', pageKey);
    cleanups.push(() => {
      document.removeEventListener('click', pageClick, true);
      window.removeEventListener('click', pageClick, true);
      window.removeEventListener('keydown', pageKey);
    });
    badge.button.click();
    expect(onOpen).toHaveBeenCalledWith('ann@acme.io', badge.button);
    expect(pageClick).not.toHaveBeenCalled();

    // Escape on the badge closes its open card; other keys are kept from the page too.
    openCard.value = { email: 'ann@acme.io', opener: badge.button, rect: { top: 0, left: 0, bottom: 0, right: 0 } };
    badge.button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect(openCard.value).toBeNull();
    badge.button.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true, composed: true }));
    expect(pageKey).not.toHaveBeenCalled();

    // Clicks elsewhere reach the page as before.
    row.click();
    expect(pageClick).toHaveBeenCalled();
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('leaves alone an element that only looks like a badge (made by the page)', () => {
    const onOpen = vi.fn();
    cleanups.push(installBadgeEvents(window, onOpen));
    const fake = document.createElement('unison-badge');
    fake.setAttribute('data-unison-email', 'ann@acme.io');
    const inner = document.createElement('button');
    fake.attachShadow({ mode: 'open' }).append(inner);
    document.body.append(fake);
    const pageClick = vi.fn();
    document.addEventListener('click', pageClick);
    cleanups.push(() => document.removeEventListener('click', pageClick));
    inner.click();
    expect(onOpen).not.toHaveBeenCalled();
    expect(pageClick).toHaveBeenCalled();
  });

  it('follows the lead: answers show as a mark on every badge of the lead, the open card as aria-expanded', () => {
    const one = rowWithBadge(ann).badge;
    const two = rowWithBadge(ann).badge;
    const other = rowWithBadge({ ...ann, email: 'raj@globex.com', name: 'Raj' }).badge;
    setLead({ ...ann, answers: good });
    for (const b of [one, two]) {
      expect(b.button.className).toContain('good');
      expect(b.button.querySelector('.mark')).not.toBeNull();
    }
    expect(other.button.querySelector('.mark')).toBeNull();
    paintLead({ ...ann, answers: {} });
    expect(one.button.querySelector('.mark')).toBeNull();

    openCard.value = { email: 'ann@acme.io', opener: one.button, rect: { top: 0, left: 0, bottom: 0, right: 0 } };
    expect([one, two, other].map((b) => b.button.getAttribute('aria-expanded'))).toEqual(['true', 'true', 'false']);
    // A badge made while the card is open shows it too.
    expect(rowWithBadge(ann).badge.button.getAttribute('aria-expanded')).toBe('true');
    openCard.value = { email: 'raj@globex.com', opener: other.button, rect: { top: 0, left: 0, bottom: 0, right: 0 } };
    expect([one, two, other].map((b) => b.button.getAttribute('aria-expanded'))).toEqual(['false', 'false', 'true']);

    // A removed badge leaves the page and is no longer painted.
    one.remove();
    expect(one.host.isConnected).toBe(false);
    setLead({ ...ann, answers: good });
    expect(one.button.querySelector('.mark')).toBeNull();
    expect(two.button.querySelector('.mark')).not.toBeNull();

    // Every badge of a lead gone (one of them removed twice): a new one is still painted.
    two.remove();
    one.remove();
    const again = rowWithBadge({ ...ann, answers: {} }).badge;
    one.remove();
    setLead({ ...ann, answers: good });
    expect(again.button.querySelector('.mark')).not.toBeNull();
  });

  it('closes the card it opened when it leaves the page (the contact went), and no other card', () => {
    vi.useFakeTimers();
    try {
      const { badge } = rowWithBadge(ann);
      const other = rowWithBadge({ ...ann, email: 'raj.patel@globex.com', name: 'Raj Patel' });
      openCard.value = { email: ann.email, opener: badge.button, rect: { top: 0, left: 0, bottom: 0, right: 0 } };
      other.badge.remove();
      vi.advanceTimersByTime(HANDOVER_MS);
      expect(openCard.value?.email).toBe(ann.email);
      badge.remove();
      vi.advanceTimersByTime(HANDOVER_MS);
      expect(openCard.value).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('hands the card to the badge made anew, not to another mention of the lead; with none made, it closes', () => {
    vi.useFakeTimers();
    try {
      const elsewhere = rowWithBadge(ann);
      const { badge } = rowWithBadge(ann);
      openCard.value = { email: ann.email, opener: badge.button, rect: { top: 0, left: 0, bottom: 0, right: 0 } };
      badge.remove();
      const again = rowWithBadge(ann);
      vi.advanceTimersByTime(HANDOVER_MS);
      expect(openCard.value?.opener).toBe(again.badge.button);
      // That row leaves the page for good: the card goes, though Ann is still shown elsewhere.
      again.badge.remove();
      vi.advanceTimersByTime(HANDOVER_MS);
      expect(openCard.value).toBeNull();
      expect(elsewhere.badge.host.isConnected).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps its card open, by the new badge, when the page draws the contact again at once', () => {
    vi.useFakeTimers();
    try {
      const { badge } = rowWithBadge(ann);
      const open = { email: ann.email, opener: badge.button, rect: { top: 1, left: 2, bottom: 3, right: 4 } };
      openCard.value = open;
      // A re-render: the old badge goes, the engine badges the contact drawn anew.
      badge.remove();
      const again = rowWithBadge(ann);
      vi.advanceTimersByTime(HANDOVER_MS);
      expect(openCard.value).toEqual({ ...open, opener: again.badge.button });
      expect(again.badge.button.getAttribute('aria-expanded')).toBe('true');
    } finally {
      vi.useRealTimers();
    }
  });

  it('names a lead without a name by address, and can start pending and dark', () => {
    const b = makeBadge(document, { ...ann, name: null }, { pending: true, dark: true });
    cleanups.push(() => b.remove());
    expect(b.button.getAttribute('aria-label')).toBe('Unison: campaign context for ann@acme.io');
    expect(b.host.hasAttribute('data-unison-pending')).toBe(true);
    expect(b.host.hasAttribute('data-dark')).toBe(true);
  });
});

/** Two spans side by side in a paragraph of the page: places for badges to go after. */
function twoPlaces(): [HTMLSpanElement, HTMLSpanElement] {
  const row = document.createElement('p');
  const a = document.createElement('span');
  const b = document.createElement('span');
  row.append(a, b);
  document.body.append(row);
  return [a, b];
}

describe('badges made by the content script', () => {
  it('follow a theme switch, those made on a dark page back to light too', async () => {
    // A fresh content script on a page that is dark from the start.
    vi.resetModules();
    document.body.style.background = 'rgb(31, 31, 31)';
    const { createBadge } = await import('@/components/overlay/start');
    const [a, b] = twoPlaces();
    const dark = () => [...document.querySelectorAll('unison-badge')].map((h) => h.hasAttribute('data-dark'));
    try {
      const first = createBadge(a, ann);
      cleanups.push(() => first.remove());
      expect(dark()).toEqual([true]);
      // The rep switches to a light theme: the badge follows, and a new one comes light.
      document.body.style.background = '';
      await new Promise((r) => setTimeout(r, 600));
      expect(dark()).toEqual([false]);
      const second = createBadge(b, ann);
      cleanups.push(() => second.remove());
      expect(dark()).toEqual([false, false]);
      // And dark again.
      document.body.style.background = 'rgb(31, 31, 31)';
      await new Promise((r) => setTimeout(r, 600));
      expect(dark()).toEqual([true, true]);
    } finally {
      document.body.style.background = '';
    }
  });

  it('take the newest answer for a lead, and repaint its other badges; a pending one keeps what is known', async () => {
    const { createBadge } = await import('@/components/overlay/start');
    const { getLeadSignal } = await import('@/components/overlay/store');
    const [a, b] = twoPlaces();
    const first = createBadge(a, ann);
    cleanups.push(() => first.remove());
    const title = (h: Element) => h.shadowRoot!.querySelector('button')!.title;
    expect(title(first.host)).toBe('Unison: campaign context for Ann Lee (Q3 ROI webinar)');
    // New campaign data renamed her and changed her first campaign: a new badge comes with that.
    const renamed: LeadSummary = { ...ann, name: 'Ann Lee-Park', firstCampaign: 'Spring launch' };
    const second = createBadge(b, renamed);
    cleanups.push(() => second.remove());
    expect(getLeadSignal('ann@acme.io')!.value).toBe(renamed);
    for (const h of [first.host, second.host]) expect(title(h)).toBe('Unison: campaign context for Ann Lee-Park (Spring launch)');
    // A badge made on the digest's word has only the page's name: what is known stays.
    const pending = createBadge(a, { email: 'ann@acme.io', name: 'Ann', company: null, firstCampaign: null, answers: {} }, true);
    cleanups.push(() => pending.remove());
    expect(getLeadSignal('ann@acme.io')!.value).toBe(renamed);
    expect(title(pending.host)).toBe('Unison: campaign context for Ann Lee-Park (Spring launch)');
  });
});
