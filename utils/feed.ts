/**
 * Campaign feed (pull): `GET <feedUrl>` with `If-None-Match` from the last good answer. A 200
 * with JSON (`unison.campaign-data/1`) or CSV, told apart by `Content-Type`, is merged like an
 * import (the same importer, source `feed`); a 304 changes nothing. A broken feed (network error,
 * timeout, an error status, a body that is not campaign data) changes nothing: its error is kept
 * for the options page, and the ETag is not updated, so the next pull fetches it in full.
 */
import type { UnisonDB } from './db';
import { importFromBytes, describeIssues, type ImportResult, type ImportTextOptions } from './import';
import { checkServiceUrl } from './settings';
import { createLock, type RunLock } from './sync';

export const FEED_META_KEY = 'feed.state';
export const FEED_TIMEOUT_MS = 60_000;

export interface FeedState {
  /** The URL the ETag belongs to. */
  url: string | null;
  etag: string | null;
  lastCheckedAt: string | null;
  /** The last pull that merged data. */
  lastImportAt: string | null;
  lastStatus: number | null;
  lastError: { at: string; message: string } | null;
  lastResult: { leads: number; rows: number; skippedRows: number; issues: string | null; format: string | null } | null;
}

export const EMPTY_FEED_STATE: FeedState = {
  url: null,
  etag: null,
  lastCheckedAt: null,
  lastImportAt: null,
  lastStatus: null,
  lastError: null,
  lastResult: null,
};

export type FeedOutcome = 'not-configured' | 'not-modified' | 'imported' | 'error';

export interface FeedResult {
  outcome: FeedOutcome;
  status?: number;
  error?: string;
  result?: ImportResult;
}

type Importer = (db: UnisonDB, bytes: Uint8Array, opts: ImportTextOptions) => Promise<ImportResult>;

export interface FeedDeps {
  db: UnisonDB;
  url: string;
  fetch?: typeof fetch;
  now?: () => Date;
  timeoutMs?: number;
  /** Told when campaign data changed (open pages look their leads up again). */
  onChanged?: () => Promise<void> | void;
  lock?: RunLock;
  importer?: Importer;
}

export async function readFeedState(db: UnisonDB): Promise<FeedState> {
  const rec = (await db.meta.get(FEED_META_KEY))?.value as Partial<FeedState> | undefined;
  return { ...EMPTY_FEED_STATE, ...(rec ?? {}) };
}

async function writeFeedState(db: UnisonDB, s: FeedState): Promise<void> {
  await db.meta.put({ key: FEED_META_KEY, value: s });
}

/**
 * JSON or CSV by `Content-Type`. Servers that only say `text/plain` or `application/octet-stream`
 * (or nothing) are read by the first character of the body; any other type (an HTML login page,
 * an image) is not campaign data: null.
 */
export function feedKind(contentType: string | null, body?: Uint8Array | null): 'json' | 'csv' | null {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (t === 'application/json' || t.endsWith('+json') || t === 'text/json') return 'json';
  if (t === 'text/csv' || t === 'application/csv' || t === 'text/comma-separated-values' || t === 'application/vnd.ms-excel') return 'csv';
  if (t === '' || t === 'text/plain' || t === 'application/octet-stream') {
    if (!body) return null;
    const head = new TextDecoder().decode(body.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
    return head.startsWith('{') ? 'json' : 'csv';
  }
  return null;
}

/** A name for the import record: the last part of the URL path, with the extension the type says. */
function feedFileName(url: string, kind: 'json' | 'csv'): string {
  let last = 'feed';
  try {
    last = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'feed') || 'feed';
  } catch {
    // keep "feed"
  }
  const base = last.replace(/\.(json|csv|txt)$/i, '');
  return `${base}.${kind}`;
}

const sharedLock = createLock('unison-feed');

/** Pulls the feed once. */
export async function pullFeed(deps: FeedDeps): Promise<FeedResult> {
  return (deps.lock ?? sharedLock)(() => pullLocked(deps));
}

async function pullLocked(deps: FeedDeps): Promise<FeedResult> {
  const { db } = deps;
  const url = deps.url.trim();
  const now = () => (deps.now?.() ?? new Date()).toISOString();
  if (!url) return { outcome: 'not-configured' };
  const state = await readFeedState(db);
  const fail = async (message: string, status?: number): Promise<FeedResult> => {
    await writeFeedState(db, { ...state, lastCheckedAt: now(), lastStatus: status ?? null, lastError: { at: now(), message } });
    return { outcome: 'error', error: message, ...(status ? { status } : {}) };
  };
  const urlError = checkServiceUrl(url);
  if (urlError) return fail(urlError);

  const headers: Record<string, string> = { Accept: 'application/json, text/csv;q=0.9' };
  if (state.etag && state.url === url) headers['If-None-Match'] = state.etag;
  const controller = new AbortController();
  let timedOut = false;
  const timeoutMs = deps.timeoutMs ?? FEED_TIMEOUT_MS;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let res: Response;
  let bytes: Uint8Array | null = null;
  try {
    const doFetch = deps.fetch ?? ((i, init) => fetch(i, init));
    res = await doFetch(url, { method: 'GET', headers, signal: controller.signal, credentials: 'omit', cache: 'no-cache' });
    if (res.status === 200) bytes = new Uint8Array(await res.arrayBuffer());
    else await res.body?.cancel().catch(() => undefined);
  } catch (err) {
    clearTimeout(timer);
    if (timedOut) return fail(`The feed did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    return fail(`The feed could not be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
  clearTimeout(timer);

  if (res.status === 304) {
    await writeFeedState(db, { ...state, url, lastCheckedAt: now(), lastStatus: 304, lastError: null });
    return { outcome: 'not-modified', status: 304 };
  }
  if (res.status !== 200) return fail(`The feed answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`, res.status);

  const contentType = res.headers.get('content-type');
  const kind = feedKind(contentType, bytes);
  if (!kind) return fail(`The feed answered with ${contentType ? `"${contentType}"` : 'no Content-Type'}, not JSON or CSV.`, 200);

  let result: ImportResult;
  try {
    result = await (deps.importer ?? importFromBytes)(db, bytes!, {
      fileName: feedFileName(url, kind),
      contentType: kind === 'json' ? 'application/json' : 'text/csv',
      source: 'feed',
      now: deps.now?.(),
    });
  } catch (err) {
    return fail(`The feed could not be imported: ${err instanceof Error ? err.message : String(err)}`, 200);
  }
  if (!result.ok) return fail(`The feed could not be imported: ${result.error ?? 'unknown error'}`, 200);

  const at = now();
  await writeFeedState(db, {
    url,
    etag: res.headers.get('etag'),
    lastCheckedAt: at,
    lastImportAt: at,
    lastStatus: 200,
    lastError: null,
    lastResult: {
      leads: result.leads,
      rows: result.rows,
      skippedRows: result.skippedRows,
      issues: result.issueCount ? describeIssues(result.issues, result.issueCount) : null,
      format: result.formatLabel,
    },
  });
  await deps.onChanged?.();
  return { outcome: 'imported', status: 200, result };
}
