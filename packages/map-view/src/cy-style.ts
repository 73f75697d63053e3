import type { StylesheetJson } from 'cytoscape';
import { LARGE_GRAPH_NODES } from './layout.ts';
import { linkStatusStyle } from './styles.ts';

/** Label size in model px: on screen it is this times the zoom, so a readable fit never zooms below minLabelPx / this. */
export const LABEL_FONT_PX = 12;

export const CY_STYLE: StylesheetJson = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(colour)',
      shape: 'data(shape)' as never,
      label: 'data(label)',
      // Per node, so the facilitator can size nodes by degree or betweenness without a new layout.
      width: 'data(size)',
      height: 'data(size)',
      'font-size': LABEL_FONT_PX,
      // Text smaller than this on screen is unreadable anyway; skipping it keeps a zoomed-out 500-node map fast.
      'min-zoomed-font-size': 8,
      'font-family': 'system-ui, sans-serif',
      color: '#111827',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'wrap',
      'text-max-width': '120px',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '2px',
      'border-width': 2,
      'border-color': '#ffffff',
    },
  },
  {
    selector: 'node.highlight',
    style: { 'border-width': 4, 'border-color': '#7c3aed', 'border-style': 'dashed' },
  },
  {
    selector: 'node.chosen',
    style: { 'border-width': 5, 'border-color': '#f59e0b', 'border-style': 'solid', 'font-weight': 'bold' },
  },
  {
    selector: 'edge',
    style: {
      width: 'data(width)',
      'line-color': 'data(colour)',
      'target-arrow-color': 'data(colour)',
      'curve-style': 'bezier',
      'arrow-scale': 1.2,
    },
  },
  { selector: 'edge.directed', style: { 'target-arrow-shape': 'triangle' } },
  { selector: 'edge.wanted', style: { 'line-style': 'dashed', 'line-dash-pattern': [8, 5] } },
  {
    selector: 'edge.broken',
    style: { 'line-style': 'dotted', 'line-color': linkStatusStyle('broken').colour },
  },
];

/**
 * Extra rules for a large (merged, event-wide) map: straight edges skip the bezier bundling of parallel
 * edges, which is a large share of the first render at 2,000 links. Arrows and line styles stay.
 */
const LARGE_GRAPH_RULES: StylesheetJson = [{ selector: 'edge', style: { 'curve-style': 'straight' } }];

/** The stylesheet for a map of `nodeCount` nodes. */
export function mapStyle(nodeCount: number): StylesheetJson {
  return nodeCount > LARGE_GRAPH_NODES ? [...CY_STYLE, ...LARGE_GRAPH_RULES] : CY_STYLE;
}
