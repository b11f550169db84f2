/**
 * What every site adapter shares: walking the page (open shadow roots included), telling hidden
 * from visible, de-duplicating mentions, and the generic finders (mailto links, `title` /
 * `aria-label`, `input[type=email]`, addresses in text).
 *
 * Speed: one `querySelectorAll` per selector per root, visibility work only on candidates, and
 * ancestor checks memoised per scan (attribute reads, no selector matching), so a list of
 * thousands of rows scans in a few milliseconds. `Element.checkVisibility()` (which Chromium has,
 * and which reads computed style) is called once per candidate that passed the cheap checks.
 */
import { findEmails, firstEmail, mailtoAddresses, nameBefore, normaliseEmail, parseAddress } from '../email';
import { decodeOrKeep } from '../uri';
import type { SiteId } from './hosts';
import type { Mention, ScanClaims, ScanOptions, ScanResult, SiteAdapter } from './types';

const ELEMENT = 1;
const TEXT = 3;
const FRAGMENT = 11;
const SHOW_ELEMENT = 1;
const SHOW_TEXT = 4;

/** Whatever the user may be typing into, as a selector (for `closest` outside scans). */
export const EDITABLE = '[contenteditable]:not([contenteditable="false"]), [role="textbox"], textarea, input:not([type="hidden"]), select';
/** Never text: code, styles, metadata, and Unison's own badges and card. */
export const NOT_TEXT = 'script, style, noscript, template, title, head, svg, [data-unison-email], [data-unison-ui]';
const NOT_TEXT_TAGS = new Set(['script', 'style', 'noscript', 'template', 'title', 'head', 'svg', 'textarea', 'select', 'input']);
/** Where a found address makes its container the thing to put a badge after (no badge inside a link or button). */
export const INTERACTIVE = 'a[href], button, [role="button"], [role="link"]';
/** Pictures of a person (avatars) carry addresses too, but are never a mention. */
export const AVATAR = 'img,picture,svg,[role=img],[role=presentation]';
/** Big containers whose `title` / `aria-label` may name an address but which are no mention themselves. */
const CONTAINER_ROLES = new Set(['main', 'region', 'dialog', 'alertdialog', 'list', 'listbox', 'grid', 'treegrid', 'row', 'option', 'tabpanel', 'document', 'article', 'navigation', 'complementary', 'log', 'tree', 'feed', 'application', 'table', 'rowgroup', 'menu']);
const CONTAINER_TAGS = new Set(['html', 'body', 'main', 'section', 'article', 'form', 'table', 'thead', 'tbody', 'tr', 'ul', 'ol', 'iframe', 'frame', 'video', 'aside', 'nav', 'header', 'footer']);

/** The parent element of a node, crossing from a shadow root to its host. */
export function parentOf(node: Node): Element | null {
  const p = node.parentNode;
  if (!p) return null;
  if (p.nodeType === ELEMENT) return p as Element;
  if (p.nodeType === FRAGMENT) return (p as ShadowRoot).host ?? null;
  return null;
}

/** `closest` that continues past shadow roots into their hosts. */
export function closestDeep(el: Element | null, selector: string): Element | null {
  let cur: Element | null = el;
  while (cur) {
    const hit = cur.closest(selector);
    if (hit) return hit;
    const root = cur.getRootNode() as Node;
    cur = root.nodeType === FRAGMENT ? ((root as ShadowRoot).host ?? null) : null;
  }
  return null;
}

/** Whether a node is attached to `doc` (through shadow roots too). */
export function isConnectedTo(node: Node, doc: Document): boolean {
  return node.isConnected && node.ownerDocument === doc;
}

const HIDING_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b/i;

/** Hidden by its own attributes: `hidden`, `aria-hidden="true"`, inline `display:none` / `visibility:hidden`, `input[type=hidden]`. */
export function hiddenByAttributes(el: Element): boolean {
  if (!el.hasAttributes()) return false;
  if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return true;
  const style = el.getAttribute('style');
  if (style && HIDING_STYLE.test(style)) return true;
  return el.localName === 'input' && (el as HTMLInputElement).type === 'hidden';
}

/**
 * What the user may be typing into (editable regions, `textarea`, `input`, `select`), code and
 * metadata, and Unison's own UI: never read. The element test behind `EDITABLE` and `NOT_TEXT`.
 */
export function untouchable(el: Element): boolean {
  if (NOT_TEXT_TAGS.has(el.localName)) return true;
  if (!el.hasAttributes()) return false;
  const ce = el.getAttribute('contenteditable');
  if (ce !== null && ce !== 'false') return true;
  return el.getAttribute('role') === 'textbox' || el.hasAttribute('data-unison-email') || el.hasAttribute('data-unison-ui');
}

/**
 * `hiddenByAttributes(el) || untouchable(el)` in one pass over the element's attribute names
 * (one call into the DOM for most elements instead of about ten: this runs for every ancestor
 * of every candidate).
 */
export function excludedByItself(el: Element): boolean {
  const tag = el.localName;
  if (NOT_TEXT_TAGS.has(tag)) return true;
  const names = el.getAttributeNames();
  for (let i = 0; i < names.length; i++) {
    switch (names[i]) {
      case 'hidden':
      case 'data-unison-email':
      case 'data-unison-ui':
        return true;
      case 'aria-hidden':
        if (el.getAttribute('aria-hidden') === 'true') return true;
        break;
      case 'style':
        if (HIDING_STYLE.test(el.getAttribute('style') ?? '')) return true;
        break;
      case 'contenteditable':
        if (el.getAttribute('contenteditable') !== 'false') return true;
        break;
      case 'role':
        if (el.getAttribute('role') === 'textbox') return true;
        break;
    }
  }
  return false;
}

/**
 * The site's knowledge of what it hides: containers it keeps in the DOM but hides (a stale view,
 * an accessibility copy, an inactive tab), and copies it shows that never count on their own.
 */
export interface SiteHidden {
  /** Those elements as one selector (the test when `test` is not given). */
  selector?: string;
  /**
   * The exact test of one element; when given it decides. Prefer it to selectors with ancestors
   * in them: some DOM implementations cache `matches()` across ancestor changes.
   */
  test?: (el: Element) => boolean;
}

type CheckVisibility = (o?: object) => boolean;

/**
 * Visibility of candidates within one scan. An element is excluded when it or an ancestor is
 * hidden by attributes, untouchable (see above), or one of the site's hidden elements. Ancestor
 * walks are memoised, so each element is looked at once per scan; `checkVisibility()` then runs
 * once per candidate.
 */
export class Visibility {
  /** @param chain  answers for ancestors, shared by the scans of one pass (see `ScanOptions.memo`) */
  readonly #site: SiteHidden | null;
  readonly #chain: Map<Element, boolean>;

  constructor(site: SiteHidden | null = null, chain = new Map<Element, boolean>()) {
    this.#site = site;
    this.#chain = chain;
  }

  /** The full test of one element. */
  #own(el: Element): boolean {
    if (excludedByItself(el)) return true;
    const site = this.#site;
    if (!site) return false;
    if (site.test) return site.test(el);
    return site.selector !== undefined && el.matches(site.selector);
  }

  /** Whether `el` or one of its ancestors is hidden, untouchable or one of the site's hidden elements. */
  excluded(el: Element | null): boolean {
    const chain = this.#chain;
    const path: Element[] = [];
    let cur = el;
    let out = false;
    while (cur) {
      const known = chain.get(cur);
      if (known !== undefined) {
        out = known;
        break;
      }
      path.push(cur);
      if (this.#own(cur)) {
        out = true;
        break;
      }
      cur = parentOf(cur);
    }
    for (let i = 0; i < path.length; i++) chain.set(path[i], out);
    return out;
  }

  static #rendered(el: Element | null): boolean {
    if (!el) return false;
    const check = (el as Element & { checkVisibility?: CheckVisibility }).checkVisibility;
    if (typeof check !== 'function' || check.call(el, { checkVisibilityCSS: true, visibilityProperty: true })) return true;
    // An element without a box of its own (`display: contents`, a slot) shows what it holds: its
    // parent says whether that is seen (the check says no for any element without a box).
    return getComputedStyle(el).display === 'contents' && Visibility.#rendered(parentOf(el));
  }

  /** Whether a candidate (element or text node) is visible to the user and not something being typed. */
  visible(node: Node): boolean {
    const el = node.nodeType === ELEMENT ? (node as Element) : parentOf(node);
    if (!el || !el.isConnected || this.excluded(el)) return false;
    return Visibility.#rendered(el);
  }

  /** The same for an input whose value is the mention (the input itself is not held against it). */
  visibleInput(input: Element): boolean {
    if (!input.isConnected || hiddenByAttributes(input) || this.excluded(parentOf(input))) return false;
    return Visibility.#rendered(input);
  }
}

/** Every element but the most common built-in ones (a custom element's name has a hyphen). */
const NOT_BUILTIN =
  ':not(div,span,a,td,tr,th,p,li,ul,ol,img,svg,path,g,use,button,input,label,i,b,strong,em,table,tbody,thead,section,header,footer,nav,main,h1,h2,h3,h4,br,form,script,style,slot,option)';

/** The roots to query: `root` itself and every open shadow root below it (custom elements only, Unison's own UI left out). */
export function rootsOf(root: ParentNode, deep: boolean): ParentNode[] {
  const roots: ParentNode[] = [root];
  if (!deep) return roots;
  const visit = (el: Element): void => {
    const sr = el.shadowRoot;
    if (sr && sr.mode === 'open' && !el.localName.startsWith('unison-')) roots.push(sr);
  };
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i];
    if ((r as Node).nodeType === ELEMENT && (r as Element).localName.includes('-')) visit(r as Element);
    // Custom elements only (the usual built-in elements are left out by the selector engine, so
    // the content script never touches them: in its own world each touch costs a wrapper).
    const all = r.querySelectorAll(NOT_BUILTIN);
    for (let j = 0, n = all.length; j < n; j++) {
      const el = all[j];
      if (el.localName.includes('-')) visit(el);
    }
  }
  return roots;
}

/** Elements matching `selector` in the roots, the root element itself included when it matches. */
export function queryRoots(roots: ParentNode[], selector: string): Element[] {
  const out: Element[] = [];
  for (const r of roots) {
    if ((r as Node).nodeType === ELEMENT && (r as Element).matches(selector)) out.push(r as Element);
    for (const el of r.querySelectorAll(selector)) out.push(el);
  }
  return out;
}

/** The elements not inside another of the list (for lists of a few containers). */
export function outermost(els: Element[]): Element[] {
  return els.filter((e) => !els.some((o) => o !== e && o.contains(e)));
}

const NEAR_LEVELS = 2;

/** Blocks that are places of their own: the same address in two of them side by side is two mentions. */
const SEPARATE = new Set(['p', 'li', 'tr', 'dd', 'section', 'article', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'form', 'fieldset']);

/** Roles of such blocks (rows and items drawn with `div`s). */
const SEPARATE_ROLES = new Set(['row', 'listitem', 'article', 'option', 'treeitem']);

const NOT_BLANK = /\S/;

/** Where an element lies: -1 more than a screen above the viewport, 1 more than a screen below, 0 near it (or without a box). */
export type FarTest = (el: Element) => -1 | 0 | 1;

/** Elements between two looked at, when both lie far on the same side: taken to lie there too. */
export const FAR_STRIDE = 8;

/**
 * Splits places (in document order) into those near the viewport and those far from it, looking
 * at one in `FAR_STRIDE` (each look costs a few microseconds of geometry): the places between two
 * that lie far on the same side are taken to lie there too, as the rows of a list do; between any
 * other two, each place is looked at. A place out of that order (a row of another column, between
 * two far rows) is then set aside until the rep scrolls or the popup asks for every lead.
 */
export function partitionFar(list: readonly Element[], where: FarTest): { near: Element[]; far: Element[] } {
  const near: Element[] = [];
  const far: Element[] = [];
  const n = list.length;
  if (!n) return { near, far };
  let prev = where(list[0]);
  (prev ? far : near).push(list[0]);
  for (let a = 0; a < n - 1; ) {
    const b = Math.min(a + FAR_STRIDE, n - 1);
    const next = where(list[b]);
    if (prev !== 0 && prev === next) {
      for (let i = a + 1; i < b; i++) far.push(list[i]);
    } else {
      for (let i = a + 1; i < b; i++) (where(list[i]) ? far : near).push(list[i]);
    }
    (next ? far : near).push(list[b]);
    prev = next;
    a = b;
  }
  return { near, far };
}

/** Nodes taken by mentions, with their addresses (a Map within one scan, a WeakMap kept across scans). */
interface Claims {
  get(node: Node): string | Set<string> | undefined;
  set(node: Node, v: string | Set<string>): unknown;
}

/** Whether a sibling node counts (an element other than Unison's own, or text that is not blank). */
function meaningful(n: Node): boolean {
  if (n.nodeType === ELEMENT) return !(n as Element).localName.startsWith('unison-');
  return n.nodeType === TEXT && NOT_BLANK.test((n as Text).data);
}

/** Whether a text holds words besides `email` ("Owner: ann@acme.io", not "ann@acme.io" alone). */
function inRunningText(text: Node, email: string): boolean {
  return /[\p{L}\p{N}]/u.test((text as Text).data.toLowerCase().replace(email, ''));
}

/** The one child that counts (see `meaningful`), or null when there are none or several. */
function onlyChild(n: Node): Node | null {
  let only: Node | null = null;
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (!meaningful(c)) continue;
    if (only) return null;
    only = c;
  }
  return only;
}

/** The next meaningful sibling of `n` in one direction. */
function sibling(n: Node, next: boolean): Node | null {
  let cur = next ? n.nextSibling : n.previousSibling;
  while (cur && !meaningful(cur)) cur = next ? cur.nextSibling : cur.previousSibling;
  return cur;
}

/**
 * Collects mentions: counts candidates, applies the cap, and drops a second mention of the same
 * address in the same place (a link and its text, a button and the title and text inside it, the
 * address written beside a name). Two mentions of one address are one when one's unit holds the
 * other's within two levels, or when they sit side by side (siblings, looking through wrappers
 * that hold nothing else), unless those siblings are paragraphs, list items, rows or the like.
 */
export class Collector {
  readonly mentions: Mention[] = [];
  scanned = 0;
  capped = false;
  /** Units taken, with their addresses. */
  readonly #claimed: Claims;
  /** Ancestors (up to NEAR_LEVELS) of units taken, with the addresses below them. */
  readonly #near: Claims;
  /**
   * @param wanted  when given, a place none of whose addresses it accepts is only counted, and
   *                costs no visibility check (see `candidates`)
   */
  readonly #limit: number;
  readonly #addressLimit: number;
  readonly #wanted?: (email: string) => boolean;
  /** The slice's deadline (0: none), and the text nodes looked at, for a scan in slices. */
  #until = 0;
  #seen: WeakSet<Node> | null = null;
  /** Places looked at in this slice: each slice looks at one at least, whatever the clock says. */
  #done = 0;
  unfinished = false;
  /** The scan's queries and how far the finders got through them: a later slice goes on there. */
  readonly #queries = new Map<string, { list: Element[]; next: number }>();
  /** For `findText`: where each text walk stopped at a deadline (null: walked to its end). */
  readonly textAt = new Map<Node, Node | null>();

  /** See `ScanOptions.far` and `ScanOptions.only`. */
  readonly #far?: FarTest;
  readonly #only?: ReadonlyMap<string, readonly Element[]>;
  /** The places set aside as far from the viewport, by selector. */
  readonly far = new Map<string, Element[]>();

  /**
   * @param claims  kept across scans (see `ScanOptions.claims`): what earlier scans took counts
   *                for de-duplication here too
   */
  constructor(
    limit: number,
    wanted?: (email: string) => boolean,
    far?: FarTest,
    only?: ReadonlyMap<string, readonly Element[]>,
    claims?: ScanClaims,
    addressLimit = Number.POSITIVE_INFINITY,
  ) {
    const kept = (claims ? (claims.state ??= { claimed: new WeakMap(), near: new WeakMap() }) : { claimed: new Map(), near: new Map() }) as { claimed: Claims; near: Claims };
    this.#claimed = kept.claimed;
    this.#near = kept.near;
    this.#limit = limit;
    this.#addressLimit = addressLimit;
    this.#wanted = wanted;
    this.#far = far;
    this.#only = only;
  }

  #query(roots: ParentNode[], selector: string): { list: Element[]; next: number } {
    let q = this.#queries.get(selector);
    if (!q) {
      const only = this.#only;
      let list = only ? [...(only.get(selector) ?? [])] : queryRoots(roots, selector);
      if (this.#far) {
        const parts = partitionFar(list, this.#far);
        list = parts.near;
        if (parts.far.length) this.far.set(selector, parts.far);
      }
      this.#queries.set(selector, (q = { list, next: 0 }));
    }
    return q;
  }

  /** `queryRoots(roots, selector)`, once per scan (the page's additions meanwhile come as mutations). */
  query(roots: ParentNode[], selector: string): Element[] {
    return this.#query(roots, selector).list;
  }

  /**
   * The elements `selector` matches in the roots, for a finder to look at one by one: each once
   * per scan (a later slice goes on where this one stopped), until the collector is full. The
   * place reached is kept per selector: one finder per selector in a scan.
   */
  *places(roots: ParentNode[], selector: string): Generator<Element> {
    const q = this.#query(roots, selector);
    while (q.next < q.list.length && !this.full) {
      this.#done++;
      yield q.list[q.next++];
    }
  }

  /** Starts a slice that ends at `performance.now()` `until` (0: no deadline). */
  slice(until: number): void {
    this.#until = until;
    this.#done = 0;
    this.unfinished = false;
    if (until) this.#seen ??= new WeakSet();
  }

  /** False for a text node an earlier slice of this scan already looked at (then skip it). */
  fresh(node: Node): boolean {
    const seen = this.#seen;
    if (!seen) return true;
    if (seen.has(node)) return false;
    seen.add(node);
    this.#done++;
    return true;
  }

  /**
   * Counts the addresses found at one place; false when none of them is wanted, so the finder
   * skips the place before its visibility check. Past the address cap the scan stops there.
   */
  candidates(emails: readonly string[] | string): boolean {
    const list = typeof emails === 'string' ? [emails] : emails;
    if (this.scanned + list.length > this.#addressLimit) {
      this.capped = true;
      return false;
    }
    this.scanned += list.length;
    const wanted = this.#wanted;
    if (!wanted) return true;
    for (let i = 0; i < list.length; i++) if (wanted(list[i])) return true;
    return false;
  }

  /** Capped, or past the slice's deadline: the finders stop (between places). */
  get full(): boolean {
    if (this.capped) return true;
    if (this.#until && this.#done && performance.now() > this.#until) this.unfinished = true;
    return this.unfinished;
  }

  static #has(map: Claims, node: Node | null, email: string): boolean {
    if (node === null) return false;
    const v = map.get(node);
    return v !== undefined && (typeof v === 'string' ? v === email : v.has(email));
  }

  static #mark(map: Claims, node: Node, email: string): void {
    const v = map.get(node);
    if (v === undefined) map.set(node, email);
    else if (typeof v === 'string') {
      if (v !== email) map.set(node, new Set([v, email]));
    } else v.add(email);
  }

  /** Whether `email` was already taken at `unit`, around it, inside it or beside it. */
  isDuplicate(email: string, unit: Node): boolean {
    const claimed = this.#claimed;
    const near = this.#near;
    let cur: Node | null = unit;
    for (let i = 0; cur && i <= NEAR_LEVELS; i++, cur = parentOf(cur)) if (Collector.#has(claimed, cur, email)) return true;
    if (Collector.#has(near, unit, email)) return true;
    // Beside: look through wrappers that hold nothing else, then at the two nearest siblings each way.
    let s: Node = unit;
    for (let i = 0; i < NEAR_LEVELS; i++) {
      const p = s.parentNode;
      if (!p || p.nodeType !== ELEMENT || sibling(s, false) || sibling(s, true)) break;
      s = p;
    }
    // Paragraphs, list items and rows are separate places, whatever they hold.
    if (s.nodeType === ELEMENT && (SEPARATE.has((s as Element).localName) || SEPARATE_ROLES.has((s as Element).getAttribute('role')!))) return false;
    const text = unit.nodeType === TEXT && inRunningText(unit, email);
    for (let dir = 0; dir < 2; dir++) {
      let sib = sibling(s, dir === 1);
      for (let i = 0; sib && i < 2; i++, sib = sibling(sib, dir === 1)) {
        // The address written in two lines of text, one after the other: two mentions (a name
        // beside its address is one, a link and the address beside it too, and so is an address
        // shown alone twice, as a heading and as the address).
        if (text && Collector.#writtenIn(claimed, sib, email)) continue;
        if (Collector.#has(claimed, sib, email) || Collector.#has(near, sib, email)) return true;
      }
    }
    return false;
  }

  /** Whether `node` is, or wraps alone (a few levels deep), a text taken for `email` in running text. */
  static #writtenIn(claimed: Claims, node: Node, email: string): boolean {
    let cur: Node | null = node;
    for (let i = 0; cur && cur.nodeType === ELEMENT && i <= NEAR_LEVELS; i++) cur = onlyChild(cur);
    return cur !== null && cur.nodeType === TEXT && Collector.#has(claimed, cur, email) && inRunningText(cur, email);
  }

  /**
   * Adds a visible mention unless it is a duplicate. `unit` is the node that stands for the
   * mention on the page (default: the anchor). Returns false once the cap is reached: the scan
   * should stop.
   */
  add(email: string, name: string | null, anchor: Node, unit?: Node | null, textRange?: [number, number]): boolean {
    if (this.capped) return false;
    const u = unit ?? anchor;
    if (this.isDuplicate(email, u)) return true;
    if (this.mentions.length >= this.#limit) {
      this.capped = true;
      return false;
    }
    const m: Mention = { email, name: name && name.trim() ? name.replace(/\s+/g, ' ').trim() : null, anchor };
    if (textRange) m.textRange = textRange;
    this.mentions.push(m);
    Collector.#mark(this.#claimed, u, email);
    let cur = parentOf(u);
    for (let i = 1; cur && i <= NEAR_LEVELS; i++, cur = parentOf(cur)) Collector.#mark(this.#near, cur, email);
    return true;
  }

  result(): ScanResult {
    const res: ScanResult = { mentions: this.mentions, scanned: this.scanned, capped: this.capped, unfinished: this.unfinished };
    if (this.far.size) res.far = this.far;
    return res;
  }
}

/** A cap as given in the scan options (`limit`, `addressLimit`): none when absent or not a count. */
export function limitOf(l?: number): number {
  return typeof l === 'number' && l >= 0 ? Math.floor(l) : Number.POSITIVE_INFINITY;
}

/** Visible text of an element, squeezed; null when empty or when it is itself an address. */
export function textName(el: Element | null | undefined): string | null {
  if (!el) return null;
  const t = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
  if (!t || t.includes('@') || t.length > 200) return null;
  return t;
}

/** Where a badge for a mention found at `el` goes: after the link or button holding it, else after `el`. */
export function anchorFor(el: Element): Element {
  return el.closest(INTERACTIVE) ?? el;
}

// ---------------------------------------------------------------------------
// Generic finders. Each one adds what it finds to the collector and stops when it is full.

export interface FindContext {
  c: Collector;
  vis: Visibility;
  doc: Document;
  roots: ParentNode[];
  /** Names the mention found at an element (default: the page's own text beside it). */
  nameFor?: (el: Element, email: string) => string | null;
  /** For an address in text: the element to put the badge after instead of the text (e.g. outside truncating spans). */
  liftAnchor?: (textParent: Element) => Element | null;
}

/** An element that shows only a photo of the contact (an avatar): no mention, where an icon is one. */
function photoOnly(el: Element): boolean {
  return !el.textContent!.trim() && !!el.querySelector('img,picture,[role=img]');
}

/** `a[href^="mailto:"]` links (every recipient of a multi-address link). */
export function findMailto(ctx: FindContext, selector = 'a[href^="mailto:" i]'): void {
  for (const a of ctx.c.places(ctx.roots, selector)) {
    const emails = mailtoAddresses(a.getAttribute('href'));
    // A photo of the contact that links to their address (an avatar) is no mention; an icon is.
    if (!emails.length || photoOnly(a)) continue;
    if (!ctx.c.candidates(emails) || !ctx.vis.visible(a)) continue;
    for (const email of emails) {
      const own = textName(a);
      const name = ctx.nameFor ? ctx.nameFor(a, email) : own;
      if (!ctx.c.add(email, name ?? own, a)) return;
    }
  }
}

function isContainer(el: Element): boolean {
  if (CONTAINER_TAGS.has(el.localName)) return true;
  const role = el.getAttribute('role');
  return role !== null && CONTAINER_ROLES.has(role);
}

/** Elements whose `title` or `aria-label` holds an address (`Ann Lee <ann@acme.io>`), avatars and big containers left out. */
export function findLabelled(ctx: FindContext, selector = '[title*="@"], [aria-label*="@"]'): void {
  for (const el of ctx.c.places(ctx.roots, selector)) {
    if (el.matches(AVATAR) || isContainer(el) || photoOnly(el)) continue;
    let parsed: { email: string; name: string | null } | null = null;
    for (const attr of ['title', 'aria-label']) {
      const v = el.getAttribute(attr);
      if (!v || v.indexOf('@') < 0) continue;
      const m = findEmails(v);
      if (m.length) {
        parsed = { email: m[0].email, name: nameBefore(v, m[0].start) };
        break;
      }
    }
    if (!parsed) continue;
    if (!ctx.c.candidates(parsed.email) || !ctx.vis.visible(el)) continue;
    const anchor = anchorFor(el);
    const name = (ctx.nameFor ? ctx.nameFor(el, parsed.email) : null) ?? parsed.name ?? textName(el);
    if (!ctx.c.add(parsed.email, name, anchor)) return;
  }
}

/** The element with focus, inside the open shadow roots it may be in (the document only names their host). */
export function deepActiveElement(doc: Document): Element | null {
  let el = doc.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** The values of `input[type=email]` (and the like), unless the input has focus: the user may be typing into it. */
export function findInputs(ctx: FindContext, selector = 'input[type="email" i]'): void {
  const active = deepActiveElement(ctx.doc);
  for (const input of ctx.c.places(ctx.roots, selector) as Generator<HTMLInputElement>) {
    const email = normaliseEmail(input.value);
    if (!email) continue;
    if (!ctx.c.candidates(email) || input === active || !ctx.vis.visibleInput(input)) continue;
    const name = ctx.nameFor ? ctx.nameFor(input, email) : null;
    if (!ctx.c.add(email, name, input)) return;
  }
}

/**
 * Addresses in text nodes under the roots (or under `within` elements when given), walked with a
 * TreeWalker; editable regions, code and the site's hidden containers are left out. A text inside a
 * link or button gets its badge after that element, otherwise right after the address.
 */
export function findText(ctx: FindContext, within?: Element[]): void {
  const starts: Node[] = within ?? (ctx.roots as unknown as Node[]);
  const c = ctx.c;
  for (const start of starts) {
    const walkRoot = start.nodeType === 9 ? ((start as Document).body ?? start) : start;
    const walker = ctx.doc.createTreeWalker(walkRoot, SHOW_TEXT);
    // A scan in slices goes on where the walk stopped (from the start if that node left).
    let at = c.textAt.get(walkRoot);
    if (at === null) continue;
    if (at && !(at.isConnected && walkRoot.contains(at))) at = undefined;
    if (at) walker.currentNode = at;
    for (let n = at ?? walker.nextNode(); n; n = walker.nextNode()) {
      const data = (n as Text).data;
      if (data.indexOf('@') < 0) continue;
      if (c.full) {
        if (!c.capped) c.textAt.set(walkRoot, n);
        return;
      }
      if (!c.fresh(n)) continue;
      const parent = parentOf(n);
      if (!parent) continue;
      const found = findEmails(data);
      if (!found.length) continue;
      if (!c.candidates(found.map((m) => m.email)) || !ctx.vis.visible(n)) continue;
      const holder = parent.closest(INTERACTIVE) ?? (ctx.liftAnchor ? ctx.liftAnchor(parent) : null);
      for (const m of found) {
        const name = (ctx.nameFor ? ctx.nameFor(parent, m.email) : null) ?? nameBefore(data, m.start);
        const ok = holder ? c.add(m.email, name, holder) : c.add(m.email, name, n, n, [m.start, m.end]);
        if (!ok) return;
      }
    }
    c.textAt.set(walkRoot, null);
  }
}

/** The first address an element carries in one of `attrs`, or in its text. */
export function emailOfElement(el: Element, attrs: string[]): string | null {
  for (const a of attrs) {
    const v = el.getAttribute(a);
    const e = a === 'href' ? (mailtoAddresses(v)[0] ?? null) : (normaliseEmail(v) ?? parseAddress(v)?.email ?? firstEmail(v));
    if (e) return e;
  }
  // Text node by text node: `<b>Ann</b>ann@acme.io` is no address "annann@acme.io".
  const walker = el.ownerDocument.createTreeWalker(el, SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = firstEmail((n as Text).data);
    if (e) return e;
  }
  return null;
}

/** Whether a mention's node still carries `email`: in its text, or an attribute of it or inside it. */
function carries(node: Node, email: string): boolean {
  // Text node by text node, and attribute by attribute (decoded: `mailto:%3Cann%40acme.io%3E`),
  // but not the address of a badge inside it.
  let s = '';
  const walker = (node.ownerDocument ?? (node as Document)).createTreeWalker(node, SHOW_ELEMENT | SHOW_TEXT);
  for (let n: Node | null = node; n; n = walker.nextNode()) {
    if (n.nodeType === TEXT) s += ' ' + (n as Text).data;
    else for (const a of (n as Element).attributes) if (a.name !== 'data-unison-email') s += ' ' + decodeOrKeep(a.value);
  }
  // The whole address, not a part of a longer one (ann@acme.io in joann@acme.io or ann@acme.io.uk).
  return new RegExp(`(?<![\\w.%+-])${email.replace(/\W/g, '\\$&')}(?![\\w-]|\\.\\w)`).test(s.toLowerCase());
}

/**
 * Still a visible mention: connected, not hidden, (for text or inputs) still holding an address,
 * and with `email`, still holding that one (a page may reuse the element for another contact).
 */
export function stillVisible(anchor: Node, doc: Document, vis: Visibility, email?: string, carrier: Node = anchor): boolean {
  if (!isConnectedTo(anchor, doc)) return false;
  if (anchor.nodeType === ELEMENT && (anchor as Element).localName === 'input') {
    // Its value, not its `value` attribute, which keeps the address the page first wrote.
    const value = normaliseEmail((anchor as HTMLInputElement).value);
    return value !== null && (!email || value === email) && vis.visibleInput(anchor as Element);
  }
  if (email && !carries(carrier, email)) return false;
  if (anchor.nodeType === TEXT) return findEmails((anchor as Text).data).length > 0 && vis.visible(anchor);
  return vis.visible(anchor);
}

/** Addresses in `doc` matched by `selector`, from the given attributes or the text. */
export function emailsAt(doc: Document, selector: string, attrs: string[]): string[] {
  const out: string[] = [];
  for (const el of doc.querySelectorAll(selector)) {
    const e = emailOfElement(el, attrs);
    if (e && !out.includes(e)) out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------

export interface AdapterSpec {
  id: SiteId;
  watchedAttributes: string[];
  /** Walk open shadow roots too. */
  deep?: boolean;
  /** The site's hidden containers and never-counted copies (see `Visibility`). */
  hidden?: SiteHidden;
  /** Finds the mentions: `ctx.roots` are the scan root and its open shadow roots. */
  find(ctx: FindContext & { root: ParentNode }): void;
  ownEmails?: (doc: Document) => string[];
  /** See `SiteAdapter.badgeAfter` (default: the anchor). */
  badgeAfter?: (anchor: Node) => Node;
  /**
   * Where the address of a mention is written, when not in its anchor (a contact card whose
   * badge goes after the name link): a recheck looks there for it. Default: the anchor.
   */
  carrier?: (anchor: Node) => Node;
}

export function defineAdapter(spec: AdapterSpec): SiteAdapter {
  const hidden = spec.hidden ?? null;
  return {
    id: spec.id,
    watchedAttributes: spec.watchedAttributes,
    scan(root: ParentNode, doc: Document, opts?: ScanOptions): ScanResult {
      // A scan in slices keeps its collector (what it found and looked at) and its roots.
      const resume = opts?.resume as { state?: [Collector, ParentNode[]] } | undefined;
      // Only given places: no roots to query (`c.query` gives nothing but them, text walks nothing).
      const state = resume?.state ?? [
        new Collector(limitOf(opts?.limit), opts?.wanted, opts?.far, opts?.only, opts?.claims, limitOf(opts?.addressLimit)),
        opts?.only ? [] : rootsOf(root, spec.deep ?? false),
      ];
      if (resume) resume.state = state;
      const [c, roots] = state;
      c.slice(opts?.until ?? 0);
      spec.find({ c, vis: new Visibility(hidden, opts?.memo), doc, roots, root });
      const res = c.result();
      if (roots.length > 1) res.shadowRoots = roots.slice(1) as ShadowRoot[];
      return res;
    },
    ownEmails(doc: Document): string[] {
      return spec.ownEmails ? spec.ownEmails(doc) : [];
    },
    isStillVisible(anchor: Node, doc: Document, memo?: Map<Element, boolean>, email?: string): boolean {
      return stillVisible(anchor, doc, new Visibility(hidden, memo), email, spec.carrier?.(anchor));
    },
    badgeAfter: spec.badgeAfter ?? ((anchor) => anchor),
  };
}
