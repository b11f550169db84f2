// The scanners' own script time, from a V8 CPU profile of the page (see docs/benchmarks.md).

/** Sampling interval of the CPU profile that gives the scanners' own script time (µs). */
export const PROFILE_INTERVAL_US = 200;

/** Which script is the scanner's: Unison's content script, or the baseline injected into the page. */
export function ownScript(variant) {
  if (variant === 'unison') return (url) => url.startsWith('chrome-extension://');
  if (variant === 'naive' || variant === 'linkify') return (url) => url.endsWith(`bench-${variant}-scanner.js`);
  return () => false;
}

/**
 * Native calls that make the browser work out style or layout then and there, when the page has
 * changed since its last frame. Their time in the scanner's stack is mostly the page's own work
 * for its next frame, done early (a mutation callback runs before the frame that shows the new
 * nodes): the frame then has that much less to do.
 */
export const FORCING = new Set([
  'checkVisibility',
  'getBoundingClientRect',
  'getClientRects',
  'getComputedStyle',
  'elementFromPoint',
  'elementsFromPoint',
  'get offsetWidth',
  'get offsetHeight',
  'get offsetTop',
  'get offsetLeft',
  'get offsetParent',
  'get clientWidth',
  'get clientHeight',
  'get scrollTop',
  'get scrollLeft',
  'get scrollWidth',
  'get scrollHeight',
  'get innerText',
]);

/**
 * The time (ms) of a V8 CPU profile's samples whose stack holds a frame of the scanner's script:
 * its JavaScript wherever it runs (tasks, callbacks, promise jobs) and the DOM calls it makes
 * (with any style or layout they force): `script`. `forced` is the part of it spent inside the
 * native calls of `FORCING` (see there). `ScriptDuration` of Performance.getMetrics misses the
 * promise jobs, where most of an async content script runs. A sample stands for the time until
 * the next one, at most two intervals: on a busy machine the sampler is sometimes late, and a
 * gap after the scanner's last sample of a task is mostly the page's time or idle time.
 */
export function ownScriptSplit(profile, isOwn, intervalUs = PROFILE_INTERVAL_US) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** Node id → 1 the scanner's, 2 the scanner's and inside a forcing call. */
  const own = new Map();
  const root = profile.nodes[0];
  const stack = [[root.id, 0]];
  while (stack.length) {
    const [id, inherited] = stack.pop();
    const node = byId.get(id);
    const cf = node.callFrame;
    let mark = inherited || (isOwn(cf.url) ? 1 : 0);
    if (mark === 1 && !cf.url && FORCING.has(cf.functionName)) mark = 2;
    if (mark) own.set(id, mark);
    for (const c of node.children ?? []) stack.push([c, mark]);
  }
  let us = 0;
  let forcedUs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const mark = own.get(samples[i]);
    if (!mark) continue;
    const dt = Math.min(timeDeltas[i + 1] ?? intervalUs, 2 * intervalUs);
    us += dt;
    if (mark === 2) forcedUs += dt;
  }
  return { script: us / 1000, forced: forcedUs / 1000 };
}
