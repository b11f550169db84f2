/**
 * `partitionFar`: places near the viewport and places far from it, with one look in FAR_STRIDE
 * where a list runs on far from the viewport.
 */
import { describe, expect, it, vi } from 'vitest';
import { FAR_STRIDE, partitionFar } from '@/utils/sites/dom';

/** Places as elements, each lying where `sides` says. */
function places(sides: Array<-1 | 0 | 1>) {
  const els = sides.map((_, i) => {
    const el = document.createElement('a');
    el.id = `p${i}`;
    return el;
  });
  const where = vi.fn((el: Element) => sides[Number(el.id.slice(1))]);
  return { els, where };
}

const ids = (els: Element[]) => els.map((e) => Number(e.id.slice(1)));

describe('partitionFar', () => {
  it('splits a list that scrolls (far above, near, far below) exactly, looking at few of its places', () => {
    const sides = [...Array(300).fill(-1), ...Array(40).fill(0), ...Array(700).fill(1)] as Array<-1 | 0 | 1>;
    const { els, where } = places(sides);
    const { near, far } = partitionFar(els, where);
    expect(ids(near)).toEqual(Array.from({ length: 40 }, (_, i) => 300 + i));
    expect(far).toHaveLength(1000);
    expect(new Set([...near, ...far]).size).toBe(els.length);
    // One look per stride, and one per place in the strides the near part touches.
    expect(where.mock.calls.length).toBeLessThan(els.length / FAR_STRIDE + near.length + 3 * FAR_STRIDE);
  });

  it('looks at nothing in an empty list', () => {
    const where = vi.fn(() => 0 as const);
    expect(partitionFar([], where)).toEqual({ near: [], far: [] });
    expect(where).not.toHaveBeenCalled();
  });

  it('keeps document order in both parts, and handles short lists', () => {
    for (const sides of [[0], [1], [1, 0], [0, -1, 1], [1, 0, -1, 0, 0]] as Array<Array<-1 | 0 | 1>>) {
      const { els, where } = places(sides);
      const { near, far } = partitionFar(els, where);
      expect(ids(near)).toEqual(sides.flatMap((s, i) => (s === 0 ? [i] : [])));
      expect(ids(far)).toEqual(sides.flatMap((s, i) => (s !== 0 ? [i] : [])));
    }
  });

  it('looks at every place between two far ones on opposite sides (a column beside the list)', () => {
    // A side column in document order between rows below and rows above the viewport.
    const sides = [...Array(16).fill(1), 0, 0, ...Array(16).fill(-1)] as Array<-1 | 0 | 1>;
    const { els, where } = places(sides);
    expect(ids(partitionFar(els, where).near)).toEqual([16, 17]);
  });

  it('takes the places between two far ones on the same side to lie there too, unlooked at', () => {
    const sides = Array(2 * FAR_STRIDE + 1).fill(1) as Array<-1 | 0 | 1>;
    sides[3] = 0; // out of the list's order: set aside until the rep scrolls or the popup asks
    const { els, where } = places(sides);
    const { near, far } = partitionFar(els, where);
    expect(near).toEqual([]);
    expect(far).toHaveLength(sides.length);
    expect(where).toHaveBeenCalledTimes(3);
  });
});
