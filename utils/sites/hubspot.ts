/**
 * HubSpot (app.hubspot.com, app-eu1.hubspot.com): the contact record's email property, associated
 * contacts, and list views whose rows load as the user scrolls. Class names are styled-components
 * hashes, so this adapter reads `data-selenium-test` / `data-test-id` and roles only.
 *
 * Hidden tab content stays in the DOM: a `[role=tabpanel]` whose tab is not selected is skipped.
 */
import { findEmails } from '../email';
import { BUILTIN_SITES } from './hosts';
import { defineAdapter, emailOfElement, findText, textName, type FindContext } from './dom';

export const HUBSPOT_HOSTS = /* @__PURE__ */ BUILTIN_SITES.find((s) => s.id === 'hubspot')!;

/** Every selector the HubSpot adapter relies on. */
export const HUBSPOT_SELECTORS = {
  /** The record's email property (read mode): the address is in nested spans. */
  emailProperty: '[data-selenium-test="property-input-email"]',
  /** The record's name in the highlight card. */
  recordName: '[data-selenium-test="highlightTitle"]',
  /** An associated contact's card: its title link (name); the address is text in the card. */
  chickletLink: '[data-selenium-test="contact-chicklet-title-link"]',
  /** List view rows (added as the user scrolls), and the record link in a row. */
  listRow: 'tr[data-test-id^="row-"]',
  rowName: 'a[href*="/record/"]',
  /** Tabs and their panels. */
  tabPanel: 'tabpanel',
  tabFor: '[role="tab"][aria-controls]',
} as const;
const S = HUBSPOT_SELECTORS;

/** Tab panels whose tab is not selected (hidden tab content stays in the DOM). */
const hidden = {
  test(el: Element): boolean {
    if (el.getAttribute('role') !== S.tabPanel || !el.id) return false;
    for (const tab of el.ownerDocument.querySelectorAll(S.tabFor)) {
      if (tab.getAttribute('aria-controls')?.split(/\s+/).includes(el.id)) return tab.getAttribute('aria-selected') === 'false';
    }
    return false;
  },
};

function recordName(doc: Document): string | null {
  return textName(doc.querySelector(S.recordName));
}

/** The card around a chicklet link: the nearest ancestor with an address in its text, holding no other chicklet. */
function chickletCard(link: Element): { card: Element; email: string } | null {
  let box = link.parentElement;
  for (let i = 0; box && i < 5; i++, box = box.parentElement) {
    if (box.querySelectorAll(S.chickletLink).length > 1) return null;
    // Read text node by text node: the card's elements follow one another with no space between
    // them, so its whole text would run the name into the address.
    const email = emailOfElement(box, []);
    if (email) return { card: box, email };
  }
  return null;
}

/**
 * The title link of the contact card `root` is in, when `root` is a part of a card drawn later
 * (HubSpot fills the address in after the name): an ancestor, a few levels up, holding one link.
 */
function chickletAround(root: ParentNode): Element | null {
  const el = (root as Node).nodeType === 1 ? (root as Element) : null;
  // A few nodes at most (an address filled in), not a view drawn anew: its text is not read.
  if (!el || el.getElementsByTagName('*').length > 8 || !el.textContent?.includes('@') || el.querySelector(S.chickletLink)) return null;
  let box = el.parentElement;
  for (let i = 0; box && i < 5; i++, box = box.parentElement) {
    const links = box.querySelectorAll(S.chickletLink);
    if (links.length) return links.length === 1 ? links[0] : null;
  }
  return null;
}

function findChicklets(ctx: FindContext & { root: ParentNode }): void {
  const around = chickletAround(ctx.root);
  for (const link of around ? [around] : ctx.c.places(ctx.roots, S.chickletLink)) {
    const hit = chickletCard(link);
    if (!hit) continue;
    if (!ctx.c.candidates(hit.email) || !ctx.vis.visible(link)) continue;
    if (!ctx.c.add(hit.email, textName(link), link, hit.card)) return;
  }
}

function findProperties(ctx: FindContext & { root: ParentNode }): void {
  // HubSpot fills the property in after drawing it: what it adds inside is read in its property.
  const inside = (ctx.root as Element).closest?.(S.emailProperty);
  if (!inside && !ctx.c.query(ctx.roots, S.emailProperty).length) return;
  const name = recordName(ctx.doc);
  for (const prop of inside ? [inside] : ctx.c.places(ctx.roots, S.emailProperty)) {
    const walker = ctx.doc.createTreeWalker(prop, 4);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const found = findEmails((n as Text).data);
      if (!found.length) continue;
      const parent = n.parentElement;
      if (!ctx.c.candidates(found[0].email) || !parent || !ctx.vis.visible(n)) break;
      // The badge goes after the property's own child holding the address, outside the truncating spans.
      let anchor: Node = n;
      while (anchor.parentNode && anchor.parentNode !== prop) anchor = anchor.parentNode;
      if (!ctx.c.add(found[0].email, name, anchor, prop)) return;
      break;
    }
  }
}

function findRows(ctx: FindContext & { root: ParentNode }): void {
  const rootEl = (ctx.root as Node).nodeType === 1 ? (ctx.root as Element) : null;
  const inRow = rootEl?.closest(S.listRow);
  const rows = inRow ? [rootEl!] : ctx.c.query(ctx.roots, S.listRow).filter((r) => !ctx.vis.excluded(r));
  if (!rows.length) return;
  const nameFor = (el: Element): string | null => {
    const row = el.closest(S.listRow);
    return row ? textName(row.querySelector(S.rowName)) : null;
  };
  // The badge goes after the cell's own child holding the address, outside the truncating spans.
  const liftAnchor = (p: Element): Element | null => {
    const cell = p.closest('td');
    if (!cell || p === cell) return null;
    let a = p;
    while (a.parentElement && a.parentElement !== cell) a = a.parentElement;
    return a;
  };
  findText({ ...ctx, nameFor, liftAnchor }, rows);
}

export const hubspot = defineAdapter({
  id: 'hubspot',
  watchedAttributes: ['class', 'style', 'hidden', 'aria-hidden', 'aria-selected'],
  hidden,
  // A contact card's address is in the card, its badge after the name link.
  carrier: (anchor) => ((anchor as Element).matches?.(S.chickletLink) && chickletCard(anchor as Element)?.card) || anchor,
  find(ctx) {
    findProperties(ctx);
    if (!ctx.c.full) findChicklets(ctx);
    if (!ctx.c.full) findRows(ctx);
  },
});
