/**
 * Pipedrive (*.pipedrive.com): person, lead and deal pages and lists. Class names are hashed; hooks
 * are `data-testid` attributes. Emails show as mailto links, or as text in the person's detail
 * fields.
 */
import { BUILTIN_SITES } from './hosts';
import { defineAdapter, findMailto, findText, outermost, textName } from './dom';

export const PIPEDRIVE_HOSTS = /* @__PURE__ */ BUILTIN_SITES.find((s) => s.id === 'pipedrive')!;

/** Every selector the Pipedrive adapter relies on. */
export const PIPEDRIVE_SELECTORS = {
  mailto: 'a[href^="mailto:" i]',
  /** Detail fields whose test id names an email (`email-field`, `person-email`, …). */
  emailField: '[data-testid*="email" i]',
  /** The person's name on a person page (on a deal or lead page the title is the deal's). */
  detailName: '[data-testid="header-title"]',
  /** A person's name in a block of a deal or lead page (its sidebar). */
  personName: '[data-testid="person-name"]',
  /** A list row and its name link. */
  row: '[data-testid="grid-row"], [role="row"]',
  rowName: 'a[href*="/person/"]',
} as const;
const S = PIPEDRIVE_SELECTORS;

function nameFor(el: Element): string | null {
  const row = el.closest(S.row);
  if (row) return textName(row.querySelector(S.rowName));
  // The person's block around the address (a deal's or a lead's sidebar), a few levels up, as
  // long as it holds no other address.
  let box = el.parentElement;
  for (let i = 0; box && i < 4; i++, box = box.parentElement) {
    if (outermost([...box.querySelectorAll(S.emailField)]).length > 1 || box.querySelectorAll(S.mailto).length > 1) break;
    const person = box.querySelector(S.personName);
    if (person) return textName(person);
  }
  // On a person page the title is the person's name; on a deal or lead page it is the deal's.
  return el.ownerDocument.location?.pathname.startsWith('/person/') ? textName(el.ownerDocument.querySelector(S.detailName)) : null;
}

export const pipedrive = defineAdapter({
  id: 'pipedrive',
  watchedAttributes: ['class', 'style', 'hidden', 'aria-hidden', 'href'],
  find(ctx) {
    const c = { ...ctx, nameFor };
    findMailto(c, S.mailto);
    if (ctx.c.full) return;
    const rootEl = (ctx.root as Node).nodeType === 1 ? (ctx.root as Element) : null;
    const inside = rootEl?.closest(S.emailField);
    const fields = inside ? [rootEl!] : ctx.c.query(ctx.roots, S.emailField);
    // Nested fields (a field inside a field) are walked once, from the outermost.
    const outer = outermost(fields);
    if (outer.length) findText(c, outer);
  },
});
