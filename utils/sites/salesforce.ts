/**
 * Salesforce Lightning (*.lightning.force.com, *.my.salesforce.com): lead and contact record
 * pages, list views and related lists.
 *
 * - Emails render as `lightning-formatted-email` (a mailto link, or text when the address cannot
 *   be mailed) and as mailto links in table cells.
 * - Lightning keeps earlier pages in the DOM, hidden: inside `.lafSinglePaneWindowManager` only the
 *   view with class `active` (`div.windowViewMode-normal.active`) counts.
 * - Components use synthetic shadow DOM (ordinary DOM with `<slot>` tags, seen by plain queries)
 *   and sometimes native shadow roots: open ones are walked too.
 */
import { BUILTIN_SITES } from './hosts';
import { closestDeep, defineAdapter, findMailto, findText, textName } from './dom';

export const SALESFORCE_HOSTS = /* @__PURE__ */ BUILTIN_SITES.find((s) => s.id === 'salesforce')!;

/** Every selector the Salesforce adapter relies on. */
export const SALESFORCE_SELECTORS = {
  /** The window manager holding the current view and the stale ones. */
  windowManager: '.lafSinglePaneWindowManager',
  /** A view: `windowViewMode-normal` (also `-maximized`, …); the current one has class `active`. */
  view: '[class*="windowViewMode-"]',
  activeClass: 'active',
  /** Email fields and cells. */
  email: 'lightning-formatted-email',
  mailto: 'a[href^="mailto:" i]',
  /** A table row (list views, related lists) and its name cell. */
  row: 'tr',
  rowName: 'th[scope="row"] a, th a, td[data-label="Name"] a, td:first-child a',
  /** A record page, and its name in the highlights panel. */
  recordPage: 'records-lwc-highlights-panel, records-record-layout-item, force-record-layout-item, .forcePageBlockItemView, records-record-layout-section, records-highlights2',
  recordName: 'records-lwc-highlights-panel lightning-formatted-name, records-highlights2 lightning-formatted-name, lightning-formatted-name',
} as const;
const S = SALESFORCE_SELECTORS;

/** Stale views: every view of the window manager but the active one. */
const hidden = {
  // As a selector: `.lafSinglePaneWindowManager [class*="windowViewMode-"]:not(.active)`.
  // Class reads first (this runs for every ancestor of every candidate), the selector last.
  test: (el: Element): boolean => {
    const cls = el.getAttribute('class');
    return cls !== null && cls.includes('windowViewMode-') && !el.classList.contains(S.activeClass) && el.matches(S.view) && el.closest(S.windowManager) !== null;
  },
};

function nameFor(el: Element, _email: string): string | null {
  const row = closestDeep(el, S.row);
  if (row) {
    const link = row.querySelector(S.rowName);
    return link ? (link.getAttribute('title') || textName(link)) : null;
  }
  if (closestDeep(el, S.recordPage)) {
    const scope = closestDeep(el, S.view) ?? el.ownerDocument;
    return textName(scope.querySelector(S.recordName));
  }
  return null;
}

export const salesforce = defineAdapter({
  id: 'salesforce',
  watchedAttributes: ['class', 'style', 'hidden', 'aria-hidden'],
  deep: true,
  hidden,
  find(ctx) {
    const c = { ...ctx, nameFor };
    findMailto(c, S.mailto);
    if (ctx.c.full) return;
    // Addresses shown as text (no link) in email fields: in the field, or in its open shadow root
    // (native shadow mode).
    const plain: Element[] = [];
    // A change inside a field's own shadow root (a value saved in place): that field.
    const host = ((ctx.root as Node).getRootNode() as ShadowRoot).host;
    const fields = host?.matches(S.email) ? [host] : ctx.c.query(ctx.roots, S.email);
    for (const el of fields) {
      const holder = el.shadowRoot?.mode === 'open' ? el.shadowRoot : el;
      if (!holder.querySelector(S.mailto)) plain.push(holder as Element);
    }
    if (plain.length) findText(c, plain);
  },
});
