/**
 * The small button beside a lead's name or address. A page can hold a thousand of them, so each
 * is a few plain DOM nodes (no component render), with one listener per isolated event type.
 */
import type { Signal } from '@preact/signals-core';
import type { LeadSummary } from '@/utils/protocol';
import { openCard } from './store';

export function badgeLabel(lead: LeadSummary): string {
  return `Unison: campaign context for ${lead.name || lead.email}`;
}

/**
 * Events stopped inside the badge so the host page does not also act on them (Gmail would open
 * the thread of a row clicked, or run a keyboard shortcut).
 */
export const BADGE_EVENTS = ['click', 'dblclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'keydown', 'keyup', 'keypress'];

/**
 * Fills a badge's container with its button and keeps it in step with the lead's state.
 * Returns a function that detaches it.
 */
export function mountBadge(
  container: HTMLElement,
  lead: Signal<LeadSummary>,
  onOpen: (email: string, opener: HTMLElement) => void,
): () => void {
  const doc = container.ownerDocument;
  const button = doc.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-haspopup', 'dialog');
  const letter = doc.createElement('span');
  letter.setAttribute('aria-hidden', 'true');
  letter.textContent = 'U';
  const mark = doc.createElement('span');
  mark.className = 'mark';
  mark.setAttribute('aria-hidden', 'true');
  button.append(letter);
  container.append(button);

  const paint = () => {
    const l = lead.value;
    const label = badgeLabel(l);
    const quality = l.answers.lead_quality?.value;
    button.className = `badge${quality === 'good' ? ' good' : quality === 'poor_fit' ? ' poor' : ''}`;
    button.setAttribute('aria-label', label);
    button.title = l.firstCampaign ? `${label} (${l.firstCampaign})` : label;
    button.setAttribute('aria-expanded', openCard.value?.email === l.email ? 'true' : 'false');
    if (quality) button.append(mark);
    else mark.remove();
  };
  const stopLead = lead.subscribe(paint);
  const stopCard = openCard.subscribe(() => {
    const open = openCard.value?.email === lead.value.email ? 'true' : 'false';
    if (button.getAttribute('aria-expanded') !== open) button.setAttribute('aria-expanded', open);
  });

  const onEvent = (e: Event) => {
    e.stopPropagation();
    if (e.type === 'click') {
      e.preventDefault();
      onOpen(lead.value.email, button);
    } else if (e.type === 'keydown' && (e as KeyboardEvent).key === 'Escape' && openCard.value?.email === lead.value.email) {
      e.preventDefault();
      openCard.value = null;
    }
  };
  for (const type of BADGE_EVENTS) container.addEventListener(type, onEvent);
  return () => {
    stopLead();
    stopCard();
    for (const type of BADGE_EVENTS) container.removeEventListener(type, onEvent);
    button.remove();
  };
}
