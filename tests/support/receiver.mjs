// A team endpoint for tests and benchmarks: a real HTTP server on loopback that accepts
// `unison.feedback/1` batches, de-duplicates them by event id, counts every delivery, and
// misbehaves on a schedule (errors, throttling, dropped connections, stalls, a 401, partial
// acceptance). It also serves a campaign feed with an ETag.
//
//   import { startReceiver, standardFaults } from './tests/support/receiver.mjs';
//   const rx = await startReceiver({ faults: standardFaults({ seed: 7 }) });
//   ... point the extension at rx.url ...
//   rx.report(); // { unique, deliveries, duplicates, requests, byFault, rejected, ... }
//   await rx.close();
//
// Faults, one per POST, decided by `faults` (an array consumed in order, then 'ok'; or a
// function (n, batch) => fault):
//   'ok'          200 {accepted: [all ids], rejected: []}
//   'empty-200'   204 with no body (every event accepted)
//   '500'         500, nothing stored
//   '503-after'   events stored, then 503 (the client must resend; the receiver de-duplicates)
//   '429'         429 with Retry-After in seconds (`retryAfter`, default '1'), nothing stored
//   '429-date'    429 with Retry-After as an HTTP date `retryAfter` seconds ahead
//   'drop'        the connection is destroyed before the body is read: nothing stored
//   'drop-after'  the body is read and stored, then the connection is destroyed (no answer)
//   'stall'       the body is read and stored, then no answer for `stallMs` (past the client's timeout)
//   '401'         401 {"error":"invalid token"}, nothing stored
//   'partial'     200 with some ids rejected: `rejectIds(id)` decides, else every 7th event of the batch
//   { status, body, headers, store } any other answer
//
// CORS: every answer allows any origin and the `authorization, content-type` headers and exposes
// `Retry-After` and `ETag`; OPTIONS preflights get 204. An extension page or worker can call the
// receiver without a host permission.
import { createServer } from 'node:http';

/** A small seeded PRNG (mulberry32), so a fault schedule is the same on every run. */
export function seededRandom(seed = 1) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The fault mix the reliability tests ask for: about 30% answered 500, and on a schedule 429 with
 * Retry-After (both forms), connections dropped mid-request, stalls past the timeout, exactly one
 * 401 (at request `unauthorizedAt`) and 2xx answers that reject some ids. The special cases
 * come in a fixed cycle so even a short run meets each of them. Returns a function for `faults`.
 */
export function standardFaults({ seed = 1, errorRate = 0.3, special = 0.25, unauthorizedAt = 3 } = {}) {
  const rnd = seededRandom(seed);
  const cycle = ['429', 'drop', 'partial', '429-date', 'drop-after', 'stall', 'partial', '503-after'];
  let k = 0;
  let sent401 = false;
  return (n) => {
    if (!sent401 && n >= unauthorizedAt) {
      sent401 = true;
      return '401';
    }
    const r = rnd();
    if (r < errorRate) return '500';
    if (r < errorRate + special) return cycle[k++ % cycle.length];
    return 'ok';
  };
}

function corsHeaders(extra = {}) {
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Headers': 'authorization, content-type, if-none-match',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Expose-Headers': 'Retry-After, ETag',
    'Access-Control-Max-Age': '600',
    ...extra,
  };
}

/**
 * Starts the receiver on 127.0.0.1 (a random port unless `port` is given).
 * Options: faults, retryAfter ('1'), stallMs (5000), token (expected Bearer token; a mismatch
 * answers 401), rejectIds(id) => boolean | string (an error text), path ('/ingest'),
 * feedPath ('/feed'), log (boolean).
 */
export async function startReceiver(options = {}) {
  const {
    faults = [],
    retryAfter = '1',
    stallMs = 5000,
    token = null,
    rejectIds = null,
    path = '/ingest',
    feedPath = '/feed',
    port = 0,
    host = '127.0.0.1',
    log = false,
  } = options;

  /** id -> number of deliveries that were stored (a stored delivery counts even if the answer was lost). */
  const deliveries = new Map();
  /** id -> the event as first received. */
  const events = new Map();
  /** id -> error for ids this receiver rejected. */
  const rejected = new Map();
  const requests = [];
  const byFault = {};
  const problems = [];
  const sockets = new Set();
  const stalls = new Set();
  let posts = 0;
  let inFlight = 0;
  let maxConcurrent = 0;
  let schedule = faults;
  let feed = null;
  let feedRequests = [];

  function pickFault(n, batch) {
    if (typeof schedule === 'function') return schedule(n, batch) ?? 'ok';
    if (Array.isArray(schedule) && n < schedule.length) return schedule[n] ?? 'ok';
    return 'ok';
  }

  function store(batch) {
    for (const e of batch.events) {
      deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
      if (!events.has(e.id)) events.set(e.id, e);
    }
  }

  function validate(body) {
    if (!body || body.schema !== 'unison.feedback/1') return 'schema must be unison.feedback/1';
    if (typeof body.sentAt !== 'string' || Number.isNaN(Date.parse(body.sentAt))) return 'sentAt must be a date';
    if (!Array.isArray(body.events) || body.events.length < 1 || body.events.length > 500) return 'events must hold 1 to 500 events';
    for (const e of body.events) {
      if (!e || typeof e.id !== 'string') return 'every event needs an id';
      for (const k of ['syncState', 'syncedAt', 'syncError']) if (k in e) return `local field ${k} must not be sent`;
    }
    for (let i = 1; i < body.events.length; i++) {
      if (body.events[i - 1].createdAt > body.events[i].createdAt) return 'events must be oldest first';
    }
    return null;
  }

  function send(res, status, body, headers = {}) {
    const text = body == null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, corsHeaders({ ...(text ? { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' } : {}), ...headers }));
    res.end(text);
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function onPost(req, res) {
    const n = posts++;
    const startedAt = Date.now();
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    const entry = { n, at: new Date().toISOString(), fault: null, status: null, ids: [], authorization: req.headers.authorization ?? null };
    requests.push(entry);
    try {
      if (token !== null && req.headers.authorization !== `Bearer ${token}`) {
        entry.fault = 'bad-token';
        await readBody(req);
        return send(res, 401, { error: 'invalid token' });
      }
      // Decide before reading: 'drop' must happen mid-request.
      let fault = pickFault(n, null);
      entry.fault = typeof fault === 'string' ? fault : 'custom';
      byFault[entry.fault] = (byFault[entry.fault] ?? 0) + 1;
      if (fault === 'drop') {
        req.socket.destroy();
        return;
      }
      const text = await readBody(req);
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        problems.push(`request ${n}: body is not JSON`);
        return send(res, 400, { error: 'body is not JSON' });
      }
      const invalid = validate(body);
      if (invalid) {
        problems.push(`request ${n}: ${invalid}`);
        return send(res, 400, { error: invalid });
      }
      entry.ids = body.events.map((e) => e.id);
      entry.size = body.events.length;
      switch (fault) {
        case 'ok':
          store(body);
          return send(res, (entry.status = 200), { accepted: entry.ids, rejected: [] });
        case 'empty-200':
          store(body);
          return send(res, (entry.status = 204), null);
        case '500':
          return send(res, (entry.status = 500), 'internal error');
        case '503-after':
          store(body);
          return send(res, (entry.status = 503), 'overloaded');
        case '429':
          return send(res, (entry.status = 429), 'slow down', { 'Retry-After': String(retryAfter) });
        case '429-date':
          return send(res, (entry.status = 429), 'slow down', {
            'Retry-After': new Date(Date.now() + Number(retryAfter) * 1000).toUTCString(),
          });
        case 'drop-after':
          store(body);
          req.socket.destroy();
          return;
        case 'stall': {
          store(body);
          await new Promise((resolve) => {
            const t = setTimeout(resolve, stallMs);
            stalls.add(t);
            res.on('close', () => {
              clearTimeout(t);
              resolve();
            });
          });
          if (!res.writableEnded && !res.destroyed) send(res, (entry.status = 200), { accepted: entry.ids, rejected: [] });
          return;
        }
        case '401':
          return send(res, (entry.status = 401), { error: 'invalid token' });
        case 'partial': {
          store(body);
          const rej = [];
          body.events.forEach((e, i) => {
            const verdict = rejectIds ? rejectIds(e.id, e) : i % 7 === 3;
            if (verdict) rej.push({ id: e.id, error: typeof verdict === 'string' ? verdict : 'lead not in CRM' });
          });
          for (const r of rej) rejected.set(r.id, r.error);
          const rejSet = new Set(rej.map((r) => r.id));
          return send(res, (entry.status = 200), { accepted: entry.ids.filter((id) => !rejSet.has(id)), rejected: rej });
        }
        default: {
          if (fault && typeof fault === 'object') {
            if (fault.store !== false) store(body);
            return send(res, (entry.status = fault.status ?? 200), fault.body ?? null, fault.headers ?? {});
          }
          store(body);
          return send(res, (entry.status = 200), { accepted: entry.ids, rejected: [] });
        }
      }
    } finally {
      inFlight--;
      entry.ms = Date.now() - startedAt;
      if (log) console.log(`[receiver] #${n} ${entry.fault} ${entry.status ?? '-'} ${entry.ids.length} ids`);
    }
  }

  async function onFeed(req, res) {
    const entry = { at: new Date().toISOString(), ifNoneMatch: req.headers['if-none-match'] ?? null, status: null };
    feedRequests.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    if (!feed) return send(res, 404, 'no feed');
    if (feed.stallMs) {
      await new Promise((resolve) => {
        const t = setTimeout(resolve, feed.stallMs);
        stalls.add(t);
        res.on('close', () => {
          clearTimeout(t);
          resolve();
        });
      });
      if (res.destroyed) return;
    }
    if (feed.status && feed.status !== 200) return send(res, feed.status, feed.body ?? '');
    if (feed.etag && req.headers['if-none-match'] === feed.etag) {
      res.writeHead(304, corsHeaders({ ETag: feed.etag }));
      return res.end();
    }
    res.writeHead(200, corsHeaders({ 'Content-Type': feed.contentType, ...(feed.etag ? { ETag: feed.etag } : {}) }));
    res.end(feed.body);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, corsHeaders());
      return res.end();
    }
    if (req.method === 'GET' && url.pathname === feedPath) return void onFeed(req, res);
    if (req.method === 'GET' && url.pathname === '/report') return send(res, 200, report());
    if (req.method === 'POST' && url.pathname === path) {
      onPost(req, res).catch((err) => {
        problems.push(String(err));
        if (!res.headersSent) send(res, 500, 'receiver error');
      });
      return;
    }
    send(res, 404, 'not found');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const addr = server.address();
  const origin = `http://${host}:${addr.port}`;

  function report() {
    let total = 0;
    let duplicates = 0;
    const duplicatedIds = [];
    for (const [id, c] of deliveries) {
      total += c;
      if (c > 1) {
        duplicates += c - 1;
        duplicatedIds.push(id);
      }
    }
    const statuses = {};
    for (const r of requests) {
      const k = r.status ?? 'no answer';
      statuses[k] = (statuses[k] ?? 0) + 1;
    }
    return {
      unique: deliveries.size,
      deliveries: total,
      duplicates,
      duplicatedIds,
      requests: requests.length,
      byFault: { ...byFault },
      statuses,
      rejected: rejected.size,
      maxConcurrent,
      problems: [...problems],
    };
  }

  return {
    url: `${origin}${path}`,
    feedUrl: `${origin}${feedPath}`,
    origin,
    port: addr.port,
    events,
    deliveries,
    rejected,
    requests,
    get feedRequests() {
      return feedRequests;
    },
    report,
    /** Replaces the fault schedule (request numbering continues). */
    setFaults(next) {
      schedule = next;
    },
    /** Serves `body` at the feed path; `etag` enables 304 answers; `status` other than 200 breaks it; `stallMs` delays the answer. */
    setFeed(next) {
      feed = next ? { contentType: 'application/json', ...next } : null;
    },
    reset() {
      deliveries.clear();
      events.clear();
      rejected.clear();
      requests.length = 0;
      problems.length = 0;
      feedRequests = [];
      for (const k of Object.keys(byFault)) delete byFault[k];
      posts = 0;
      maxConcurrent = 0;
    },
    async close() {
      for (const t of stalls) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// `node tests/support/receiver.mjs [--port 8787] [--faults standard] [--seed 1]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const get = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const faults = get('faults', 'none') === 'standard' ? standardFaults({ seed: Number(get('seed', '1')) }) : [];
  const rx = await startReceiver({ port: Number(get('port', '8787')), faults, log: true });
  console.log(`receiver on ${rx.url} (feed: ${rx.feedUrl}, report: ${rx.origin}/report)`);
  process.on('SIGINT', async () => {
    console.log(JSON.stringify(rx.report(), null, 2));
    await rx.close();
    process.exit(0);
  });
}
