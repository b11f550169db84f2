/**
 * The content script's main: asks the background whether Unison runs here, picks the site's
 * adapter, and starts the engine with badges and the card in shadow roots.
 */
import { render } from 'preact';
import { useEffect, useReducer, useState } from 'preact/hooks';
import { signal } from '@preact/signals-core';
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import type { Answers, LeadCard, LeadSummary, SpottedReport } from '@/utils/protocol';
import { ADAPTERS } from '@/utils/sites';
import type { SiteAdapter } from '@/utils/sites/types';
import { BADGE_EVENTS, installBadgeEvents, makeBadge, newestBadge, paintDark } from './Badge';
import { Card } from './Card';
import type { FeedbackActions } from './Feedback';
import { detectDarkPage, placeCard } from './format';
import { api, type OverlayApi } from './messages';
import { Digest } from '@/utils/digest';
import { OverlayEngine, afterFrame, type BadgeHandle } from './engine';
import { getLeadSignal, leadSignal, openCard, pageIsDark, setLead, useSignalValue } from './store';
import cardCss from './card.css?inline';

const OWN = 'unison-badge, unison-card';
const ISOLATED_EVENTS = [...BADGE_EVENTS, 'focusin', 'focusout'];

export function isOwnNode(node: Node): boolean {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  // `closest` looks at the element itself first.
  return el?.closest(OWN) != null;
}

/** @param known  the background's `hello` answer when the caller has it already (switched on again) */
export async function startOverlay(ctx: ContentScriptContext, client: OverlayApi = api, known?: Awaited<ReturnType<OverlayApi['hello']>>): Promise<void> {
  const hello = known ?? (await client.hello());
  if (!hello?.enabled || !hello.siteId) {
    // Switched off here: Unison starts when the settings change (switched on again). The newest
    // message decides: one that came while an older one was asking answers for the settings now.
    let asked = 0;
    const again = (msg: { type?: unknown }) => {
      if (msg.type !== 'data-changed') return;
      const n = ++asked;
      void client.hello().then((h) => {
        if (n !== asked || !h?.enabled) return;
        browser.runtime.onMessage.removeListener(again);
        void startOverlay(ctx, client, h);
      });
    };
    browser.runtime.onMessage.addListener(again);
    return;
  }
  const adapter: SiteAdapter | undefined = ADAPTERS[hello.siteId];
  if (!adapter) return;
  let digest = Digest.fromWire(hello.digest);

  // The rep's own addresses on the page, read again while none is found: the page may draw its
  // account menu (Gmail's) only after Unison started.
  let pageOwn: string[] = [];
  // The address saved in You (read again when the settings change).
  let repEmail = hello.repEmail;
  const ownEmails = () => {
    if (!pageOwn.length) pageOwn = adapter.ownEmails(document);
    return new Set([...pageOwn, repEmail!]);
  };

  const applyAnswers = (email: string, answers: Answers) => {
    const next = engine.updateLead(email, { answers });
    if (next) setLead(next);
    else {
      // A lead whose lookup has not answered yet (a pending badge): its badges and card follow.
      const cur = getLeadSignal(email)?.peek();
      if (cur) setLead({ ...cur, answers });
    }
  };

  const actions: FeedbackActions = {
    send: async (input) => {
      const res = await client.feedback(input);
      if (!res) return null;
      if (input.leadEmail) applyAnswers(input.leadEmail, res.answers);
      return res.event;
    },
    undo: async (id) => {
      const email = openCard.value?.email;
      const answers = await client.undo(id);
      if (!answers) return false;
      if (email) applyAnswers(email, answers);
      return true;
    },
    note: async (id, note, noteId) => {
      const email = openCard.value?.email;
      const answers = await client.note(id, note, noteId);
      if (!answers) return false;
      if (email) applyAnswers(email, answers);
      return true;
    },
  };

  const openFor = (email: string, opener: HTMLElement) => {
    if (openCard.value?.email === email) {
      openCard.value = null;
      return;
    }
    const r = opener.getBoundingClientRect();
    openCard.value = { email, opener, rect: { top: r.top, left: r.left, bottom: r.bottom, right: r.right } };
    void ensureCardHost(ctx, client, actions, applyAnswers);
  };

  // One set of listeners for every badge on the page.
  ctx.onInvalidated(installBadgeEvents(window, openFor));
  ctx.onInvalidated(unwatchTheme);

  // One viewport watcher for the page, whichever engine runs.
  const whenNear = nearViewport(ctx);
  const newEngine = () => new OverlayEngine({
    adapter,
    doc: document,
    lookup: client.lookup,
    ownEmails,
    isOwnNode,
    createBadge: (mention, lead, pending) => createBadge(adapter.badgeAfter(mention.anchor), lead, pending),
    whenNear,
    offscreen: sideOfViewport,
    onViewport: (check) => {
      // Scrolling anywhere (the page or a scrolling list inside it) by half a screen since the
      // last check (places within a screen are read, so none comes into view unread), or a
      // resized window.
      const at = new WeakMap<EventTarget, number>();
      const onScroll = (e: Event) => {
        const t = e.target!;
        const y = t === document ? scrollY : (t as Element).scrollTop;
        if (Math.abs(y - (at.get(t) ?? -innerHeight)) < innerHeight / 2) return;
        at.set(t, y);
        check();
      };
      const stop = new AbortController();
      const opts = { capture: true, passive: true, signal: stop.signal };
      addEventListener('scroll', onScroll, opts);
      addEventListener('resize', check, opts);
      return () => stop.abort();
    },
    digest: () => digest,
  });
  let engine = newEngine();
  /** Switched off here: the engine stopped, and a new one starts if the site is switched on again. */
  let off = false;

  browser.runtime.onMessage.addListener((message: unknown) => {
    if (!message || typeof message !== 'object') return undefined;
    const msg = message as { type?: unknown; email?: unknown; answers?: unknown };
    // Every lead on the page, those far down a long list included: their places are scanned now.
    if (msg.type === 'get-spotted') return engine.settle().then(report);
    if (msg.type === 'answers-changed' && typeof msg.email === 'string' && msg.answers && typeof msg.answers === 'object') {
      applyAnswers(msg.email, msg.answers as Answers);
    } else if (msg.type === 'data-changed') {
      void (async () => {
        const again = await client.hello();
        // Switched off here meanwhile (or the domain's access withdrawn: the background then
        // answers nothing): Unison leaves the page.
        if (!again?.enabled) {
          off = true;
          unwatchTheme();
          return engine.stop();
        }
        digest = Digest.fromWire(again.digest);
        repEmail = again.repEmail;
        if (!off) return engine.refreshData();
        // Switched on again: a new engine scans the page afresh.
        off = false;
        engine = newEngine();
        await engine.start();
      })();
    }
    return undefined;
  });

  ctx.addEventListener(window, 'wxt:locationchange', () => {
    pageOwn = [];
    // A new view may come in another theme.
    recheckDark();
    void engine.rescan();
  });

  // A field the rep edited holds a new address (or none) in its value, which no mutation shows:
  // looked at again when it changes and when the rep leaves it (an address is read only then).
  for (const type of ['change', 'focusout'] as const) {
    // The input itself, inside an open shadow root too (`focusout` crosses its boundary; the event's target is then the host).
    ctx.addEventListener(document, type, (e) => {
      const input = e.composedPath()[0] as Element | undefined;
      if (input?.localName === 'input') engine.recheck(input);
    }, { capture: true });
  }

  // A click anywhere outside the card and the badges closes the card.
  ctx.addEventListener(
    document,
    'mousedown',
    (e) => {
      if (!openCard.value) return;
      const inside = e.composedPath().some((n) => n instanceof Element && n.matches(OWN));
      if (!inside) openCard.value = null;
    },
    { capture: true },
  );

  function report(): SpottedReport {
    return { site: hello!.site, leads: engine.spottedLeads(), scanned: engine.scanned, capped: engine.capped };
  }

  ctx.onInvalidated(() => engine.stop());
  await engine.start();
}

/**
 * Where an element lies: more than a screen above the viewport (-1), more than a screen below (1),
 * or near it (0), by the layout the browser already has. One without a box (hidden, `display:
 * contents`) counts as near: it is looked at now, and the visibility check decides.
 */
export function sideOfViewport(el: Element): -1 | 0 | 1 {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return 0;
  const h = window.innerHeight;
  return r.bottom < -h ? -1 : r.top > 2 * h ? 1 : 0;
}

/**
 * Calls back once an element comes within a screen of the viewport (also inside scrolling
 * containers), through one IntersectionObserver: geometry is worked out by the browser with its
 * own layout, off the content script's path.
 */
function nearViewport(ctx: ContentScriptContext): (el: Element, onNear: () => void) => () => void {
  const waiting = new Map<Element, () => void>();
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        const cb = waiting.get(e.target);
        if (!cb) continue;
        waiting.delete(e.target);
        io.unobserve(e.target);
        cb();
      }
    },
    // `scrollMargin` (nested scrolling containers such as a mail list) where the browser has it.
    { rootMargin: '100% 0px', scrollMargin: '100% 0px' } as IntersectionObserverInit,
  );
  ctx.onInvalidated(() => io.disconnect());
  return (el, onNear) => {
    waiting.set(el, onNear);
    io.observe(el);
    return () => {
      if (waiting.delete(el)) io.unobserve(el);
    };
  };
}

let darkChecked = false;
let darkQueued = false;

/**
 * Reads the page's theme again in idle time, and repaints the badges when it changed (the rep
 * switched Gmail to a dark theme, or back, or moved to a view in another theme). Idle time comes
 * after the page's next frame, so the read asks the browser for no style work of its own (before
 * it, on a list view rebuilt by a navigation, it would work out the style of the whole view).
 */
function recheckDark(): void {
  darkChecked = false;
  if (darkQueued) return;
  darkQueued = true;
  afterFrame(() => {
    darkQueued = false;
    pageDark();
  });
}

let stopTheme: (() => void) | null = null;

/** Stops following the page's theme (the site switched off, the script gone); the next badge starts again. */
function unwatchTheme(): void {
  stopTheme?.();
  stopTheme = null;
}

/**
 * Follows the page's theme: a theme switch shows on the root or the body (a class, a style) or
 * in the head (a style sheet added or changed). Returns a function that stops.
 */
function watchTheme(): () => void {
  const mo = new MutationObserver(recheckDark);
  const attrs = { attributes: true, attributeFilter: ['class', 'style'] };
  mo.observe(document.documentElement, attrs);
  if (document.body) mo.observe(document.body, attrs);
  if (document.head) mo.observe(document.head, { childList: true, subtree: true, characterData: true });
  return () => mo.disconnect();
}

/**
 * Whether the page is dark (Gmail's dark themes), read once, when the first badge is made (the
 * card opens from a badge, so it finds the answer there): by then the page has drawn and its
 * styles are worked out, so reading its background asks the browser for no style work of its own.
 */
function pageDark(): boolean {
  if (!darkChecked) {
    darkChecked = true;
    const dark = detectDarkPage(document);
    // Every badge on the page has the page's look: when it changes, all of them follow.
    if (dark !== pageIsDark.peek()) paintDark((pageIsDark.value = dark));
  }
  return pageIsDark.value;
}

/**
 * A badge right after `after` (the mention's anchor, or what the site writes beside it: see
 * `SiteAdapter.badgeAfter`), built while detached and inserted once (see Badge.ts). Not through
 * `createShadowRootUi`, which gives each UI an `<html>`, `<head>`, `<style>` and `<body>` of its
 * own and a few promise turns: fine for the one card, but a mail list brings badges by the dozen
 * and each of those costs the host page time in the same frame as its own rows. The badge keeps
 * what that isolation gives: an open shadow root, styles from one shared sheet that starts with
 * the `:host { all: initial }` reset, and events that never reach the page.
 */
export function createBadge(after: Node, lead: LeadSummary, pending = false): BadgeHandle {
  // A confirmed lead comes with the engine's answer, the newest there is (new campaign data may
  // have renamed a lead whose badges had all gone): the page's other views of it follow. A
  // pending badge has only the page's name for it, and keeps whatever is known already.
  if (!pending && getLeadSignal(lead.email)?.peek() !== lead) setLead(lead);
  // The page's theme matters once it has badges.
  stopTheme ??= watchTheme();
  const badge = makeBadge(document, leadSignal(lead).value, { pending, dark: pageDark() });
  if (after.isConnected) after.parentNode?.insertBefore(badge.host, after.nextSibling);
  return {
    host: badge.host,
    remove: badge.remove,
    confirm: (known) => {
      setLead(known);
      badge.host.removeAttribute('data-unison-pending');
    },
  };
}

let cardHost: Promise<void> | null = null;

/** `onAnswers`: the store's answers for a lead, as a card just loaded them. */
type OnAnswers = (email: string, answers: Answers) => void;

function ensureCardHost(ctx: ContentScriptContext, client: OverlayApi, actions: FeedbackActions, onAnswers: OnAnswers): Promise<void> {
  cardHost ??= createShadowRootUi(ctx, {
    name: 'unison-card',
    mode: 'open',
    position: 'inline',
    anchor: document.body,
    append: 'last',
    css: cardCss,
    isolateEvents: ISOLATED_EVENTS,
    onMount: (container) => {
      render(<CardRoot client={client} actions={actions} onAnswers={onAnswers} />, container);
      return container;
    },
    onRemove: (container) => {
      if (container) render(null, container);
    },
  }).then((ui) => ui.mount());
  return cardHost;
}

const NO_LEAD = signal<LeadSummary | null>(null);

/** The live state of a lead on the page (answers change from any tab). */
function useLeadSignal(email: string | undefined): LeadSummary | null {
  return useSignalValue((email && getLeadSignal(email)) || NO_LEAD);
}

function CardRoot({ client, actions, onAnswers }: { client: OverlayApi; actions: FeedbackActions; onAnswers: OnAnswers }) {
  const open = useSignalValue(openCard);
  const dark = useSignalValue(pageIsDark);
  const leadState = useLeadSignal(open?.email);
  const [data, setData] = useState<{ email: string; card: LeadCard | null; loading: boolean } | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setData({ email: open.email, card: null, loading: true });
    void client.card(open.email).then((card) => {
      if (!live) return;
      setData({ email: open.email, card, loading: false });
      // The card's answers are the store's: the engine's copy and the page's views follow.
      if (card) onAnswers(open.email, card.answers);
    });
    return () => {
      live = false;
    };
  }, [open?.email]);

  // The card stays by its badge as the page scrolls (any scrolling part of it) or the window resizes.
  const [, follow] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!open) return;
    const onMove = () => follow(0);
    const stop = new AbortController();
    for (const type of ['scroll', 'resize']) addEventListener(type, onMove, { capture: true, passive: true, signal: stop.signal });
    return () => stop.abort();
  }, [open]);

  if (!open) return null;
  const { maxHeight, ...at } = placeCard(open.opener?.isConnected ? open.opener.getBoundingClientRect() : open.rect, innerWidth, innerHeight);
  const answers = leadState?.answers ?? data?.card?.answers ?? {};
  const close = () => {
    // Its badge drawn anew and the card not handed over yet: focus goes to the new one.
    const opener = open.opener?.isConnected ? open.opener : newestBadge(open.email);
    openCard.value = null;
    opener?.focus();
  };
  return (
    <div
      class={`wrap${dark ? ' dark' : ''}`}
      style={{ ...at, '--mh': `${maxHeight}px` }}
    >
      <Card
        email={open.email}
        card={data?.email === open.email ? data.card : null}
        loading={data?.email !== open.email || !!data?.loading}
        answers={answers}
        actions={actions}
        onClose={close}
      />
    </div>
  );
}
