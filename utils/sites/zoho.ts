/**
 * Zoho CRM (crm.zoho.com, .eu, .in, .com.au, .jp, zohocloud.ca): the detail view of a contact or
 * lead (`/crm/ORG/tab/Contacts/ID`) shows the email as `a#subvalue_EMAIL` (a secondary one as
 * `#subvalue_SECONDARYEMAIL`); list views show mailto links.
 */
import { BUILTIN_SITES } from './hosts';
import { defineAdapter, emailOfElement, findMailto, textName, type FindContext } from './dom';

export const ZOHO_HOSTS = /* @__PURE__ */ BUILTIN_SITES.find((s) => s.id === 'zoho')!;

/** Every selector the Zoho adapter relies on. */
export const ZOHO_SELECTORS = {
  detailEmail: '#subvalue_EMAIL, #subvalue_SECONDARYEMAIL',
  /** The name in the detail header. */
  fullName: '#headervalue_FULLNAME',
  nameParts: '#headervalue_FIRSTNAME, #headervalue_LASTNAME',
  mailto: 'a[href^="mailto:" i]',
  /** A list row and its name link. */
  row: 'tr, [role="row"]',
  rowName: 'a[href*="/tab/"]',
} as const;
const S = ZOHO_SELECTORS;

function detailName(doc: Document): string | null {
  const full = textName(doc.querySelector(S.fullName));
  if (full) return full;
  const parts = [...doc.querySelectorAll(S.nameParts)].map((el) => textName(el)).filter((t): t is string => !!t);
  return parts.length ? parts.join(' ') : null;
}

function findDetail(ctx: FindContext): void {
  const name = detailName(ctx.doc);
  for (const el of ctx.c.places(ctx.roots, S.detailEmail)) {
    const email = emailOfElement(el, ['href']);
    if (!email) continue;
    if (!ctx.c.candidates(email) || !ctx.vis.visible(el)) continue;
    if (!ctx.c.add(email, name, el)) return;
  }
}

export const zoho = defineAdapter({
  id: 'zoho',
  watchedAttributes: ['class', 'style', 'hidden', 'aria-hidden', 'href'],
  find(ctx) {
    findDetail(ctx);
    if (ctx.c.full) return;
    findMailto(
      {
        ...ctx,
        nameFor: (el) => {
          const row = el.closest(S.row);
          return row ? textName(row.querySelector(S.rowName)) : textName(el);
        },
      },
      S.mailto,
    );
  },
});
