/**
 * Any other page (CRM domains the rep adds on the options page): mailto links, elements whose
 * `title` or `aria-label` holds an address, `input[type=email]` values, and addresses in text.
 * Open shadow roots are walked too. Editable regions and code are never read.
 */
import { defineAdapter, findInputs, findLabelled, findMailto, findText } from './dom';

/** Every selector the generic adapter relies on. */
export const GENERIC_SELECTORS = {
  mailto: 'a[href^="mailto:" i]',
  labelled: '[title*="@"], [aria-label*="@"]',
  input: 'input[type="email" i]',
} as const;
const S = GENERIC_SELECTORS;

export const generic = defineAdapter({
  id: 'custom',
  watchedAttributes: ['class', 'style', 'hidden', 'aria-hidden', 'href', 'title', 'aria-label', 'value'],
  deep: true,
  find(ctx) {
    findMailto(ctx, S.mailto);
    if (!ctx.c.full) findLabelled(ctx, S.labelled);
    if (!ctx.c.full) findInputs(ctx, S.input);
    if (!ctx.c.full) findText(ctx);
  },
});
