/**
 * The contract between the site adapters (one file per site beside this one) and the overlay
 * engine that calls them from the content script. Adapters only read the page: they never change
 * the DOM, and they import nothing heavy (no zod, no Dexie), since they ship in the content script.
 */
import type { SiteId } from './hosts';

export interface Mention {
  /** Lower-cased, validated address. */
  email: string;
  /** The display name, when the page shows one beside the address. */
  name: string | null;
  /**
   * The element (or Text node) that is the mention: the badge goes right after it, or after what
   * the site writes beside it (`SiteAdapter.badgeAfter`).
   */
  anchor: Node;
  /**
   * For a Text anchor: where the address sits in the node's text (UTF-16 offsets). The engine may
   * split the text node at `textRange[1]` to put the badge right after the address.
   */
  textRange?: [number, number];
}

export interface ScanResult {
  /** Visible mentions in document order per selector group, at most `limit` of them. */
  mentions: Mention[];
  /** Address candidates looked at (valid addresses found, visible or not, before de-duplication). */
  scanned: number;
  /**
   * True when more visible mentions were found than `limit` allows, or more addresses than
   * `addressLimit`: the rest were skipped.
   */
  capped: boolean;
  /**
   * True when the scan stopped at `ScanOptions.until`: call it again with the same `resume` to go
   * on. Only the finished scan's `mentions` and `scanned` are complete.
   */
  unfinished?: boolean;
  /**
   * The places set aside by `ScanOptions.far`, by the selector that found them (opaque: pass it
   * back as `only` to scan them later). Absent when none was.
   */
  far?: ReadonlyMap<string, readonly Element[]>;
  /**
   * The open shadow roots the scan went into (adapters that walk them): the document's mutation
   * observer does not see inside them, so the engine observes each one as well.
   */
  shadowRoots?: ShadowRoot[];
}

/** Where a scan stopped at its deadline (opaque: pass it back as it is). */
export interface ScanResume {
  state?: unknown;
}

/** What scans took, kept for later ones (opaque: pass the same object to each). */
export interface ScanClaims {
  state?: unknown;
}

export interface ScanOptions {
  /** At most this many mentions per scan (default: no cap). */
  limit?: number;
  /**
   * At most this many addresses looked at per scan, mentions or not (default: no cap): past it the
   * scan stops, as at `limit`.
   */
  addressLimit?: number;
  /**
   * A place none of whose addresses it accepts (e.g. none may be a lead) is counted in `scanned`
   * and skipped before its visibility check.
   */
  wanted?: (email: string) => boolean;
  /**
   * What the scans of one pass found out about ancestors (hidden or not), shared between them:
   * valid only while the page does not change, so a new one per pass.
   */
  memo?: Map<Element, boolean>;
  /**
   * A `performance.now()` time past which the scan stops between two places (`unfinished`), so
   * a big page is scanned in slices with the page given the main thread between them.
   */
  until?: number;
  /** The same object for every slice of one scan: what the earlier slices looked at. */
  resume?: ScanResume;
  /**
   * Where a place lies: -1 more than a screen above the viewport, 1 more than a screen below, 0
   * near it (or without a box). Places far from it are set aside unread (`ScanResult.far`), to be
   * scanned when they come near; one place in a few is looked at (see `partitionFar`). Applies to
   * every query of the scan: the places finders go through one by one (links, labelled elements,
   * inputs, people) and the containers whose text they walk (message bodies, email fields, list
   * rows). A text walk over the whole root (the generic adapter's) is not set aside.
   */
  far?: (el: Element) => -1 | 0 | 1;
  /**
   * Scans only these places (an earlier scan's `far`, or part of it), nothing else of the page.
   * The scan's root then only tells the finders where they run; no query goes beyond these.
   */
  only?: ReadonlyMap<string, readonly Element[]>;
  /**
   * The mentions taken by scans given the same object, for de-duplication: a place set aside and
   * scanned later is no second mention of what an earlier scan took beside it (held weakly).
   */
  claims?: ScanClaims;
}

export interface SiteAdapter {
  id: SiteId;
  /**
   * Pure: finds the visible mentions inside `root` (the document or an added subtree, which is
   * itself included). Never returns hidden copies, avatars, the same contact twice for a name and
   * its address beside it, things inside hidden views, or what the user is typing.
   */
  scan(root: ParentNode, doc: Document, opts?: ScanOptions): ScanResult;
  /** The rep's own addresses visible on the page (e.g. Gmail `name="me"` spans, account chip). */
  ownEmails(doc: Document): string[];
  /** Attribute names whose change can show or hide contacts; the engine observes them. */
  watchedAttributes: string[];
  /**
   * Whether a previously found anchor is still a visible mention (after attribute mutations, view
   * switches, text edits), and with `email`, still a mention of that address.
   */
  isStillVisible(anchor: Node, doc: Document, memo?: Map<Element, boolean>, email?: string): boolean;
  /**
   * The node a mention's badge goes right after: the anchor, or what the page writes beside it on
   * the same line (Gmail's `<address>` after a sender's name), so that no text after the badge
   * moves when it goes in.
   */
  badgeAfter(anchor: Node): Node;
}
