/**
 * Gmail (mail.google.com): thread list rows, an open thread's senders and recipients (collapsed
 * messages included), addresses in message bodies, and compose To/Cc/Bcc chips.
 *
 * Traps handled (each one has a fixture in tests/fixtures/pages/gmail-*.html):
 * - every thread list row repeats its sender spans in a visually hidden accessibility block
 *   (`div.afn`): those copies are skipped;
 * - the rep's own address is written `name="me"`: never a mention, reported by `ownEmails`;
 * - `span.go` repeats the sender's address as text beside the sender: skipped;
 * - avatars (`img.ajn`) carry `jid` / `data-hovercard-id`: never a mention;
 * - `data-hovercard-id` is sometimes a person id: only valid addresses count;
 * - collapsed messages still show their sender (badged) but not their recipients or body;
 * - whatever the rep is typing (compose body, the recipient input) is never read.
 */
import { normaliseEmail, parseAddressList, findEmails } from '../email';
import { BUILTIN_SITES } from './hosts';
import { defineAdapter, emailsAt, findMailto, findText, outermost, type FindContext } from './dom';

export const GMAIL_HOSTS = /* @__PURE__ */ BUILTIN_SITES.find((s) => s.id === 'gmail')!;

/** Every selector the Gmail adapter relies on. */
export const GMAIL_SELECTORS = {
  /**
   * People: thread list senders (`span.zF` / `span.yP`), thread senders (`span.gD`), recipients
   * (`span.g2`), old compose chips (`span.vN`). Spans only, so avatars (`img.ajn` with `jid` /
   * `data-hovercard-id`) never count; the address written again beside a sender (`span.go`)
   * and the rep (`name="me"`) are ruled out by `hidden` below.
   */
  person: 'span[email], span[data-hovercard-id]',
  /** The rep: `<span email="…" name="me">me</span>`. */
  me: '[name="me"]',
  /** Hidden accessibility copy of a thread list row's senders. */
  accessibilityCopy: 'afn',
  /** The sender's address written after the name in an open thread (`span.go`, a class). */
  addressBeside: 'go',
  /** A collapsed message (or the collapsed "older messages" bar) of a long thread. */
  collapsed: '.kv, .kQ, .kx',
  /** Parts of a message a collapsed message does not show: recipients and body. */
  collapsedHides: 'span.hb, div.ii, div.a3s',
  /** Message bodies. */
  body: 'div.a3s',
  bodyMailto: 'div.a3s a[href^="mailto:" i]',
  /** Compose recipient chips (current layout), and the field they belong to. */
  composeChip: ':is(div[name="to"], div[name="cc"], div[name="bcc"]) [role="option"][data-hovercard-id]',
  /** Compose recipient chips (older layout): `.vR` holding `span.vN[email]` and a hidden input `Name <a@b.com>`. */
  oldChip: '.vR',
  oldChipName: 'span.vN',
  oldChipInput: 'input[type="hidden"]:is([name="to"], [name="cc"], [name="bcc"])',
  /** The account button in the top bar: `aria-label="Google Account: Sam Ortiz (sam@seller.example)"`. */
  account: 'a[aria-label*="@"][href*="accounts.google.com"], [aria-label^="Google Account"][aria-label*="@"]',
} as const;
const S = GMAIL_SELECTORS;

/**
 * Hidden containers and copies that never count on their own: the `selector` says it, `test` does
 * the same with class and attribute reads (it runs for every ancestor of every candidate).
 */
const hidden = {
  // As a selector: `.afn, span.go, span[name="me"], :is(.kv, .kQ, .kx) :is(span.hb, div.ii, div.a3s)`.
  test(el: Element): boolean {
    const cls = el.classList;
    if (cls.length === 0) return el.localName === 'span' && el.getAttribute('name') === 'me';
    if (cls.contains(S.accessibilityCopy)) return true;
    const tag = el.localName;
    if (tag === 'span') {
      if (cls.contains(S.addressBeside) || el.getAttribute('name') === 'me') return true;
      if (!cls.contains('hb')) return false;
    } else if (tag !== 'div' || !(cls.contains('ii') || cls.contains('a3s'))) return false;
    return el.closest(S.collapsed) !== null;
  },
};

function personName(el: Element): string | null {
  const n = el.getAttribute('name') ?? el.getAttribute('data-name');
  if (n && n !== 'me' && !n.includes('@')) return n;
  const t = (el.textContent ?? '').trim();
  return t && !t.includes('@') ? t : null;
}

function findChips(ctx: FindContext): void {
  for (const chip of ctx.c.places(ctx.roots, S.composeChip)) {
    const email =
      normaliseEmail(chip.getAttribute('data-hovercard-id')) ??
      findEmails(`${chip.getAttribute('aria-label') ?? ''} ${chip.getAttribute('title') ?? ''} ${chip.textContent ?? ''}`)[0]?.email ??
      null;
    if (!email) continue;
    if (!ctx.c.candidates(email) || !ctx.vis.visible(chip)) continue;
    const name = chip.getAttribute('data-name');
    if (!ctx.c.add(email, name && !name.includes('@') ? name : null, chip)) return;
  }
  for (const chip of ctx.c.places(ctx.roots, S.oldChip)) {
    const span = chip.querySelector(S.oldChipName);
    if (span && normaliseEmail(span.getAttribute('email'))) continue; // a person span: found with the others
    const input = chip.querySelector(S.oldChipInput) as HTMLInputElement | null;
    const parsed = parseAddressList(input?.value)[0];
    if (!parsed) continue;
    const anchor = span ?? chip;
    if (!ctx.c.candidates(parsed.email) || !ctx.vis.visible(anchor)) continue;
    if (!ctx.c.add(parsed.email, parsed.name ?? personName(anchor), anchor)) return;
  }
}

function findPeople(ctx: FindContext): void {
  for (const el of ctx.c.places(ctx.roots, S.person)) {
    // The rep (`name="me"`) and the address beside a name (`span.go`) are ruled out by `hidden`.
    const email = normaliseEmail(el.getAttribute('email')) ?? normaliseEmail(el.getAttribute('data-hovercard-id'));
    if (!email) continue; // e.g. a person id in data-hovercard-id
    if (!ctx.c.candidates(email) || el.closest(S.composeChip) || !ctx.vis.visible(el)) continue;
    if (!ctx.c.add(email, personName(el), el)) return;
  }
}

function findBodies(ctx: FindContext & { root: ParentNode }): void {
  findMailto(ctx, S.bodyMailto);
  if (ctx.c.full) return;
  const rootEl = (ctx.root as Node).nodeType === 1 ? (ctx.root as Element) : null;
  const inside = rootEl?.closest(S.body);
  const bodies = inside ? [rootEl!] : outermost(ctx.c.query(ctx.roots, S.body).filter((b) => !ctx.vis.excluded(b)));
  findText(ctx, bodies);
}

/**
 * A thread's sender reads `Ann Lee <ann@acme.io>`: the name (`span.gD`, the mention) and then the
 * address written again (`span.go`). The badge goes after the address, at the end of what the
 * line says about that person, so the address does not move over when the badge goes in.
 */
function badgeAfter(anchor: Node): Node {
  const next = (anchor as Element).nextElementSibling;
  return next?.localName === 'span' && next.classList.contains(S.addressBeside) ? next : anchor;
}

export const gmail = defineAdapter({
  id: 'gmail',
  watchedAttributes: ['class', 'style', 'hidden', 'aria-hidden', 'email', 'data-hovercard-id'],
  hidden,
  badgeAfter,
  // An older compose chip's address is in its hidden input, beside the name it is badged after.
  carrier: (anchor) => (anchor as Element).closest?.(S.oldChip) ?? anchor,
  find(ctx) {
    findChips(ctx);
    if (!ctx.c.full) findPeople(ctx);
    if (!ctx.c.full) findBodies(ctx);
  },
  ownEmails(doc) {
    const own = emailsAt(doc, `span${S.me}[email]`, ['email']);
    for (const e of emailsAt(doc, S.account, ['aria-label'])) if (!own.includes(e)) own.push(e);
    // The tab title reads "Inbox (3) - sam@seller.example - Gmail": the last address is the account.
    const inTitle = findEmails(doc.title ?? '');
    const last = inTitle[inTitle.length - 1]?.email;
    if (last && !own.includes(last)) own.push(last);
    return own;
  },
});
