import type { Link, LinkStatus } from '@tablemap/model';

export type NodeShape = 'ellipse' | 'round-rectangle' | 'diamond' | 'round-triangle' | 'hexagon' | 'star' | 'round-pentagon' | 'vee' | 'octagon';

export interface SectorStyle {
  /** Fill colour; each has at least 3:1 contrast against white so nodes stay visible. */
  colour: string;
  /** Cytoscape node shape, so sector is not told by colour alone. */
  shape: NodeShape;
}

// Okabe–Ito-style colours darkened for contrast, combined with shapes so no two default sectors look alike.
const COLOURS = ['#0b6fa4', '#b45309', '#047857', '#a21caf', '#b91c1c', '#4338ca', '#57534e', '#0e7490'];
const SHAPES: NodeShape[] = ['ellipse', 'round-rectangle', 'diamond', 'round-triangle', 'hexagon', 'star', 'round-pentagon', 'octagon'];

/** The default sectors get fixed, distinct styles, so the same sector looks the same on every table. */
const KNOWN: Record<string, SectorStyle> = {
  vcse: { colour: COLOURS[0]!, shape: 'ellipse' },
  nhs_secondary: { colour: COLOURS[1]!, shape: 'round-rectangle' },
  primary_care: { colour: COLOURS[2]!, shape: 'diamond' },
  social_care: { colour: COLOURS[3]!, shape: 'round-triangle' },
  housing: { colour: COLOURS[4]!, shape: 'hexagon' },
  public_health: { colour: COLOURS[5]!, shape: 'star' },
  commissioner: { colour: COLOURS[6]!, shape: 'round-pentagon' },
  local_authority: { colour: COLOURS[7]!, shape: 'octagon' },
  police_justice: { colour: COLOURS[0]!, shape: 'round-rectangle' },
  academic: { colour: COLOURS[1]!, shape: 'diamond' },
  other: { colour: COLOURS[6]!, shape: 'ellipse' },
  peer_led: { colour: COLOURS[2]!, shape: 'star' },
  faith_community: { colour: COLOURS[3]!, shape: 'hexagon' },
  education: { colour: COLOURS[4]!, shape: 'round-pentagon' },
  employment_welfare: { colour: COLOURS[5]!, shape: 'octagon' },
  private_provider: { colour: COLOURS[7]!, shape: 'round-triangle' },
};

function hash(text: string): number {
  let value = 0;
  for (let index = 0; index < text.length; index++) value = (value * 31 + text.charCodeAt(index)) >>> 0;
  return value;
}

/** Colour and shape for a sector id; custom sectors get a stable style derived from their id. */
export function sectorStyle(sectorId: string): SectorStyle {
  const known = KNOWN[sectorId];
  if (known) return known;
  const value = hash(sectorId);
  return { colour: COLOURS[value % COLOURS.length]!, shape: SHAPES[Math.floor(value / COLOURS.length) % SHAPES.length]! };
}

export interface LinkStyle {
  colour: string;
  lineStyle: 'solid' | 'dashed' | 'dotted';
}

/** Wanted links are dashed blue, broken links dotted red: the gaps people talk about stand out. */
export function linkStatusStyle(status: LinkStatus): LinkStyle {
  if (status === 'wanted') return { colour: '#1d4ed8', lineStyle: 'dashed' };
  if (status === 'broken') return { colour: '#b91c1c', lineStyle: 'dotted' };
  return { colour: '#4b5563', lineStyle: 'solid' };
}

export function linkWidth(link: Pick<Link, 'strength'>): number {
  return 1 + link.strength * 1.5;
}
