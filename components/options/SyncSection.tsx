/**
 * The Sync section: where reps' feedback goes (endpoint, access token), where campaign data comes
 * from (feed URL), "Sync now", and what sync is doing. Values an administrator set by policy are
 * shown locked. The token is never shown again after saving, only its last characters; a token
 * set by policy not even those.
 */
import { liveQuery } from 'dexie';
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { getDb } from '@/utils/db';
import { readFeedState, type FeedState } from '@/utils/feed';
import { checkServiceUrl, readSettings, updateSettings, type IgnoredPolicy, type Policy } from '@/utils/settings';
import { syncStatus, type SyncStatus } from '@/utils/sync';
import './charts/charts.css';

/** `••••abcd`: enough to tell tokens apart, never the token. Short tokens show nothing of themselves. */
export function maskToken(token: string): string {
  if (!token) return '';
  return token.length >= 12 ? `••••${token.slice(-4)}` : '••••';
}

/** The match pattern a permission request names for a service URL (no port: patterns have none). */
export function originPattern(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}/*`;
  } catch {
    return null;
  }
}

function when(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The lines of the status element (plain text; the first always says how many are pending). */
export function statusLines(s: SyncStatus, feed: FeedState | null, endpoint: string, feedUrl: string): string[] {
  const lines = [`${s.pending} pending${s.rejectedCount ? `, ${s.rejectedCount} rejected by the endpoint` : ''}`];
  if (!endpoint) lines.push('Sync is off: no endpoint set.');
  lines.push(`Last successful sync: ${when(s.lastSuccessAt)}`);
  if (s.held) {
    lines.push(
      `Held since ${when(s.held.at)}: the endpoint answered ${s.held.status ? `HTTP ${s.held.status}` : 'with a redirect'}${s.held.body ? ` — ${s.held.body}` : ''}. Fix the settings and save, or press Sync now to try again.`,
    );
  } else if (s.lastError) {
    lines.push(`Last error (${when(s.lastError.at)}): ${s.lastError.message}`);
    if (s.retryAt) lines.push(`Next try: ${when(s.retryAt)}`);
  }
  if (feedUrl && feed) {
    if (feed.lastError) lines.push(`Campaign feed error (${when(feed.lastError.at)}): ${feed.lastError.message}`);
    if (feed.lastImportAt) {
      const r = feed.lastResult;
      lines.push(
        `Campaign feed last loaded ${when(feed.lastImportAt)}${r ? `: ${r.leads} leads${r.skippedRows ? `, ${r.skippedRows} rows skipped (${r.issues ?? ''})` : ''}` : ''}`,
      );
    } else if (!feed.lastError) lines.push('Campaign feed: not loaded yet.');
    if (feed.lastCheckedAt && feed.lastCheckedAt !== feed.lastImportAt && !feed.lastError) lines.push(`Campaign feed checked ${when(feed.lastCheckedAt)}: unchanged.`);
  }
  return lines;
}

/** The part of `browser.permissions` this section uses (tests give an in-memory one). */
export interface HostPermissions {
  contains(p: { origins: string[] }): Promise<boolean>;
  request(p: { origins: string[] }): Promise<boolean>;
}

export function SyncSection({ permissions }: { permissions?: HostPermissions } = {}) {
  const perms: HostPermissions = permissions ?? (browser.permissions as unknown as HostPermissions);
  const [endpoint, setEndpoint] = useState('');
  const [savedToken, setSavedToken] = useState('');
  const [tokenInput, setTokenInput] = useState('');
  const [feedUrl, setFeedUrl] = useState('');
  const [interval, setIntervalMinutes] = useState('5');
  const [locked, setLocked] = useState<Array<keyof Policy>>([]);
  const [ignoredPolicy, setIgnoredPolicy] = useState<IgnoredPolicy[]>([]);
  const [inForce, setInForce] = useState({ endpoint: '', feedUrl: '' });
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [feed, setFeed] = useState<FeedState | null>(null);
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState<'save' | 'sync' | null>(null);
  const granted = useRef(new Set<string>());
  /** The settings have been read: until then Save would write the empty fields over them. */
  const [loaded, setLoaded] = useState(false);
  /** Fields the rep typed in before the settings arrived (reading policy can take seconds): kept. */
  const typed = useRef(new Set<'endpoint' | 'feed' | 'interval'>());

  async function loadSettings() {
    const s = await readSettings();
    if (!typed.current.has('endpoint')) setEndpoint(s.sync.endpoint);
    setSavedToken(s.sync.token);
    if (!typed.current.has('feed')) setFeedUrl(s.feed.url);
    if (!typed.current.has('interval')) setIntervalMinutes(String(s.sync.intervalMinutes));
    setLoaded(true);
    setLocked(s.locked);
    setIgnoredPolicy(s.ignoredPolicy);
    setInForce({ endpoint: s.sync.endpoint, feedUrl: s.feed.url });
  }

  async function refreshStatus() {
    const db = getDb();
    const [s, f] = await Promise.all([syncStatus(db), readFeedState(db)]);
    setStatus(s);
    setFeed(f);
  }

  useEffect(() => {
    void loadSettings();
    const db = getDb();
    const sub = liveQuery(() => Promise.all([syncStatus(db), readFeedState(db)])).subscribe({
      next: ([s, f]) => {
        setStatus(s);
        setFeed(f);
      },
      error: () => undefined,
    });
    // The worker writes from another context: a slow poll as well, in case a change is not observed.
    const timer = setInterval(() => void refreshStatus().catch(() => undefined), 10_000);
    return () => {
      sub.unsubscribe();
      clearInterval(timer);
    };
  }, []);

  // Which origins are already granted, known before Save so the request happens in the click itself.
  useEffect(() => {
    for (const url of [endpoint, feedUrl]) {
      const pattern = url && !checkServiceUrl(url) ? originPattern(url) : null;
      if (!pattern || granted.current.has(pattern)) continue;
      Promise.resolve()
        .then(() => perms.contains({ origins: [pattern] }))
        .then((yes) => {
          if (yes) granted.current.add(pattern);
        })
        .catch(() => undefined);
    }
  }, [endpoint, feedUrl]);

  const isLocked = (k: keyof Policy) => locked.includes(k);

  function save(e: Event) {
    e.preventDefault();
    if (!loaded) return;
    setMessage('');
    const problems: string[] = [];
    const ep = endpoint.trim();
    const fu = feedUrl.trim();
    if (ep && !isLocked('endpoint')) {
      const p = checkServiceUrl(ep);
      if (p) problems.push(`Endpoint URL: ${p}`);
    }
    if (fu && !isLocked('feedUrl')) {
      const p = checkServiceUrl(fu);
      if (p) problems.push(`Campaign feed URL: ${p}`);
    }
    const minutes = Number(interval);
    if (!isLocked('syncIntervalMinutes') && (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)) {
      problems.push('Sync every: a whole number of minutes from 1 to 1440.');
    }
    setErrors(problems);
    if (problems.length) return;

    // Asked for here, inside the click, and only for origins not granted yet. Saving does not wait
    // for it: an endpoint that answers CORS works without the permission.
    const wanted = [...new Set([ep, fu].filter(Boolean).map(originPattern).filter((p): p is string => !!p && !granted.current.has(p)))];
    let permission: Promise<boolean> = Promise.resolve(true);
    if (wanted.length) {
      try {
        permission = Promise.resolve(perms.request({ origins: wanted })).catch(() => false);
      } catch {
        permission = Promise.resolve(false);
      }
    }
    void finishSave(ep, fu, minutes, wanted, permission);
  }

  async function finishSave(ep: string, fu: string, minutes: number, wanted: string[], permission: Promise<boolean>) {
    setBusy('save');
    try {
      const token = tokenInput;
      await updateSettings((s) => {
        if (!isLocked('endpoint')) s.sync.endpoint = ep;
        if (!isLocked('token') && token) s.sync.token = token;
        if (!isLocked('feedUrl')) s.feed.url = fu;
        if (!isLocked('syncIntervalMinutes')) s.sync.intervalMinutes = minutes;
      });
      setTokenInput('');
      // The background first: reading the settings back (policy included) can take seconds.
      const told = browser.runtime.sendMessage({ type: 'settings-changed' }).catch(() => undefined);
      typed.current.clear();
      await loadSettings();
      await told;
      setMessage('Saved.');
      await refreshStatus().catch(() => undefined);
    } catch (err) {
      setErrors([`Could not save: ${err instanceof Error ? err.message : String(err)}`]);
      return;
    } finally {
      setBusy(null);
    }
    const ok = await permission;
    if (ok) {
      for (const p of wanted) granted.current.add(p);
    } else if (wanted.length) {
      setMessage(`Saved. Without access to ${wanted.join(', ')}, the server must allow requests from the extension (CORS).`);
    }
  }

  async function removeToken() {
    await updateSettings((s) => {
      s.sync.token = '';
    });
    await loadSettings();
    await browser.runtime.sendMessage({ type: 'settings-changed' }).catch(() => undefined);
    setMessage('Token removed.');
  }

  async function syncNow() {
    setBusy('sync');
    setMessage('Syncing…');
    try {
      const res = (await browser.runtime.sendMessage({ type: 'sync-now' })) as { type: string; ok?: boolean } | undefined;
      setMessage(res?.ok ? 'Sync finished.' : 'Sync did not finish: see below.');
    } catch (err) {
      setMessage(`Sync could not start: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(null);
      await refreshStatus().catch(() => undefined);
    }
  }

  // Beside the label, not in it: the field's name stays what the automation hooks say.
  const lockNote = (k: keyof Policy) => (isLocked(k) ? <span id={`lock-${k}`} class="u-locked">Set by your organisation</span> : null);
  const describedBy = (k: keyof Policy, ...more: string[]) => [isLocked(k) ? `lock-${k}` : '', ...more].filter(Boolean).join(' ') || undefined;
  const lines = status ? statusLines(status, feed, inForce.endpoint, inForce.feedUrl) : ['Reading sync status…'];

  return (
    <section aria-labelledby="Sync-h">
      <h2 id="Sync-h">Sync</h2>
      <p class="muted">Feedback goes to your team's endpoint; campaign data can come from a feed. Both run on a schedule and on Sync now.</p>
      {ignoredPolicy.map((p) => (
        <p key={p.key} class="error">
          Your organisation's policy sets {p.key} to a value Unison cannot use ({p.message}), so that one setting is ignored. Ask your administrator to correct it.
        </p>
      ))}
      <form onSubmit={save} noValidate>
        <div class="field">
          <label for="sync-endpoint">Endpoint URL</label>
          {lockNote('endpoint')}
          <input
            id="sync-endpoint"
            type="url"
            size={60}
            placeholder="https://feedback.example.com/unison"
            value={endpoint}
            disabled={isLocked('endpoint')}
            aria-describedby={describedBy('endpoint')}
            onInput={(e) => {
              typed.current.add('endpoint');
              setEndpoint(e.currentTarget.value);
            }}
            autocomplete="off"
          />
        </div>
        <div class="field">
          <label for="sync-token">Access token</label>
          {lockNote('token')}
          <input
            id="sync-token"
            type="password"
            size={40}
            value={tokenInput}
            disabled={isLocked('token')}
            placeholder={savedToken ? 'Leave empty to keep the saved token' : ''}
            aria-describedby={describedBy('token', 'sync-token-hint')}
            onInput={(e) => setTokenInput(e.currentTarget.value)}
            autocomplete="off"
          />
          <div id="sync-token-hint" class="muted">
            {isLocked('token') ? (
              'Sent as a Bearer token; it is not shown here.'
            ) : savedToken ? (
              <>
                Saved token: <span>{maskToken(savedToken)}</span>{' '}
                <button type="button" onClick={() => void removeToken()}>
                  Remove token
                </button>
              </>
            ) : (
              'No token saved. Sent as a Bearer token when set.'
            )}
          </div>
        </div>
        <div class="field">
          <label for="sync-interval">Sync every (minutes)</label>
          {lockNote('syncIntervalMinutes')}
          <input
            id="sync-interval"
            type="number"
            min={1}
            max={1440}
            step={1}
            value={interval}
            disabled={isLocked('syncIntervalMinutes')}
            aria-describedby={describedBy('syncIntervalMinutes')}
            onInput={(e) => {
              typed.current.add('interval');
              setIntervalMinutes(e.currentTarget.value);
            }}
          />
        </div>
        <div class="field">
          <label for="feed-url">Campaign feed URL</label>
          {lockNote('feedUrl')}
          <input
            id="feed-url"
            type="url"
            size={60}
            placeholder="https://marketing.example.com/unison-feed.json"
            value={feedUrl}
            disabled={isLocked('feedUrl')}
            aria-describedby={describedBy('feedUrl')}
            onInput={(e) => {
              typed.current.add('feed');
              setFeedUrl(e.currentTarget.value);
            }}
            autocomplete="off"
          />
        </div>
        {errors.length > 0 && (
          <ul class="error" role="alert">
            {errors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        <div class="row">
          <button type="submit" class="primary" disabled={busy === 'save' || !loaded}>
            Save
          </button>
          <button type="button" onClick={() => void syncNow()} disabled={busy === 'sync'}>
            Sync now
          </button>
          <span aria-live="polite">{message}</span>
        </div>
      </form>
      <div role="status" class="u-sync-status">
        {lines.join('\n')}
      </div>
    </section>
  );
}
