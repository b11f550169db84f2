/**
 * The background's message handler. Every message is untrusted until parsed: unknown types,
 * bad values, senders that are not this extension's pages or content scripts on the sites
 * Unison runs on are ignored (answered with nothing).
 */
import type { Browser } from 'wxt/browser';
type MessageSender = Browser.runtime.MessageSender;
import type { UnisonDB } from './db';
import { addNote, answersFor, pendingCount, recordFeedback, toWireEvent, undoFeedback } from './feedback';
import { leadDigest } from './lead-digest';
import { leadCard, lookupLeads, type LeadCache } from './leads';
import { parseRequest, type Answers, type UnisonRequest, type UnisonResponse } from './protocol';
import { emailSchema } from './schema';
import { allowedRepDomain, atAllowedDomain, readPolicy, readStoredSettings, isSiteEnabled, ownEmails, type Policy, type Settings } from './settings';
import { customDomainGranted, type PermissionsApi } from './custom-sites';
import { builtinSiteCovering, builtinSiteForHost, type EventSite, type SiteId } from './sites/hosts';

export interface RouterDeps {
  db: () => UnisonDB;
  /** This extension's id and the URL prefix of its pages. */
  extensionId: string;
  extensionUrl: string;
  settings?: () => Promise<Settings>;
  /** The administrator's policy (default: read from managed storage each time; the background keeps it). */
  policy?: () => Promise<Policy>;
  /** Tells every tab that a lead's answers changed. */
  broadcast?: (email: string, answers: unknown) => Promise<void>;
  syncNow?: () => Promise<boolean>;
  onSettingsChanged?: () => Promise<void>;
  /** Tells every tab that campaign data changed. */
  broadcastDataChanged?: () => Promise<void>;
  now?: () => Date;
  /**
   * The browser's permissions: a custom domain is answered only while its access is granted (it
   * can be withdrawn in the browser's own settings, with the page still open).
   */
  permissions?: Pick<PermissionsApi, 'contains'>;
  /**
   * Remembers lookups between messages (the background keeps one for its lifetime); its lead
   * index also gives content scripts the lead digest with `hello`.
   */
  cache?: LeadCache;
}

export type SenderKind =
  | { kind: 'page'; site: EventSite; siteId: null }
  | { kind: 'content'; site: EventSite; siteId: SiteId; /** An added CRM domain's host (its access is checked). */ host?: string };

/** Who sent a message, or null when Unison does not answer that sender. */
export function classifySender(sender: MessageSender | undefined, deps: RouterDeps, settings: Settings): SenderKind | null {
  if (!sender || sender.id !== deps.extensionId) return null;
  const url = sender.url ?? sender.tab?.url;
  if (!url) return null;
  if (url.startsWith(deps.extensionUrl)) return { kind: 'page', site: 'popup', siteId: null };
  // A content script's message always comes from a tab.
  if (!sender.tab || typeof sender.tab.id !== 'number') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const host = parsed.hostname.toLowerCase();
  const builtin = builtinSiteForHost(host);
  if (builtin) {
    if (parsed.protocol !== 'https:' || !isSiteEnabled(settings, builtin.id)) return null;
    if (builtinSiteCovering(host)) return { kind: 'content', site: builtin.id, siteId: builtin.id };
    // A host of the site its manifest patterns leave out (another HubSpot data centre) is one
    // the rep added in Sites: with the site's adapter, but answered only as an added domain is
    // (listed, "Custom domains" on, its access granted).
    return settings.customDomains.includes(host) && isSiteEnabled(settings, 'custom') ? { kind: 'content', site: builtin.id, siteId: builtin.id, host } : null;
  }
  if (settings.customDomains.includes(host) && isSiteEnabled(settings, 'custom')) {
    return { kind: 'content', site: 'custom', siteId: 'custom', host };
  }
  return null;
}

/**
 * The lead digest for a content script's `hello`: from the lead index when it is built for the
 * current campaign data. While it is being built (the worker just started, or the data changed)
 * `hello` answers at once without one; the page then works from lookups alone.
 */
async function helloDigest(db: UnisonDB, cache: LeadCache | undefined) {
  const index = cache ? await cache.current(db) : null;
  return index ? leadDigest(index) : null;
}

/** Who sent a message, when Unison answers it now: `classifySender`, and an added domain's access still granted. */
async function answeredSender(sender: MessageSender | undefined, deps: RouterDeps, settings: Settings): Promise<SenderKind | null> {
  const from = classifySender(sender, deps, settings);
  // An added domain's access can be withdrawn in the browser's settings, its page still open.
  if (from?.kind === 'content' && from.host && deps.permissions && !(await customDomainGranted(deps.permissions, from.host))) return null;
  return from;
}

/**
 * Whether the content script of a tab showing `url` is answered now: only those are told of new
 * answers (a page whose site was switched off, or whose added domain lost its access, hears
 * nothing more of the rep's feedback).
 */
export async function tabAnswered(url: string | undefined, deps: RouterDeps, settings: Settings): Promise<boolean> {
  if (!url) return false;
  const tab = { id: 0, url } as NonNullable<MessageSender['tab']>;
  return (await answeredSender({ id: deps.extensionId, url, tab }, deps, settings))?.kind === 'content';
}

/** Handles one message; resolves to undefined when the message is ignored. */
export async function handleMessage(message: unknown, sender: MessageSender | undefined, deps: RouterDeps): Promise<UnisonResponse | undefined> {
  // The rep's own settings (sites, custom domains, You): none of them is set by policy, and
  // reading `storage.managed` can take seconds while the browser starts.
  const settings = await (deps.settings ?? readStoredSettings)();
  const from = await answeredSender(sender, deps, settings);
  if (!from) return undefined;
  const req = parseRequest(message, from.kind);
  if (!req) return undefined;
  return respond(req, from, settings, deps);
}

/**
 * Tells open tabs about new answers without holding up the reply: the click is saved already,
 * and a tab that is slow to answer (or gone) must neither delay nor fail it.
 */
function tellTabs(deps: RouterDeps, email: string, answers: Answers): void {
  deps.cache?.setAnswers(email, answers);
  try {
    void deps.broadcast?.(email, answers).catch(() => undefined);
  } catch {
    // Nothing to undo: the event is stored.
  }
}

async function respond(req: UnisonRequest, from: SenderKind, settings: Settings, deps: RouterDeps): Promise<UnisonResponse> {
  const db = deps.db();
  const now = deps.now?.() ?? new Date();
  // The rep as set in `You`; an address that is not one is left out rather than stored.
  const repEmail = emailSchema.safeParse(settings.you.email);
  const rep = { name: settings.you.name.trim() || null, email: repEmail.success ? repEmail.data : null };
  // Where the message comes from, as events keep it: an added domain's events are its own only.
  const stamp = { rep, site: from.site, now, host: from.kind === 'content' ? from.host : undefined };
  // An event carries the rep's address only at the domain a policy allows (saved in You before
  // the policy came, it is not the organisation's to send).
  const stamped = async () => ({ ...stamp, rep: { ...rep, email: atAllowedDomain(rep.email, allowedRepDomain(await (deps.policy ?? readPolicy)())) } });
  switch (req.type) {
    case 'hello':
      return {
        type: 'hello',
        enabled: true,
        site: from.site,
        siteId: from.siteId,
        repEmail: rep.email,
        digest: from.kind === 'content' ? await helloDigest(db, deps.cache) : null,
      };
    case 'lookup':
      return { type: 'lookup', leads: await lookupLeads(db, req.emails, ownEmails(settings), deps.cache) };
    case 'card':
      return { type: 'card', card: await leadCard(db, req.email) };
    case 'feedback': {
      const event = await recordFeedback(db, req.input, await stamped());
      const answers = event.leadEmail ? await answersFor(db, event.leadEmail) : {};
      if (event.leadEmail) tellTabs(deps, event.leadEmail, answers);
      return { type: 'feedback', ok: true, event: toWireEvent(event), answers };
    }
    case 'undo': {
      const removed = await undoFeedback(db, req.id, now, from.site, stamp.host);
      const answers = removed?.leadEmail ? await answersFor(db, removed.leadEmail) : {};
      if (removed?.leadEmail) tellTabs(deps, removed.leadEmail, answers);
      return { type: 'undo', ok: !!removed, answers };
    }
    case 'note': {
      const event = await addNote(db, req.id, req.note, await stamped(), req.noteId);
      if (!event) return { type: 'note', ok: false, answers: {} };
      const answers = event.leadEmail ? await answersFor(db, event.leadEmail) : {};
      if (event.leadEmail) tellTabs(deps, event.leadEmail, answers);
      return { type: 'note', ok: true, event: toWireEvent(event), answers };
    }
    case 'pending-count':
      return { type: 'pending-count', pending: await pendingCount(db) };
    case 'sync-now':
      return { type: 'sync-now', ok: (await deps.syncNow?.()) ?? false };
    case 'settings-changed':
      await deps.onSettingsChanged?.();
      // Open tabs ask again whether Unison runs there: a site switched off leaves its pages now.
      void deps.broadcastDataChanged?.().catch(() => undefined);
      return { type: 'settings-changed', ok: true };
    case 'data-changed':
      deps.cache?.clear();
      await deps.broadcastDataChanged?.();
      return { type: 'data-changed', ok: true };
  }
}
