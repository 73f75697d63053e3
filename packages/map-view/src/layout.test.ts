import { describe, expect, it } from 'vitest';
import { LARGE_GRAPH_NODES, layoutOptionsFor, scaleNodeSizes } from './layout.ts';

describe('scaleNodeSizes', () => {
  it('maps weight 0 to min, the largest weight to max, and scales the area (sqrt) in between', () => {
    const sizes = scaleNodeSizes({ leaf: 0, quarter: 4, hub: 16 }, { min: 20, max: 60 });
    expect(sizes.leaf).toBe(20);
    expect(sizes.hub).toBe(60);
    // sqrt(4 / 16) = 0.5 of the way from 20 to 60; a linear scale would give 30.
    expect(sizes.quarter).toBe(40);
  });

  it('keeps a dominant broker from dwarfing the rest: a weight 100× smaller still gets a tenth of the range', () => {
    const sizes = scaleNodeSizes({ broker: 100, small: 1 }, { min: 10, max: 110 });
    expect(sizes.small).toBe(20);
  });

  it('does not care about the scale of the weights, only their ratios', () => {
    expect(scaleNodeSizes({ a: 0.002, b: 0.008 })).toEqual(scaleNodeSizes({ a: 2, b: 8 }));
  });

  it('with a ceiling (a 0–5 rating) sizes are absolute: a median of 5 is the largest, all-1s stay small', () => {
    expect(scaleNodeSizes({ a: 1, b: 1 }, { min: 20, max: 60 }, 4)).toEqual({ a: 40, b: 40 });
    expect(scaleNodeSizes({ top: 5, none: 0 }, { min: 20, max: 60 }, 5)).toEqual({ top: 60, none: 20 });
    expect(() => scaleNodeSizes({ a: 1 }, { min: 20, max: 60 }, 0)).toThrow(/ceiling/);
  });

  it('draws every node at min when no weight is positive (e.g. betweenness 0 everywhere)', () => {
    expect(scaleNodeSizes({ a: 0, b: 0 }, { min: 24, max: 48 })).toEqual({ a: 24, b: 24 });
    expect(scaleNodeSizes({})).toEqual({});
  });

  it('refuses negative or non-finite weights, naming the organisation', () => {
    expect(() => scaleNodeSizes({ ok: 1, bad: -1 })).toThrow(/"bad".*≥ 0/);
    expect(() => scaleNodeSizes({ nan: Number.NaN })).toThrow(/"nan"/);
    expect(() => scaleNodeSizes({ inf: Number.POSITIVE_INFINITY })).toThrow(/"inf"/);
  });

  it('refuses a range that is empty, reversed or not positive', () => {
    expect(() => scaleNodeSizes({ a: 1 }, { min: 40, max: 20 })).toThrow(/min ≤ max/);
    expect(() => scaleNodeSizes({ a: 1 }, { min: 0, max: 20 })).toThrow(/0 < min/);
  });
});

describe('layoutOptionsFor', () => {
  it('never animates and never fits by itself, at any size', () => {
    for (const count of [0, 10, LARGE_GRAPH_NODES + 1, 500]) {
      const options = layoutOptionsFor(count, false);
      expect(options.animate).toBe(false);
      expect(options.fit).toBe(false);
      expect(options.name).toBe('fcose');
    }
  });

  it('uses the full force-directed pass and label sizes on a table-sized map', () => {
    const options = layoutOptionsFor(40, false);
    expect(options.quality).toBe('default');
    expect(options.randomize).toBe(true);
    expect(options.nodeDimensionsIncludeLabels).toBe(true);
  });

  it('trades polish for speed on a large first layout', () => {
    const small = layoutOptionsFor(LARGE_GRAPH_NODES, false);
    const large = layoutOptionsFor(LARGE_GRAPH_NODES + 1, false);
    expect(large.quality).toBe('draft');
    expect(large.nodeDimensionsIncludeLabels).toBe(false);
    expect(large.numIter).toBeLessThan(small.numIter);
  });

  it('lays out incrementally when nodes are pinned: no randomising, and never draft (fcose would not move new nodes)', () => {
    for (const count of [10, 500]) {
      const options = layoutOptionsFor(count, true);
      expect(options.randomize).toBe(false);
      expect(options.quality).not.toBe('draft');
    }
  });

  it('refuses a node count that is not a whole number ≥ 0', () => {
    expect(() => layoutOptionsFor(-1, false)).toThrow(RangeError);
    expect(() => layoutOptionsFor(2.5, false)).toThrow(/whole number/);
  });
});
