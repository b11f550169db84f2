import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the benchmark, without types
import { ownScript, ownScriptSplit } from '../../bench/lib/profile.mjs';

/** The scanner's whole script time of a profile. */
const ownScriptTime = (p: unknown, isOwn: (url: string) => boolean, interval: number): number => ownScriptSplit(p, isOwn, interval).script;

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

describe('ownScriptSplit: script (benchmark: the scanner\'s own script time)', () => {
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

describe('ownScriptSplit (benchmark: the style and layout a scanner forces early)', () => {
  const unison = ownScript('unison');
  /** root → page → ext → [checkVisibility, appendChild]; root → page → getBoundingClientRect (the page's own). */
  const p = (samples: number[]) => ({
    nodes: [
      { id: 1, callFrame: { url: '', functionName: '(root)' }, children: [2] },
      { id: 2, callFrame: { url: 'https://mail.google.com/app.js', functionName: 'render' }, children: [3, 6] },
      { id: 3, callFrame: { url: 'chrome-extension://abc/content-scripts/overlay.js', functionName: 'visible' }, children: [4, 5] },
      { id: 4, callFrame: { url: '', functionName: 'checkVisibility' }, children: [] },
      { id: 5, callFrame: { url: '', functionName: 'appendChild' }, children: [] },
      { id: 6, callFrame: { url: '', functionName: 'getBoundingClientRect' }, children: [] },
    ],
    samples,
    timeDeltas: [0, ...samples.map(() => 200)],
  });

  it('counts a forcing call below the scanner as forced, within its script time', () => {
    expect(ownScriptSplit(p([3, 4, 4, 5]), unison, 200)).toEqual({ script: 0.8, forced: 0.4 });
  });

  it('ignores forcing calls of the page itself, and a script whose calls force nothing has none', () => {
    expect(ownScriptSplit(p([6, 6, 2]), unison, 200)).toEqual({ script: 0, forced: 0 });
    expect(ownScriptSplit(p([3, 5]), unison, 200)).toEqual({ script: 0.4, forced: 0 });
    expect(ownScriptTime(p([3, 4, 4, 5]), unison, 200)).toBeCloseTo(0.8, 6);
  });
});
