/**
 * The small button beside a lead's name or address. A page can hold a thousand of them and a new
 * row of mail brings a few at a time, so each badge costs as little as possible: a custom element
 * with an open shadow root, one shared constructed style sheet, and a button. It holds no
 * listeners and no subscriptions of its own: one set of page-wide listeners handles the events
 * of every badge (`installBadgeEvents`), and one registry repaints the badges of a lead when its
 * answers change or its card opens (`paintLead`).
 */
import type { LeadSummary } from '@/utils/protocol';
import { adoptStyles } from './format';
import { onLeadChange, openCard } from './store';
import badgeCss from './badge.css?inline';

export const BADGE_TAG = 'unison-badge';

export function badgeLabel(lead: LeadSummary): string {
  return `Unison: campaign context for ${lead.name || lead.email}`;
}

/**
 * Events stopped at a badge so the host page does not also act on them (Gmail would open the
 * thread of a row clicked, or run a keyboard shortcut).
 */
export const BADGE_EVENTS = ['click', 'dblclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'keydown', 'keyup', 'keypress'];

/** The buttons of every badge on the page, by lead address. */
const buttons = new Map<string, Set<HTMLButtonElement>>();
let template: HTMLButtonElement | undefined;
let watching = false;

function span(doc: Document, cls: string, text = ''): HTMLSpanElement {
  const el = doc.createElement('span');
  el.className = cls;
  el.textContent = text;
  el.setAttribute('aria-hidden', 'true');
  return el;
}

function paint(button: HTMLButtonElement, lead: LeadSummary): void {
  const label = badgeLabel(lead);
  const quality = lead.answers.lead_quality?.value;
  button.className = `badge${quality === 'good' ? ' good' : quality === 'poor_fit' ? ' poor' : ''}`;
  button.setAttribute('aria-label', label);
  button.title = lead.firstCampaign ? `${label} (${lead.firstCampaign})` : label;
  // The answer's mark: `.good .mark` / `.poor .mark` in badge.css colour it.
  button.querySelector('.mark')?.remove();
  if (quality) button.append(span(button.ownerDocument, 'mark'));
}

function setExpanded(email: string | undefined, value: string): void {
  for (const b of buttons.get(email!) ?? []) b.setAttribute('aria-expanded', value);
}

/** One subscription for every badge: `aria-expanded` follows the open card; answers repaint. */
function watch(): void {
  if (watching) return;
  watching = true;
  onLeadChange(paintLead);
  let shown: string | undefined;
  openCard.subscribe((open) => {
    setExpanded(shown, 'false');
    setExpanded((shown = open?.email), 'true');
  });
}

/** Gives every badge on the page the dark look, or the light one (the page changed its theme). */
export function paintDark(dark: boolean): void {
  for (const set of buttons.values()) for (const b of set) ((b.getRootNode() as ShadowRoot).host as Element | undefined)?.toggleAttribute('data-dark', dark);
}

/** Repaints the badges of one lead (its name, first campaign or answers changed). */
export function paintLead(lead: LeadSummary): void {
  for (const b of buttons.get(lead.email) ?? []) paint(b, lead);
}

export interface BadgeElement {
  host: HTMLElement;
  button: HTMLButtonElement;
  /** Takes the badge off the page and out of the registry. */
  remove(): void;
}

/**
 * Makes a badge for `lead`, not yet in the page: `<unison-badge data-unison-email>` with an open
 * shadow root holding the button (`pending`: made before the lookup confirmed the lead).
 */
export function makeBadge(doc: Document, lead: LeadSummary, opts: { pending?: boolean; dark?: boolean } = {}): BadgeElement {
  watch();
  const host = doc.createElement(BADGE_TAG);
  host.setAttribute('data-unison-email', lead.email);
  if (opts.pending) host.setAttribute('data-unison-pending', '');
  if (opts.dark) host.setAttribute('data-dark', '');
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, badgeCss);
  if (template?.ownerDocument !== doc) {
    template = doc.createElement('button');
    template.append(span(doc, 'letter', 'U'));
    template.type = 'button';
    template.setAttribute('aria-haspopup', 'dialog');
  }
  const button = template.cloneNode(true) as HTMLButtonElement;
  paint(button, lead);
  button.setAttribute('aria-expanded', String(openCard.peek()?.email === lead.email));
  shadow.append(button);
  let set = buttons.get(lead.email);
  if (!set) buttons.set(lead.email, (set = new Set()));
  set.add(button);
  return {
    host,
    button,
    remove() {
      host.remove();
      // The lead's entry goes with its last badge (a second removal finds nothing to delete).
      if (set.delete(button) && !set.size) buttons.delete(lead.email);
      if (openCard.peek()?.opener === button) handOver(lead.email, button, set);
    },
  };
}

/**
 * How long the card of a badge the page took away waits for the lead to be badged again. Pages
 * often draw a contact anew (a re-render, a restyled row), and the engine badges the new mention
 * within a frame or an idle callback.
 */
export const HANDOVER_MS = 600;

/**
 * The card of a badge that left the page: it stays open, by the lead's new badge, when the lead is
 * badged anew meanwhile (focus then returns there); otherwise the contact left and the card goes,
 * whatever other mentions of the lead the page shows. `others`: the lead's badges left on the page.
 */
function handOver(email: string, gone: HTMLButtonElement, others: ReadonlySet<HTMLButtonElement>): void {
  const before = new Set(others);
  setTimeout(() => {
    const open = openCard.peek();
    if (open?.opener !== gone) return;
    const next = newestBadge(email, before);
    openCard.value = next ? { ...open, opener: next } : null;
  }, HANDOVER_MS);
}

/** The lead's newest badge on the page, leaving out those in `skip`. */
export function newestBadge(email: string, skip?: ReadonlySet<HTMLButtonElement>): HTMLButtonElement | undefined {
  return [...(buttons.get(email) ?? [])].reverse().find((b) => b.isConnected && !skip?.has(b));
}

/** The badge an event happened in (its button and lead address), from the event's composed path. */
function badgeOf(e: Event): [HTMLButtonElement, string] | null {
  for (const n of e.composedPath() as Element[]) {
    if (n.localName === BADGE_TAG && n.shadowRoot) {
      const email = n.getAttribute('data-unison-email') ?? '';
      const b = n.shadowRoot.querySelector('button');
      return b && buttons.get(email)?.has(b) ? [b, email] : null;
    }
  }
  return null;
}

/**
 * Listens, once for the whole page, for events in badges (at the window, before the page's own
 * listeners below it): stops them there, opens the card on a click and closes it on Escape.
 * Returns a function that removes the listeners.
 */
export function installBadgeEvents(win: Window, onOpen: (email: string, opener: HTMLElement) => void): () => void {
  const onEvent = (e: Event) => {
    const hit = badgeOf(e);
    if (!hit) return;
    const [button, email] = hit;
    // The page's own listeners, even those on the window, never see it.
    e.stopImmediatePropagation();
    if (e.type === 'click') {
      e.preventDefault();
      onOpen(email, button);
    } else if (e.type === 'keydown' && (e as KeyboardEvent).key === 'Escape' && openCard.value?.email === email) {
      e.preventDefault();
      openCard.value = null;
    }
  };
  const stop = new AbortController();
  for (const type of BADGE_EVENTS) win.addEventListener(type, onEvent, { capture: true, signal: stop.signal });
  return () => stop.abort();
}
