/**
 * Where to put an organisation so it never lands on another node or its label. Pure geometry over boxes in
 * model coordinates (cytoscape's `boundingBox({ includeLabels: true })`), so it is tested without a browser.
 */
import type { Position } from '@tablemap/model';

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Clear space kept between two nodes' boxes (labels included), in model px. */
export const PLACEMENT_GAP = 10;

export function boxesOverlap(a: Box, b: Box, gap: number = 0): boolean {
  return a.x1 < b.x2 + gap && b.x1 < a.x2 + gap && a.y1 < b.y2 + gap && b.y1 < a.y2 + gap;
}

/** A node's box, relative to its position: the same node moved to `at` covers `shift(relative, at)`. */
export function shift(relative: Box, at: Position): Box {
  return { x1: relative.x1 + at.x, y1: relative.y1 + at.y, x2: relative.x2 + at.x, y2: relative.y2 + at.y };
}

export function relativeBox(absolute: Box, position: Position): Box {
  return { x1: absolute.x1 - position.x, y1: absolute.y1 - position.y, x2: absolute.x2 - position.x, y2: absolute.y2 - position.y };
}

/**
 * The free position nearest to `near` for a node whose box relative to its position is `relative`:
 * candidates on rings of growing radius (the point itself first), each ring sampled finely enough that no
 * gap wider than a node is skipped. Deterministic, so two phones with the same picture choose the same spot.
 */
export function findFreeSpot(relative: Box, near: Position, obstacles: Box[], gap: number = PLACEMENT_GAP): Position {
  const clear = (at: Position) => obstacles.every((box) => !boxesOverlap(shift(relative, at), box, gap));
  if (clear(near)) return { x: round(near.x), y: round(near.y) };
  const width = relative.x2 - relative.x1;
  const height = relative.y2 - relative.y1;
  const step = Math.max(12, Math.min(width, height) / 2);
  // Enough rings to get past every obstacle whatever the layout: the far side of their combined extent.
  const extent = obstacles.reduce((far, box) => Math.max(far, Math.hypot(box.x1 - near.x, box.y1 - near.y), Math.hypot(box.x2 - near.x, box.y2 - near.y)), 0);
  const rings = Math.ceil((extent + width + height + gap) / step) + 1;
  for (let ring = 1; ring <= rings; ring++) {
    const radius = ring * step;
    // Wider than tall boxes (labels) fit better beside each other: squash the ring vertically.
    const samples = Math.max(8, Math.ceil((2 * Math.PI * radius) / step));
    for (let sample = 0; sample < samples; sample++) {
      const angle = (sample / samples) * 2 * Math.PI - Math.PI / 2;
      const at = { x: near.x + Math.cos(angle) * radius, y: near.y + Math.sin(angle) * radius * 0.75 };
      if (clear(at)) return { x: round(at.x), y: round(at.y) };
    }
  }
  // Unreachable in practice (the last ring lies outside every obstacle); fall below everything to be safe.
  const bottom = obstacles.reduce((low, box) => Math.max(low, box.y2), near.y);
  return { x: round(near.x), y: round(bottom - relative.y1 + gap + 1) };
}

export interface PlacedNode {
  id: string;
  position: Position;
  /** Box relative to the position (node and label). */
  relative: Box;
  /** Earlier nodes keep their place; a later one that overlaps them moves (creation time, then id). */
  order: [number, string];
}

/**
 * Moves every node that overlaps an earlier one to the nearest free spot, earliest first, and returns the
 * new positions of the nodes that moved. Two phones that added organisations at the same moment may have
 * picked the same spot; both run this on the shared picture and agree on which one moves.
 */
export function resolveOverlaps(nodes: PlacedNode[], gap: number = PLACEMENT_GAP): Record<string, Position> {
  const sorted = [...nodes].sort((a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : a.order[1] > b.order[1] ? 1 : 0));
  const settled: Box[] = [];
  const moved: Record<string, Position> = {};
  for (const node of sorted) {
    let box = shift(node.relative, node.position);
    // Compared without the gap: only a real overlap moves a node someone may have placed by hand.
    if (settled.some((other) => boxesOverlap(box, other))) {
      const spot = findFreeSpot(node.relative, node.position, settled, gap);
      moved[node.id] = spot;
      box = shift(node.relative, spot);
    }
    settled.push(box);
  }
  return moved;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
