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
 * The time (ms) of a V8 CPU profile's samples whose stack holds a frame of the scanner's script:
 * its JavaScript wherever it runs (tasks, callbacks, promise jobs) and the DOM calls it makes
 * (with any style or layout they force). `ScriptDuration` of Performance.getMetrics misses the
 * promise jobs, where most of an async content script runs. A sample stands for the time until
 * the next one, at most two intervals: on a busy machine the sampler is sometimes late, and a
 * gap after the scanner's last sample of a task is mostly the page's time or idle time.
 */
export function ownScriptTime(profile, isOwn, intervalUs = PROFILE_INTERVAL_US) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const own = new Set();
  const root = profile.nodes[0];
  const stack = [[root.id, false]];
  while (stack.length) {
    const [id, inherited] = stack.pop();
    const node = byId.get(id);
    const mine = inherited || isOwn(node.callFrame.url);
    if (mine) own.add(id);
    for (const c of node.children ?? []) stack.push([c, mine]);
  }
  let us = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) if (own.has(samples[i])) us += Math.min(timeDeltas[i + 1] ?? intervalUs, 2 * intervalUs);
  return us / 1000;
}
