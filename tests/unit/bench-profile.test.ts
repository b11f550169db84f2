import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the benchmark, without types
import { ownScript, ownScriptTime } from '../../bench/lib/profile.mjs';

type Frame = { url: string };
/** A V8 CPU profile: root → page → (ext → dom call), root → idle. */
function profile(samples: number[], deltas: number[]) {
  const node = (id: number, url: string, children: number[] = []) => ({ id, callFrame: { url, functionName: '' } as Frame, children });
  return {
    nodes: [
      node(1, '', [2, 5]),
      node(2, 'https://mail.google.com/app.js', [3]),
      node(3, 'chrome-extension://abc/content-scripts/overlay.js', [4]),
      node(4, ''), // a DOM call made by the content script
      node(5, ''), // (idle)
    ],
    samples,
    timeDeltas: deltas,
  };
}

describe('ownScriptTime (benchmark: the scanner\'s own script time)', () => {
  const unison = ownScript('unison');

  it('ignores samples of the page, of idle time, and of other scanners', () => {
    const p = profile([2, 5, 2, 5], [0, 200, 200, 200]);
    expect(ownScriptTime(p, unison, 200)).toBe(0);
    expect(ownScriptTime(profile([3, 4], [0, 200, 200]), ownScript('naive'), 200)).toBe(0);
    expect(ownScriptTime(profile([3, 4], [0, 200, 200]), ownScript('plain'), 200)).toBe(0);
  });

  it('counts the content script and the DOM calls below it, each sample until the next', () => {
    // Samples: page, ext, dom call, idle; each stands for the interval after it.
    const p = profile([2, 3, 4, 5], [0, 200, 300, 100, 200]);
    expect(ownScriptTime(p, unison, 200)).toBeCloseTo((300 + 100) / 1000, 6);
  });

  it('caps a late sample at two intervals (a starved sampler is not the script\'s time)', () => {
    const p = profile([3, 5], [0, 5000, 200]);
    expect(ownScriptTime(p, unison, 200)).toBeCloseTo(0.4, 6);
  });

  it('names a baseline by its source URL', () => {
    const isNaive = ownScript('naive');
    expect(isNaive('bench-naive-scanner.js')).toBe(true);
    expect(isNaive('bench-linkify-scanner.js')).toBe(false);
    expect(unison('https://mail.google.com/app.js')).toBe(false);
  });
});
