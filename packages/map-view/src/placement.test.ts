import { describe, expect, it } from 'vitest';
import { boxesOverlap, findFreeSpot, resolveOverlaps, shift, type Box, type PlacedNode } from './placement.ts';
import { seededRandom } from '@tablemap/model';

/** A 30 px node with a label under it, 100 px wide: the shape cytoscape reports for a short name. */
const NODE: Box = { x1: -50, y1: -15, x2: 50, y2: 36 };

describe('findFreeSpot', () => {
  it('keeps the requested point when it is free', () => {
    expect(findFreeSpot(NODE, { x: 0, y: 0 }, [shift(NODE, { x: 500, y: 500 })])).toEqual({ x: 0, y: 0 });
  });

  it('never returns a spot whose box touches an existing node or label, even in a crowded map', () => {
    const random = seededRandom(7);
    const obstacles: Box[] = [];
    for (let added = 0; added < 60; added++) {
      const near = { x: random() * 200 - 100, y: random() * 200 - 100 };
      const spot = findFreeSpot(NODE, near, obstacles, 10);
      const box = shift(NODE, spot);
      expect(obstacles.some((other) => boxesOverlap(box, other, 10))).toBe(false);
      obstacles.push(box);
    }
  });

  it('stays close to where it was asked: the first free ring, not the edge of the map', () => {
    const obstacles = [shift(NODE, { x: 0, y: 0 })];
    const spot = findFreeSpot(NODE, { x: 0, y: 0 }, obstacles, 10);
    expect(Math.hypot(spot.x, spot.y)).toBeLessThan(130);
  });
});

describe('resolveOverlaps', () => {
  const node = (id: string, x: number, y: number, createdAt: number): PlacedNode => ({ id, position: { x, y }, relative: NODE, order: [createdAt, id] });

  it('moves the later of two organisations that landed on the same spot, and leaves the earlier one', () => {
    const moved = resolveOverlaps([node('late', 0, 0, 2), node('early', 0, 0, 1), node('far', 400, 0, 0)]);
    expect(Object.keys(moved)).toEqual(['late']);
    expect(boxesOverlap(shift(NODE, moved.late!), shift(NODE, { x: 0, y: 0 }))).toBe(false);
  });

  it('leaves a map without overlaps untouched', () => {
    expect(resolveOverlaps([node('a', 0, 0, 1), node('b', 200, 0, 2), node('c', 0, 200, 3)])).toEqual({});
  });

  it('gives the same answer whatever order the nodes arrive in (two phones agree)', () => {
    const nodes = [node('x', 0, 0, 5), node('y', 10, 5, 5), node('z', -5, 0, 4)];
    expect(resolveOverlaps(nodes)).toEqual(resolveOverlaps([...nodes].reverse()));
  });
});
