/**
 * Outlook on the web (outlook.office.com, outlook.live.com, outlook.office365.com): the message
 * list and the reading pane. Class names there are build hashes, so this adapter reads `title`,
 * `aria-label`, roles, `data-*` and text only.
 *
 * - Message list rows carry the sender's address in a `title` (`<span title="ann@acme.io">Ann Lee</span>`).
 * - The reading pane writes people as `Ann Lee<ann@acme.io>` text or as `span[title]`, often inside
 *   a button whose `aria-label` holds the address too: one mention per person (the badge goes after
 *   the button).
 * - Bodies hold mailto links and plain-text addresses.
 * - Whatever the rep types (reply body, recipient input) is never read.
 */
import { BUILTIN_SITES } from './hosts';
import { defineAdapter, emailsAt, findLabelled, findMailto, findText, outermost, type FindContext } from './dom';

export const OUTLOOK_HOSTS = /* @__PURE__ */ BUILTIN_SITES.find((s) => s.id === 'outlook')!;

/** Every selector the Outlook adapter relies on. */
export const OUTLOOK_SELECTORS = {
  /** Where contacts are read: the message list and the reading pane (conversation). */
  scope: '[data-app-section="MessageList"], #ReadingPaneContainerId, [data-app-section="ConversationContainer"]',
  /** Rows of the message list. */
  row: '[data-app-section="MessageList"] [role="option"][data-convid]',
  /** Elements carrying an address in an attribute, within the scope. */
  labelled:
    ':is([data-app-section="MessageList"], #ReadingPaneContainerId, [data-app-section="ConversationContainer"]) :is([title*="@"], [aria-label*="@"])',
  mailto: ':is([data-app-section="MessageList"], #ReadingPaneContainerId, [data-app-section="ConversationContainer"]) a[href^="mailto:" i]',
  /** Message bodies, and the subject heading (never a mention). */
  body: 'div[role="document"], [id^="UniqueMessageBody"]',
  subject: '[role="heading"][title]',
  /** The account manager ("me control") showing the rep's address. */
  account: '#mectrl_currentAccount_secondary, #mectrl_currentAccount_primary',
  accountLabelled: '#O365_MainLink_Me[aria-label*="@"], #mectrl_main_trigger[aria-label*="@"]',
} as const;
const S = OUTLOOK_SELECTORS;

function scopesOf(ctx: FindContext & { root: ParentNode }): Element[] {
  const rootEl = (ctx.root as Node).nodeType === 1 ? (ctx.root as Element) : null;
  const inside = rootEl?.closest(S.scope);
  if (inside) return [rootEl!];
  // Outermost scopes only (the conversation container sits inside the reading pane).
  return outermost(ctx.c.query(ctx.roots, S.scope));
}

export const outlook = defineAdapter({
  id: 'outlook',
  watchedAttributes: ['class', 'style', 'hidden', 'aria-hidden', 'title', 'aria-label', 'aria-expanded'],
  // The subject heading repeats what the message says; it is never a mention.
  hidden: { selector: S.subject },
  find(ctx) {
    findLabelled(ctx, S.labelled);
    if (!ctx.c.full) findMailto(ctx, S.mailto);
    if (!ctx.c.full) findText(ctx, scopesOf(ctx));
  },
  ownEmails(doc) {
    const own = emailsAt(doc, S.account, []);
    for (const e of emailsAt(doc, S.accountLabelled, ['aria-label'])) if (!own.includes(e)) own.push(e);
    return own;
  },
});
