import { signal } from '@preact/signals-core';
import { describe, expect, it, vi } from 'vitest';
import { mountBadge } from '@/components/overlay/Badge';
import { openCard } from '@/components/overlay/store';
import type { LeadSummary } from '@/utils/protocol';

const ann: LeadSummary = { email: 'ann@acme.io', name: 'Ann Lee', company: 'Acme', firstCampaign: 'Q3 ROI webinar', answers: {} };

describe('the badge', () => {
  it('is a button named "Unison: …" that opens the card and keeps the page from seeing the click', () => {
    const row = document.createElement('div');
    const container = document.createElement('div');
    row.append(container);
    document.body.append(row);
    const pageClick = vi.fn();
    row.addEventListener('click', pageClick);
    const onOpen = vi.fn();
    const lead = signal(ann);
    const unmount = mountBadge(container, lead, onOpen);
    const button = container.querySelector('button')!;
    expect(button.getAttribute('aria-label')).toBe('Unison: campaign context for Ann Lee');
    expect(button.title).toContain('Q3 ROI webinar');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.click();
    expect(onOpen).toHaveBeenCalledWith('ann@acme.io', button);
    expect(pageClick).not.toHaveBeenCalled();

    // An answer shows as a mark; the card state as aria-expanded.
    lead.value = { ...ann, answers: { lead_quality: { id: 'x', value: 'good', reason: null, note: null, contentId: null, createdAt: '', synced: false } } };
    expect(button.className).toContain('good');
    expect(button.querySelector('.mark')).not.toBeNull();
    openCard.value = { email: 'ann@acme.io', opener: button, rect: { top: 0, left: 0, bottom: 0, right: 0 } };
    expect(button.getAttribute('aria-expanded')).toBe('true');
    container.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(openCard.value).toBeNull();

    unmount();
    expect(container.querySelector('button')).toBeNull();
    lead.value = { ...ann, name: 'Changed' };
    row.remove();
  });

  it('names a lead without a name by address', () => {
    const container = document.createElement('div');
    mountBadge(container, signal({ ...ann, name: null }), () => undefined);
    expect(container.querySelector('button')!.getAttribute('aria-label')).toBe('Unison: campaign context for ann@acme.io');
  });
});
