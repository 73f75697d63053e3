import type { Link, Organisation } from '@tablemap/model';
import { DEFAULT_NODE_SIZE } from './layout.ts';
import { linkStatusStyle, linkWidth, sectorStyle } from './styles.ts';

/** Link ids get a prefix so they can never collide with organisation ids inside cytoscape. */
export const LINK_PREFIX = 'link:';

export interface NodeData {
  id: string;
  /** Plain text; cytoscape draws it on canvas, so markup is never interpreted. */
  label: string;
  colour: string;
  shape: string;
  /** Width and height in px (see `scaleNodeSizes`). */
  size: number;
  /** When it was added: of two overlapping organisations, the later one moves. */
  createdAt: number;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  colour: string;
  width: number;
  kindLabel: string;
}

const MAX_LABEL = 40;

export function shortLabel(name: string): string {
  return name.length > MAX_LABEL ? `${name.slice(0, MAX_LABEL - 1)}…` : name;
}

export function nodeData(org: Organisation, size: number = DEFAULT_NODE_SIZE): NodeData {
  const style = sectorStyle(org.sector);
  return { id: org.id, label: shortLabel(org.name), colour: style.colour, shape: style.shape, size, createdAt: org.createdAt };
}

/** `kindLabel` is the link's kind in the map's language (see `MapWords.linkKind`). */
export function edgeData(link: Link, kindLabel: (kind: string) => string): EdgeData {
  return {
    id: LINK_PREFIX + link.id,
    source: link.source,
    target: link.target,
    colour: linkStatusStyle(link.status).colour,
    width: linkWidth(link),
    kindLabel: kindLabel(link.kind),
  };
}

export function edgeClasses(link: Link): string[] {
  return [link.mutual ? 'mutual' : 'directed', link.status];
}
