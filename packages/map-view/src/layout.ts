/**
 * The fcose options MapView runs, as a pure function so the render benchmark measures the real configuration.
 * Pure: no cytoscape import, safe in Node.
 */

/** Above this many nodes the map is a merged, event-wide map: favour a fast first layout over polish. */
export const LARGE_GRAPH_NODES = 150;

export interface FcoseOptions {
  name: 'fcose';
  animate: false;
  randomize: boolean;
  quality: 'draft' | 'default' | 'proof';
  fit: false;
  nodeDimensionsIncludeLabels: boolean;
  uniformNodeDimensions: boolean;
  packComponents: boolean;
  idealEdgeLength: number;
  nodeRepulsion: number;
  numIter: number;
  nodeSeparation: number;
  sampleSize: number;
  tile: boolean;
}

/**
 * Layout options for a map of `nodeCount` nodes. `hasFixedNodes`: some nodes are already placed and will be
 * pinned with a fixedNodeConstraint, so the layout is incremental (fcose then needs randomize off and a
 * CoSE pass: 'draft' quality would leave the new nodes where they were seeded).
 */
export function layoutOptionsFor(nodeCount: number, hasFixedNodes: boolean): FcoseOptions {
  if (!Number.isInteger(nodeCount) || nodeCount < 0) throw new RangeError(`nodeCount must be a whole number ≥ 0, got ${nodeCount}`);
  const large = nodeCount > LARGE_GRAPH_NODES;
  return {
    name: 'fcose',
    // Animation would delay the first stable picture by its whole duration.
    animate: false,
    randomize: !hasFixedNodes,
    // A large first layout is spectral only ('draft'): the force-directed pass after it costs ~3× as much
    // CPU on 500 nodes (cose-base runs at least 5 × nodes iterations, whatever numIter says). The price is
    // some overlap in the dense core. Incremental layouts need the CoSE pass ('draft' would leave new nodes
    // where they were seeded), which starts cool and settles quickly.
    quality: large && !hasFixedNodes ? 'draft' : 'default',
    // The caller fits gently itself (never zooming a few nodes to poster size).
    fit: false,
    // Measuring every label's text is a large share of the work on a 500-node map; small maps keep it so labels do not overlap.
    nodeDimensionsIncludeLabels: !large,
    uniformNodeDimensions: false,
    packComponents: true,
    idealEdgeLength: large ? 70 : 90,
    nodeRepulsion: 6000,
    // The force-directed pass is O(iterations × nodes). (cose-base never runs fewer than 5 × nodes.)
    numIter: large ? 600 : 1500,
    // The spectral-only layout packs a big map tightly (500 nodes in ~600 px at 75, most overlapping); spread
    // at 400 the fitted overview shows nearly every node apart, and skips labels until the facilitator zooms in.
    nodeSeparation: large ? 400 : 75,
    sampleSize: 25,
    tile: true,
  };
}

export interface NodeSizeRange {
  /** Width and height in px of the lightest node. */
  min: number;
  /** Width and height in px of the heaviest node. */
  max: number;
}

export const DEFAULT_NODE_SIZE = 30;
export const NODE_SIZE_RANGE: NodeSizeRange = { min: 20, max: 64 };

/**
 * Node diameters (px) from weights such as degree or betweenness, on any non-negative scale.
 * The area grows with the weight (sqrt scaling), so one dominant broker does not dwarf everything else:
 * weight 0 → `min`, the largest weight (or `ceiling`, when given and larger) → `max`. If no weight is positive every node gets `min`.
 * Throws a RangeError (naming the organisation) for a negative or non-finite weight, or a bad range.
 */
export function scaleNodeSizes(weights: Record<string, number>, range: NodeSizeRange = NODE_SIZE_RANGE, ceiling?: number): Record<string, number> {
  const { min, max } = range;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min <= 0 || max < min) {
    throw new RangeError(`Node size range must satisfy 0 < min ≤ max, got min ${min}, max ${max}`);
  }
  let heaviest = 0;
  for (const [id, weight] of Object.entries(weights)) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`Node weight for "${id}" must be a finite number ≥ 0, got ${weight}`);
    heaviest = Math.max(heaviest, weight);
  }
  // A fixed ceiling (e.g. 5 on a 0–5 rating) keeps sizes comparable: all-1s stay small rather than filling the range.
  if (ceiling !== undefined) {
    if (!Number.isFinite(ceiling) || ceiling <= 0) throw new RangeError(`Node size ceiling must be a finite number > 0, got ${ceiling}`);
    heaviest = Math.max(heaviest, ceiling);
  }
  const sizes: Record<string, number> = {};
  for (const [id, weight] of Object.entries(weights)) {
    const share = heaviest > 0 ? Math.sqrt(weight / heaviest) : 0;
    sizes[id] = Math.round((min + (max - min) * share) * 10) / 10;
  }
  return sizes;
}
