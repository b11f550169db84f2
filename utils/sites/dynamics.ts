/**
 * Dynamics 365 (*.crm.dynamics.com, *.crm4.dynamics.com, …): on contact and lead forms the email is
 * the value of an input, not text (`input[data-id="emailaddress1.fieldControl-mail-text-input"]`,
 * also `emailaddress2` and `emailaddress3`); grids show mailto links. An input the rep is editing
 * (it has focus) is not read.
 */
import { BUILTIN_SITES } from './hosts';
import { defineAdapter, findInputs, findMailto, textName } from './dom';

export const DYNAMICS_HOSTS = /* @__PURE__ */ BUILTIN_SITES.find((s) => s.id === 'dynamics')!;

/** Every selector the Dynamics adapter relies on. */
export const DYNAMICS_SELECTORS = {
  emailInput: [1, 2, 3].map((n) => `input[data-id="emailaddress${n}.fieldControl-mail-text-input"]`).join(', '),
  /** The record's name in the form header. */
  recordName: 'h1[data-id="header_title"]',
  mailto: 'a[href^="mailto:" i]',
  /** A grid row, and its primary name cell. */
  row: '[role="row"]',
  rowName: '[role="gridcell"] a[aria-label]:not([href^="mailto:" i]), [role="gridcell"] a:not([href^="mailto:" i])',
} as const;
const S = DYNAMICS_SELECTORS;

export const dynamics = defineAdapter({
  id: 'dynamics',
  watchedAttributes: ['value', 'class', 'style', 'hidden', 'aria-hidden'],
  find(ctx) {
    const name = textName(ctx.doc.querySelector(S.recordName));
    findInputs({ ...ctx, nameFor: () => name }, S.emailInput);
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
