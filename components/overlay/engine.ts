/**
 * The overlay engine: finds lead mentions with the site's adapter, asks the background which
 * are known leads (one message per batch, answers cached for the page), and keeps one badge beside
 * each visible mention of a known lead, following the page as it changes.
 *
 * DOM work happens in batches: one MutationObserver, records queued and handled together in idle
 * time; only added subtrees are scanned; badges are created in chunks so a page with tens of
 * thousands of addresses stays responsive (and the scan is capped, see `limit`).
 */
import type { LeadSummary } from '@/utils/protocol';
import { Collector, parentOf, partitionFar, type FarTest } from '@/utils/sites/dom';
import type { Mention, ScanClaims, ScanResume, SiteAdapter } from '@/utils/sites/types';
import { BADGE_TAG } from './Badge';

/**
 * Most mentions Unison looks at in one pass (the first scan, a navigation, one mutation batch);
 * past that the popup says the page was capped (see also `PAGE_ADDRESS_LIMIT`).
 */
export const PAGE_MENTION_LIMIT = 5000;
/**
 * Most addresses Unison reads in one pass, leads or not: a page of tens of thousands of addresses
 * none of which is a lead is capped too, and the popup says so.
 */
export const PAGE_ADDRESS_LIMIT = 20_000;
/**
 * Most badges inserted in one task before yielding to the page. Large, because every yield lets
 * the page lay out again, and on a big table one layout costs far more than the inserts.
 */
export const BADGES_PER_TASK = 1500;
/** Most addresses asked about in one message. */
export const LOOKUP_CHUNK = 2000;
/**
 * A pass with more new badges than this (a first scan of a long list, a navigation) creates them
 * only as their contacts come near the viewport (`EngineDeps.whenNear`): every badge costs the
 * host page layout, and a list of two thousand rows shows thirty at a time. Smaller passes (new
 * rows, an expanded message, a compose chip) create theirs at once.
 */
export const EAGER_BADGES = 50;
/**
 * A mutation batch that adds this many elements or fewer, subtrees included (new rows, a compose
 * chip, an expanded message), is scanned at once, in the observer's callback, when the lead
 * digest is at hand: its badges then go into the page in the same frame as the rows, with no
 * second layout of the page for them. Larger ones wait for idle time.
 */
export const SYNC_BATCH_NODES = 2000;
/** About how long one slice of a scan runs before Unison yields to the page. */
export const SCAN_SLICE_MS = 12;

export interface BadgeHandle {
  /** The `<unison-badge>` element inserted beside the mention. */
  host: Element;
  remove(): void;
  /** A badge made `pending` (before the lookup answered) is confirmed, with the lead's details. */
  confirm?(lead: LeadSummary): void;
}

export interface EngineDeps {
  adapter: SiteAdapter;
  doc: Document;
  /** The known leads among `emails`; null when the background could not answer. */
  lookup: (emails: string[]) => Promise<LeadSummary[] | null>;
  /** The rep's own addresses (from settings and from the page). */
  ownEmails: () => Set<string>;
  /**
   * Creates and inserts a badge right after the anchor. A `pending` badge is not confirmed yet
   * (the digest said "maybe a lead", the lookup has not answered): `confirm` gives it the lead's
   * details, or the engine removes it.
   */
  createBadge: (mention: Mention, lead: LeadSummary, pending?: boolean) => BadgeHandle;
  /** Is this node part of Unison's own UI (badges, card)? Such nodes are never scanned. */
  isOwnNode: (node: Node) => boolean;
  limit?: number;
  /** See `PAGE_ADDRESS_LIMIT`. */
  addressLimit?: number;
  /** Runs `fn` soon, off the critical path (idle callback by default). */
  schedule?: (fn: () => void) => void;
  /** Yields to the page between chunks. */
  yieldToPage?: () => Promise<void>;
  /**
   * Calls `onNear` once, when `el` comes near the viewport; returns a function that stops
   * watching. Without it every badge is created at once.
   */
  whenNear?: (el: Element, onNear: () => void) => () => void;
  /**
   * The lead digest, when the background gave one (`has`: false when surely not a lead). With it,
   * addresses that are surely not leads cost no visibility check and no lookup, and small
   * batches are handled at once.
   */
  digest?: () => { has(email: string): boolean } | null;
  /**
   * Where an element lies against the viewport (-1 far above, 1 far below, 0 near). The first
   * scan and every full rescan (a navigation, new campaign data) set far places aside unread (see
   * `ScanOptions.far`) and scan them when they come near (`onViewport`) or when every lead on the
   * page is asked for (`settle`). Without it every place is scanned at once.
   */
  offscreen?: FarTest;
  /** Calls `check` whenever the viewport may have moved (scrolling, resizing); returns a function that stops. */
  onViewport?: (check: () => void) => () => void;
}

interface BadgeRecord {
  email: string;
  anchor: Node;
  handle: BadgeHandle | null;
  removed: boolean;
  /** Waiting for its contact to come near the viewport: the mention, and the element watched. */
  waiting: { mention: Mention; target: Element } | null;
  /** Made before the lookup answered: confirmed, or removed if not a lead. */
  unconfirmed: boolean;
}

/**
 * A pass scanned in slices: when this slice ends, the mentions seen so far (for the cap), the
 * roots left, and where the scan of the first of them stopped.
 */
interface Slice {
  until: number;
  /** Mentions found, and addresses read, by the pass so far (for the caps). */
  seen: number;
  read: number;
  rest: Node[];
  resume?: ScanResume;
}

/**
 * Idle time after the page's next frame: by then the browser has worked out the styles and layout
 * of what the page just changed, so a visibility check does not redo that work inside Unison's
 * task (on a view of two thousand rows, hundreds of milliseconds of the page's own work).
 */
export const afterFrame = (fn: () => void) => {
  const g = globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number };
  const idle = () => (g.requestIdleCallback ? g.requestIdleCallback(fn, { timeout: 150 }) : setTimeout(fn, 16));
  // A hidden tab draws no frame (it may stay hidden for days): idle time alone, or the page's
  // changes would wait there, and hold every row it removed meanwhile.
  if (document.hidden) idle();
  else requestAnimationFrame(idle);
};
const defaultYield = () => new Promise<void>((r) => setTimeout(r, 0));

export class OverlayEngine {
  /** email → summary (null: looked up, not a lead). */
  readonly known = new Map<string, LeadSummary | null>();
  /** anchor → address → badge (one text node may hold two addresses). */
  readonly #badges = new Map<Node, Map<string, BadgeRecord>>();
  /** Elements watched for coming near the viewport → the records waiting on them. */
  readonly #near = new Map<Element, { records: BadgeRecord[]; stop: () => void }>();
  #observer: MutationObserver | null = null;
  #queue: MutationRecord[] = [];
  #flushScheduled = false;
  #rescanning: Promise<void> | null = null;
  #running: Promise<void> = Promise.resolve();
  /** Places set aside as far from the viewport, by the selector that found them. */
  readonly #far = new Map<string, Set<Element>>();
  /** What the passes that set places aside took: those places, scanned later, are no duplicates of it. */
  #claims: ScanClaims = {};
  #nearCheckScheduled = false;
  /**
   * Counts the batches handled at once (`#handleNow`), ahead of a pass under way: a pass that sees
   * it move looks again at what it found before badging it (see `#badge`).
   */
  #changes = 0;
  #stopViewport?: () => void;
  scanned = 0;
  capped = false;
  #stopped = false;

  readonly #deps: EngineDeps;

  constructor(deps: EngineDeps) {
    this.#deps = deps;
  }

  get limit(): number {
    return this.#deps.limit ?? PAGE_MENTION_LIMIT;
  }

  /** First scan of the whole document, then follows mutations. */
  start(): Promise<void> {
    const root = this.#deps.doc.body ?? this.#deps.doc.documentElement;
    this.#observer = new MutationObserver(this.#onRecords);
    this.#observe(root);
    this.#stopViewport = this.#deps.onViewport?.(() => this.#scheduleNearCheck());
    // After the page's next frame, as a rescan: its layout is done by then, and the scan's
    // look at where places lie does not make the browser lay out the page inside Unison's task.
    return this.#run(async () => {
      await new Promise<void>((r) => (this.#deps.schedule ?? afterFrame)(r));
      await this.#process([this.#deps.doc], false, [], true);
      (this.#deps.schedule ?? afterFrame)(() => this.#warmUp());
    });
  }

  /** The observer's callback. */
  readonly #onRecords = (records: MutationRecord[]): void => this.#enqueue(records);

  /**
   * Takes the mutation path once, on an empty batch, in idle time after the first scan: both ways
   * a batch goes (at once in the observer's callback, or queued for idle time). The browser's
   * JavaScript engine compiles a function the first time it runs; without this, the page's first
   * new row would wait for the compilation of the functions that handle it (about a millisecond,
   * measured), on top of the work for the row itself. An empty batch finds nothing and changes
   * nothing; records the page queued meanwhile are handled as they would have been, in idle time.
   */
  #warmUp(): void {
    // Stopped meanwhile: each step finds it so and does nothing.
    this.#onRecords([]);
    this.#flush();
    void this.#run(() => this.#confirmAll([]));
  }

  /**
   * Looks again at an element that changed in a way no mutation shows (the value of a field the
   * rep edited), with the badges inside it, as after a change of its attributes.
   */
  recheck(el: Node): void {
    this.#enqueue([{ type: 'attributes', target: el } as unknown as MutationRecord]);
  }

  /** Follows changes under `node`: the document's body, and each open shadow root a scan went into. */
  #observe(node: Node): void {
    this.#observer?.observe(node, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: this.#deps.adapter.watchedAttributes,
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#observer?.disconnect();
    this.#observer = null;
    this.#stopViewport?.();
    this.#far.clear();
    this.#claims = {};
    for (const rec of this.#records()) this.#dropBadge(rec);
    for (const w of this.#near.values()) w.stop();
    this.#near.clear();
    this.#badges.clear();
  }

  /**
   * A full rescan (in-page navigation, new campaign data), in idle time: the page has then built
   * and drawn its new view (a rescan at once would make the browser work out the new view's
   * styles in the page's own task), and the mutation batches queued until then are covered by it.
   */
  rescan(): Promise<void> {
    return (this.#rescanning ??= new Promise<void>((resolve) =>
      (this.#deps.schedule ?? afterFrame)(() => {
        this.#rescanning = null;
        this.#queue = [];
        resolve(
          this.#run(() => {
            // The whole page is looked at again: what an earlier pass set aside goes with it, and
            // the count of what was looked at (the popup's note on a capped page) starts afresh.
            this.#far.clear();
            this.#claims = {};
            this.scanned = 0;
            this.capped = false;
            return this.#process([this.#deps.doc], true, 'all', true);
          }),
        );
      }),
    ));
  }

  /** Resolves when all queued work is done (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.#queue.length > 0 || this.#flushScheduled || this.#rescanning || this.#nearCheckScheduled) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await this.#running;
  }

  /**
   * Scans every place set aside as far from the viewport (the popup lists every lead on the
   * page), then resolves. Their badges are made as their contacts come near (`whenNear`).
   */
  async settle(): Promise<void> {
    // The page's latest changes first (a row that just left, a view that just came): they
    // would otherwise wait for idle time, and the popup list a lead no longer on the page.
    if (this.#flushScheduled) this.#flush();
    await this.#rescanning;
    return this.#run(() => this.#scanFar(true));
  }

  #scheduleNearCheck(): void {
    if (this.#nearCheckScheduled || this.#far.size === 0 || this.#stopped) return;
    this.#nearCheckScheduled = true;
    (this.#deps.schedule ?? afterFrame)(() => {
      void this.#run(() => {
        this.#nearCheckScheduled = false;
        return this.#scanFar(false);
      });
    });
  }

  /** Scans the places set aside that are near the viewport now (`all`: every one), those still on the page. */
  async #scanFar(all: boolean): Promise<void> {
    if (this.#stopped) return;
    const offscreen = this.#deps.offscreen;
    const where: FarTest = all || !offscreen ? () => 0 : offscreen;
    const only = new Map<string, Element[]>();
    for (const [selector, set] of this.#far) {
      const { near, far } = partitionFar([...set].filter((el) => el.isConnected), where);
      if (near.length) only.set(selector, near);
      if (far.length) this.#far.set(selector, new Set(far));
      else this.#far.delete(selector);
    }
    if (only.size) await this.#process([this.#deps.doc], false, [], false, only);
  }

  /**
   * The known leads with a visible mention on the page now, one entry per lead (badges of
   * contacts far from the viewport are created when they come near, the lead counts already).
   */
  spottedLeads(): LeadSummary[] {
    const out = new Map<string, LeadSummary>();
    for (const rec of this.#records()) {
      const lead = this.known.get(rec.email);
      if (lead && !rec.removed) out.set(rec.email, lead);
    }
    return [...out.values()];
  }

  /** Visible mentions of known leads on the page (with a badge, or waiting to come near the viewport). */
  badgeCount(): number {
    return [...this.#records()].length;
  }

  *#records(): Generator<BadgeRecord> {
    for (const byEmail of this.#badges.values()) yield* byEmail.values();
  }

  #hasBadge(m: Mention): boolean {
    return this.#badges.get(m.anchor)?.has(m.email) ?? false;
  }

  /**
   * The mentions that are not one with a badge already on the page: a pass over part of the page
   * (the address a page drew again beside its badged link) sees nothing of what is around it, so
   * the badges of the same addresses count as taken, by the scan's own rule (`Collector`).
   */
  #notBesideBadges(mentions: Mention[]): Mention[] {
    const emails = new Set(mentions.map((m) => m.email));
    const taken = new Collector(Infinity);
    for (const r of this.#records()) if (emails.has(r.email)) taken.add(r.email, null, r.anchor);
    // None of these addresses has a badge (a first scan, a new view): nothing to look at.
    return taken.mentions.length ? mentions.filter((m) => !taken.isDuplicate(m.email, m.anchor)) : mentions;
  }

  /** Updates the cached answers of a lead (after feedback here or in another tab). */
  updateLead(email: string, patch: Partial<LeadSummary>): LeadSummary | null {
    const cur = this.known.get(email);
    if (!cur) return null;
    const next = { ...cur, ...patch };
    this.known.set(email, next);
    return next;
  }

  /**
   * New campaign data or settings: asks again about the leads badged on the page, and forgets
   * every other answer cached (an address that was no lead may be one now); then scans again. A
   * badge whose address is no longer a lead, or is now the rep's own, goes; the others show the
   * new details. The answers are swapped in one step, when all have come: a badge coming into
   * view meanwhile finds the old ones, and when the background cannot answer, all stays as it was.
   */
  refreshData(): Promise<void> {
    return this.#run(async () => {
      const fresh = new Map<string, LeadSummary | null>();
      if (!(await this.#ask([...new Set([...this.#records()].map((r) => r.email))], fresh))) return;
      this.known.clear();
      for (const [e, lead] of fresh) this.known.set(e, lead);
      const own = this.#deps.ownEmails();
      // The badges now, those made meanwhile with the old answers too (a row that came while the
      // lookup was out): one not asked about goes, and the rescan below asks for it.
      for (const rec of [...this.#records()]) {
        const lead = fresh.get(rec.email);
        if (rec.removed || rec.unconfirmed) continue;
        if (lead && !own.has(rec.email)) rec.handle?.confirm?.(lead);
        else this.#forget(rec);
      }
    }).then(() => this.rescan());
  }

  #enqueue(records: MutationRecord[]): void {
    // A rescan is on its way (the page navigates): it covers whatever changes until then.
    if (this.#stopped || this.#rescanning) return;
    if (this.#deps.digest?.() && this.#queue.length === 0 && !this.#flushScheduled && smallAddition(records)) {
      this.#handleNow(records);
      return;
    }
    for (const r of records) this.#queue.push(r);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      (this.#deps.schedule ?? afterFrame)(this.#flush);
    }
  }

  /** Handles the queued records (in idle time, see `#enqueue`). */
  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    void this.#run(() => this.#handleMutations(batch));
  };

  #run(task: () => Promise<void>): Promise<void> {
    this.#running = this.#running.then(task, task).catch((err) => {
      console.warn('[Unison]', err);
    });
    return this.#running;
  }

  /** What a mutation batch asks to scan: the outermost changed subtrees, and what to recheck. */
  #changed(records: MutationRecord[]): { roots: Node[]; prune: boolean; recheck: Node[] } {
    const roots = new Set<Node>();
    const attributeTargets = new Set<Node>();
    let removals = false;
    for (const rec of records) {
      if (rec.type === 'childList') {
        if (rec.removedNodes.length > 0) {
          removals = true;
          // Taken out of a badge's mention (a link whose text the page replaced): it is rechecked.
          for (let n: Node | null = rec.target; n; n = n.parentNode) {
            if (this.#badges.has(n)) {
              attributeTargets.add(n);
              roots.add(n);
            }
          }
        }
        for (const node of rec.addedNodes) {
          if (node.nodeType === 1) {
            // A page that copies a row (virtual lists, drag and drop) copies the badge element
            // in it too, but not its shadow root: such an empty copy is removed, and the copied
            // mention gets its own badge.
            const el = node as Element;
            for (const b of el.localName === BADGE_TAG ? [el] : [...el.getElementsByTagName(BADGE_TAG)]) if (!b.shadowRoot) b.remove();
          }
          if (this.#deps.isOwnNode(node) || !node.isConnected) continue;
          if (node.nodeType === 1) roots.add(node);
          else if (node.nodeType === 3 && node.parentNode && !this.#deps.isOwnNode(node.parentNode)) roots.add(node.parentNode);
        }
      } else if (rec.type === 'characterData') {
        // Text that changed may no longer hold the address its badge is for: rechecked too.
        const parent = rec.target.parentNode;
        if (parent && !this.#deps.isOwnNode(parent)) {
          roots.add(parent);
          attributeTargets.add(parent);
        }
      } else if (rec.type === 'attributes') {
        const target = rec.target as Element;
        if (this.#deps.isOwnNode(target)) continue;
        // A tab's `aria-selected` shows or hides the panels it controls (HubSpot): they are looked at too.
        const panels =
          rec.attributeName === 'aria-selected'
            ? (target.getAttribute('aria-controls') ?? '').split(/\s+/).map((id) => id && (target.getRootNode() as Document).getElementById(id))
            : [];
        for (const el of [target, ...panels]) {
          if (!el) continue;
          attributeTargets.add(el);
          roots.add(el);
        }
      }
    }
    // Places set aside that left the page go (they would hold a whole removed view).
    if (removals) for (const set of this.#far.values()) for (const el of set) if (!el.isConnected) set.delete(el);
    // Only badges inside what changed are looked at again (a hover class on one row must not
    // re-check a thousand badges).
    const recheck = outermost(attributeTargets);
    return { roots: outermost(roots), prune: removals || recheck.length > 0, recheck };
  }

  async #handleMutations(records: MutationRecord[]): Promise<void> {
    if (this.#stopped) return;
    const { roots, prune, recheck } = this.#changed(records);
    // Rows that left or were hidden can bring places set aside as far into view without any
    // scroll: they are looked at after the next frame.
    if (prune) this.#scheduleNearCheck();
    await this.#process(roots, prune, recheck);
  }

  /**
   * A small batch of added nodes, handled in the observer's callback (before the page draws
   * them): mentions of leads known on this page get their badges at once, and so do mentions the
   * digest says may be leads (unconfirmed until the lookup answers, taken away if it says no).
   * Their badges show in the frame that draws the rows: no second frame is drawn for them.
   */
  #handleNow(records: MutationRecord[]): void {
    const at = ++this.#changes;
    const { roots, prune, recheck } = this.#changed(records);
    if (prune) this.#scheduleNearCheck();
    // The visibility check makes the browser work out the styles of what the page just added,
    // which it would do for its next frame anyway; nothing hidden gets a badge, not for a moment.
    const mentions = this.#scan(roots, prune, recheck);
    if (mentions.length === 0) return;
    // Many mentions after all (a whole view arrived): the usual way, with badges near the viewport.
    if (mentions.length > EAGER_BADGES) {
      void this.#run(() => this.#badge(mentions, at));
      return;
    }
    const own = this.#deps.ownEmails();
    const toConfirm: BadgeRecord[] = [];
    let made = 0;
    for (const m of this.#notBesideBadges(mentions)) {
      if (own.has(m.email) || this.#hasBadge(m)) continue;
      const lead = this.known.get(m.email);
      if (lead === null) continue;
      const rec = this.#track(m);
      made++;
      if (lead) {
        this.#create(rec, m, lead);
      } else {
        rec.unconfirmed = true;
        this.#create(rec, m, { email: m.email, name: m.name, company: null, firstCampaign: null, answers: {} }, true);
        toConfirm.push(rec);
      }
    }
    if (made === 0) return;
    this.#dropOwnRecords();
    void this.#run(() => this.#confirmAll(toConfirm));
  }

  /** Looks up the addresses of badges made before the lookup, and confirms them or takes them away. */
  async #confirmAll(records: BadgeRecord[]): Promise<void> {
    await this.#lookupUnknown(records.map((r) => r.email));
    for (const rec of records) this.#confirm(rec);
  }

  /**
   * Takes the records of badges just inserted out of the observer's queue: they would only wake
   * it again to be skipped. Anything else in it (the page's own changes) is handled as usual.
   */
  #dropOwnRecords(): void {
    const own = this.#deps.isOwnNode;
    const rest = this.#observer?.takeRecords().filter((r) => r.type !== 'childList' || r.removedNodes.length > 0 || ![...r.addedNodes].every(own));
    if (rest?.length) this.#enqueue(rest);
  }

  /** The lookup answered for a badge made before it: show it, or take it away. */
  #confirm(rec: BadgeRecord): void {
    if (rec.removed || !rec.unconfirmed) return;
    rec.unconfirmed = false;
    // Not a lead, or not answered (the lookup failed): a badge made on the digest's word goes.
    const lead = this.known.get(rec.email);
    if (lead) rec.handle?.confirm?.(lead);
    else this.#forget(rec);
  }

  /** Drops one record and its badge. */
  #forget(rec: BadgeRecord): void {
    const byEmail = this.#badges.get(rec.anchor);
    if (byEmail?.get(rec.email) === rec) {
      byEmail.delete(rec.email);
      if (byEmail.size === 0) this.#badges.delete(rec.anchor);
    }
    this.#dropBadge(rec);
  }

  /**
   * The visible mentions under `roots` not badged yet (the adapter's scan, capped). With `slice`,
   * stops once `slice.until` has passed (between roots, or inside one, which the next slice
   * resumes) and leaves what is left in `slice.rest`.
   */
  #scan(
    roots: Iterable<ParentNode | Node>,
    prune: boolean,
    recheckWithin: Node[] | 'all',
    slice?: Slice,
    scope?: { far?: boolean; only?: ReadonlyMap<string, readonly Element[]> },
  ): Mention[] {
    const { adapter, doc } = this.#deps;
    const all: Array<ParentNode | Node> = [...roots];
    // A badge the host page removed while its mention stayed: scan the mention's parent again.
    if (prune) all.push(...this.#prune(recheckWithin));
    const mentions: Mention[] = [];
    const memo = new Map<Element, boolean>();
    let seen = slice?.seen ?? 0;
    let read = slice?.read ?? 0;
    for (let i = 0; i < all.length; i++) {
      if (slice && i > 0 && performance.now() > slice.until) {
        slice.rest = all.slice(i);
        break;
      }
      const root = all[i];
      if (!root.isConnected) {
        // A root left between two slices: what its scan kept is no use to the next one.
        if (slice) slice.resume = undefined;
        continue;
      }
      const remaining = this.limit - seen;
      const unread = (this.#deps.addressLimit ?? PAGE_ADDRESS_LIMIT) - read;
      if (remaining <= 0 || unread <= 0) {
        this.capped = true;
        break;
      }
      const res = adapter.scan(root as ParentNode, doc, {
        limit: remaining,
        addressLimit: unread,
        wanted: this.#wanted,
        memo,
        until: slice?.until,
        resume: slice && (slice.resume ??= {}),
        far: scope?.far ? this.#deps.offscreen : undefined,
        only: scope?.only,
        claims: scope?.far || scope?.only ? this.#claims : undefined,
      });
      if (res.unfinished) {
        slice!.rest = all.slice(i);
        break;
      }
      if (slice) slice.resume = undefined;
      this.scanned += res.scanned;
      read += res.scanned;
      if (res.capped) this.capped = true;
      if (res.far) this.#setAside(res.far);
      // Observing a root again only renews its options: no need to remember which ones are.
      for (const sr of res.shadowRoots ?? []) this.#observe(sr);
      for (const m of res.mentions) {
        if (this.#hasBadge(m)) continue;
        mentions.push(m);
      }
      seen += res.mentions.length;
    }
    if (slice) {
      slice.seen = seen;
      slice.read = read;
    }
    return mentions;
  }

  /** Addresses worth a visibility check: not known to be no lead, and maybe leads by the digest. */
  readonly #wanted = (email: string): boolean => {
    const lead = this.known.get(email);
    const digest = this.#deps.digest?.();
    return lead !== null && (!digest || lead !== undefined || digest.has(email));
  };

  #setAside(far: ReadonlyMap<string, readonly Element[]>): void {
    for (const [selector, list] of far) {
      let set = this.#far.get(selector);
      if (!set) this.#far.set(selector, (set = new Set()));
      for (const el of list) set.add(el);
    }
  }

  /**
   * Scans `roots` and badges what it finds. A big scan (a whole page, a rebuilt list view) runs in
   * slices of about `SCAN_SLICE_MS`, yielding to the page between them, so that no task of
   * Unison's grows long. With `far`, places far from the viewport are set aside for later; with
   * `only`, just those places are scanned.
   */
  async #process(
    roots: Iterable<ParentNode | Node>,
    prune: boolean,
    recheckWithin: Node[] | 'all' = [],
    far = false,
    only?: ReadonlyMap<string, readonly Element[]>,
  ): Promise<void> {
    const slice: Slice = { until: 0, seen: 0, read: 0, rest: [...roots] };
    const mentions: Mention[] = [];
    const at = this.#changes;
    for (let first = true; first || slice.rest.length > 0; first = false) {
      if (!first) await (this.#deps.yieldToPage ?? defaultYield)();
      if (this.#stopped) return;
      const todo = slice.rest;
      slice.rest = [];
      slice.until = performance.now() + SCAN_SLICE_MS;
      mentions.push(...this.#scan(todo, first && prune, recheckWithin, slice, { far, only }));
    }
    await this.#badge(mentions, at);
  }

  /** Looks up the mentions' addresses and badges those of known leads (near the viewport for many). */
  async #badge(mentions: Mention[], at: number): Promise<void> {
    if (mentions.length === 0) return;
    const own = this.#deps.ownEmails();
    const wanted = mentions.filter((m) => !own.has(m.email));
    await this.#lookupUnknown(wanted.map((m) => m.email));
    if (this.#stopped) return;
    // Looked at again when a batch was handled at once meanwhile: the page may have reused a row
    // for another contact, or hidden it, while the lookup was out (or the pass yielded), and that
    // batch could not see it, nothing of this pass being tracked yet (batches queued for idle
    // time come after the pass, and look again at what it tracked). All are looked at before any
    // badge goes in: a check between two inserts would make the browser work out style each time.
    const { adapter, doc } = this.#deps;
    const fresh = this.#notBesideBadges(
      wanted.filter((m) => this.known.get(m.email) && (at === this.#changes ? m.anchor.isConnected : adapter.isStillVisible(m.anchor, doc, undefined, m.email))),
    );
    if (fresh.length === 0) return;
    const whenNear = fresh.length > EAGER_BADGES ? this.#deps.whenNear : undefined;
    let made = 0;
    for (const m of fresh) {
      if (this.#hasBadge(m)) continue;
      const rec = this.#track(m);
      if (whenNear) {
        this.#defer(rec, m, whenNear);
        continue;
      }
      this.#create(rec, m, this.known.get(m.email)!);
      if (++made % BADGES_PER_TASK === 0) await (this.#deps.yieldToPage ?? defaultYield)();
      if (this.#stopped) return;
    }
    this.#dropOwnRecords();
  }

  /**
   * Asks the background about the addresses not asked about yet. A lookup that fails (the
   * background gone a moment, its store busy) is not remembered as "not a lead": a later pass
   * that meets those addresses asks again.
   */
  async #lookupUnknown(emails: string[]): Promise<void> {
    await this.#ask([...new Set(emails)].filter((e) => !this.known.has(e)), this.known);
  }

  /**
   * Looks up `emails` in messages of `LOOKUP_CHUNK` and writes the answers into `into` (null:
   * not a lead), for the chunks the background answered. False when one of them went unanswered.
   */
  async #ask(emails: string[], into: Map<string, LeadSummary | null>): Promise<boolean> {
    let all = true;
    // Stopped (switched off here): no more messages.
    for (let i = 0; i < emails.length && !this.#stopped; i += LOOKUP_CHUNK) {
      const chunk = emails.slice(i, i + LOOKUP_CHUNK);
      const found = await this.#deps.lookup(chunk);
      if (!found) {
        all = false;
        continue;
      }
      for (const e of chunk) into.set(e, null);
      for (const lead of found) into.set(lead.email, lead);
    }
    return all;
  }

  /** Records a visible mention of a known lead (its badge is made now or when it comes near). */
  #track(m: Mention): BadgeRecord {
    const rec: BadgeRecord = { email: m.email, anchor: m.anchor, handle: null, removed: false, waiting: null, unconfirmed: false };
    let byEmail = this.#badges.get(m.anchor);
    if (!byEmail) this.#badges.set(m.anchor, (byEmail = new Map()));
    byEmail.set(m.email, rec);
    return rec;
  }

  /** Makes the badge once the mention's element comes near the viewport. */
  #defer(rec: BadgeRecord, m: Mention, whenNear: NonNullable<EngineDeps['whenNear']>): void {
    const target = m.anchor.nodeType === 1 ? (m.anchor as Element) : m.anchor.parentElement;
    if (!target) return this.#create(rec, m, this.known.get(m.email)!);
    rec.waiting = { mention: m, target };
    const watched = this.#near.get(target);
    if (watched) {
      watched.records.push(rec);
      return;
    }
    const entry = { records: [rec], stop: () => undefined as void };
    this.#near.set(target, entry);
    entry.stop = whenNear(target, () => {
      this.#near.delete(target);
      for (const r of entry.records) {
        const mention = r.waiting?.mention;
        r.waiting = null;
        const lead = this.known.get(r.email);
        if (lead && !r.removed && mention && !this.#stopped && mention.anchor.isConnected) this.#create(r, mention, lead);
      }
      this.#dropOwnRecords();
    });
  }

  #create(rec: BadgeRecord, m: Mention, lead: LeadSummary, pending = false): void {
    rec.handle = this.#deps.createBadge(m, lead, pending);
  }

  #dropBadge(rec: BadgeRecord): void {
    rec.removed = true;
    rec.handle?.remove();
    if (rec.waiting) {
      const { target } = rec.waiting;
      rec.waiting = null;
      const watched = this.#near.get(target);
      if (watched && watched.records.every((r) => r.removed)) {
        watched.stop();
        this.#near.delete(target);
      }
    }
  }

  /** Removes badges whose mention left the page (or, after attribute changes, became hidden). */
  #prune(recheckWithin: Node[] | 'all'): Node[] {
    const { adapter, doc } = this.#deps;
    const memo = new Map<Element, boolean>();
    const rescan: Node[] = [];
    // A mention inside what changed (in a shadow root within it too), or around it: a finder may
    // anchor a badge above the text that holds the address (a table cell, a link).
    // By ancestry, in one walk up from each target and from each badge (a page that changes the
    // text of a thousand badged rows at once must not cost a thousand times a thousand checks).
    let recheck = (_anchor: Node) => true;
    if (recheckWithin !== 'all') {
      const targets = new Set(recheckWithin);
      const around = new Set<Node>();
      for (const t of recheckWithin) for (let n: Node | null = t; n && !around.has(n); n = parentOf(n)) around.add(n);
      recheck = (anchor) => {
        if (around.has(anchor)) return true;
        for (let n: Node | null = anchor; n; n = parentOf(n)) if (targets.has(n)) return true;
        return false;
      };
    }
    for (const [anchor, byEmail] of this.#badges) {
      const changed = anchor.isConnected && recheck(anchor);
      for (const [email, rec] of byEmail) {
        const hostGone = rec.handle !== null && !rec.handle.host.isConnected;
        // Gone, hidden, or no longer this address (the page reused the element for someone else,
        // or edited its text): a changed mention is a root of this pass, scanned again anyway.
        const mentionGone = !anchor.isConnected || (changed && !adapter.isStillVisible(anchor, doc, memo, email));
        if (!mentionGone && !hostGone) continue;
        if (!mentionGone && anchor.parentNode) rescan.push(anchor.parentNode);
        this.#dropBadge(rec);
        byEmail.delete(email);
      }
      if (byEmail.size === 0) this.#badges.delete(anchor);
    }
    return rescan;
  }
}

/**
 * A batch that only adds or changes a few nodes (no attribute changes to recheck): at most
 * `SYNC_BATCH_NODES` elements, counting those inside added subtrees.
 */
function smallAddition(records: MutationRecord[]): boolean {
  let added = 0;
  for (const r of records) {
    if (r.type === 'attributes') return false;
    for (const n of r.addedNodes) {
      added += n.nodeType === 1 ? 1 + (n as Element).getElementsByTagName('*').length : 1;
      if (added > SYNC_BATCH_NODES) return false;
    }
  }
  return true;
}

/** Drops roots contained in another root of the set. */
function outermost(roots: Set<Node>): Node[] {
  if (roots.size <= 1) return [...roots];
  const out: Node[] = [];
  for (const r of roots) {
    let p = r.parentNode;
    let inside = false;
    while (p) {
      if (roots.has(p)) {
        inside = true;
        break;
      }
      p = p.parentNode;
    }
    if (!inside) out.push(r);
  }
  return out;
}
