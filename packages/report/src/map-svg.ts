/** Draws an ecosystem map as a standalone SVG string: no browser, no DOM, deterministic output. */

export interface MapOrganisation {
  id: string;
  name: string;
  sector: string;
}
export interface MapLink {
  source: string;
  target: string;
  mutual?: boolean;
  strength?: number;
  status?: 'existing' | 'wanted' | 'broken';
}
export interface MapSector {
  id: string;
  label: string;
}
export interface MapInput {
  organisations: readonly MapOrganisation[];
  links: readonly MapLink[];
  /** Stored positions, in any coordinate space; organisations without one are laid out here. */
  positions?: Readonly<Record<string, { x: number; y: number }>>;
  sectors: readonly MapSector[];
}
export interface LabelPlacement {
  x: number;
  y: number;
  size: number;
  anchor: 'start' | 'end';
}

/** A plain SVG <text> label. */
export function textLabel(text: string, at: LabelPlacement): string {
  return `<text x="${fmt(at.x)}" y="${fmt(at.y)}" font-size="${at.size}" fill="#222222"${at.anchor === 'end' ? ' text-anchor="end"' : ''}>${escapeXml(text)}</text>`;
}

/** At most `max` characters as a person sees them (never half an emoji or a split cluster), with "…" when cut. */
function shorten(text: string, max: number): string {
  const graphemes = [...new Intl.Segmenter().segment(text)].map((part) => part.segment);
  return graphemes.length > max ? `${graphemes.slice(0, max - 1).join('')}…` : text;
}

export interface MapSvgOptions {
  width: number;
  height: number;
  /** Only the best-connected organisations get a name label, so big maps stay readable. */
  maxLabels?: number;
  /** Draws one label as an SVG element (the report draws shaped scripts as outlines); default: a <text>. */
  label?: (text: string, at: LabelPlacement) => string;
}

/** Colour-blind-aware qualitative palette (Okabe-Ito, then Tableau 10 extras). */
const PALETTE = [
  '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000',
  '#4E79A7', '#F28E2B', '#59A14F', '#B07AA1', '#76B7B2', '#EDC948', '#FF9DA7', '#9C755F',
  '#BAB0AC', '#7F3C8D', '#11A579', '#3969AC',
];
const UNKNOWN_SECTOR_COLOUR = '#888888';
const LINK_STYLES = {
  existing: { colour: '#8a8a8a', dash: '' },
  wanted: { colour: '#1f5fbf', dash: '5 3' },
  broken: { colour: '#c62828', dash: '2 2' },
} as const;

export function sectorColour(sectors: readonly MapSector[], sectorId: string): string {
  const index = sectors.findIndex((sector) => sector.id === sectorId);
  return index < 0 ? UNKNOWN_SECTOR_COLOUR : (PALETTE[index % PALETTE.length] ?? UNKNOWN_SECTOR_COLOUR);
}

/** Escapes text for XML and drops characters XML 1.0 forbids (they would make the SVG unparsable). */
export function escapeXml(text: string): string {
  let allowed = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const isLoneSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    const isForbiddenControl = codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a && codePoint !== 0x0d;
    if (!isLoneSurrogate && !isForbiddenControl && codePoint !== 0xfffe && codePoint !== 0xffff) allowed += char;
  }
  return allowed
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

type Point = { x: number; y: number };

/**
 * Fruchterman–Reingold from a deterministic start (sectors grouped around a circle), so the
 * same map always gives the same picture. Stored positions are kept fixed.
 */
export function layoutOrganisations(input: MapInput): Map<string, Point> {
  const ids = input.organisations.map((organisation) => organisation.id);
  const fixed = new Set(ids.filter((id) => input.positions?.[id]));
  const points = new Map<string, Point>();
  const ordered = [...input.organisations].sort(
    (a, b) => a.sector.localeCompare(b.sector) || a.id.localeCompare(b.id),
  );
  // The layout works in a frame centred on the stored positions and scaled to their spread,
  // so new organisations land among stored ones whatever coordinate space the map editor used.
  const stored = [...fixed].map((id) => input.positions?.[id] as Point);
  const frame = layoutFrame(stored);
  ordered.forEach((organisation, index) => {
    const position = input.positions?.[organisation.id];
    const angle = (2 * Math.PI * index) / Math.max(1, ordered.length);
    points.set(
      organisation.id,
      position ? { ...position } : { x: frame.cx + 100 * frame.scale * Math.cos(angle), y: frame.cy + 100 * frame.scale * Math.sin(angle) },
    );
  });
  if (fixed.size === ids.length || ids.length < 2) return points;

  // Typed arrays keep the O(n²) repulsion loop fast enough for a 500-organisation merged map.
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const isFixed = new Uint8Array(n);
  ids.forEach((id, i) => {
    const p = points.get(id) as Point;
    xs[i] = (p.x - frame.cx) / frame.scale;
    ys[i] = (p.y - frame.cy) / frame.scale;
    isFixed[i] = fixed.has(id) ? 1 : 0;
  });
  const edges = input.links
    .map((link) => [index.get(link.source), index.get(link.target)] as const)
    .filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined && pair[0] !== pair[1]);
  const k = Math.sqrt((200 * 200) / n);
  const kSq = k * k;
  const iterations = n > 300 ? 50 : 80;
  const shiftX = new Float64Array(n);
  const shiftY = new Float64Array(n);
  for (let step = 0; step < iterations; step++) {
    const temperature = 20 * (1 - step / iterations) + 0.5;
    shiftX.fill(0);
    shiftY.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = (xs[i] as number) - (xs[j] as number);
        const dy = (ys[i] as number) - (ys[j] as number);
        const force = kSq / (dx * dx + dy * dy || 0.01);
        shiftX[i] = (shiftX[i] as number) + dx * force;
        shiftY[i] = (shiftY[i] as number) + dy * force;
        shiftX[j] = (shiftX[j] as number) - dx * force;
        shiftY[j] = (shiftY[j] as number) - dy * force;
      }
    }
    // Gravity towards the centre keeps unconnected organisations from drifting off and squashing the rest.
    for (let i = 0; i < n; i++) {
      const x = xs[i] as number;
      const y = ys[i] as number;
      const pull = Math.sqrt(x * x + y * y) / k;
      shiftX[i] = (shiftX[i] as number) - x * pull;
      shiftY[i] = (shiftY[i] as number) - y * pull;
    }
    for (const [a, b] of edges) {
      const dx = (xs[a] as number) - (xs[b] as number);
      const dy = (ys[a] as number) - (ys[b] as number);
      const force = Math.sqrt(dx * dx + dy * dy) / k;
      shiftX[a] = (shiftX[a] as number) - dx * force;
      shiftY[a] = (shiftY[a] as number) - dy * force;
      shiftX[b] = (shiftX[b] as number) + dx * force;
      shiftY[b] = (shiftY[b] as number) + dy * force;
    }
    for (let i = 0; i < n; i++) {
      if (isFixed[i]) continue;
      const sx = shiftX[i] as number;
      const sy = shiftY[i] as number;
      const length = Math.sqrt(sx * sx + sy * sy) || 1;
      const move = Math.min(length, temperature) / length;
      xs[i] = (xs[i] as number) + sx * move;
      ys[i] = (ys[i] as number) + sy * move;
    }
  }
  ids.forEach((id, i) => {
    if (!isFixed[i]) points.set(id, { x: frame.cx + (xs[i] as number) * frame.scale, y: frame.cy + (ys[i] as number) * frame.scale });
  });
  return points;
}

/** Centre and scale (relative to a 200-unit layout) of the stored positions; the origin if none. */
function layoutFrame(stored: Point[]): { cx: number; cy: number; scale: number } {
  if (stored.length === 0) return { cx: 0, cy: 0, scale: 1 };
  const xs = stored.map((p) => p.x);
  const ys = stored.map((p) => p.y);
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  return {
    cx: (Math.max(...xs) + Math.min(...xs)) / 2,
    cy: (Math.max(...ys) + Math.min(...ys)) / 2,
    scale: span > 0 ? span / 200 : 1,
  };
}

const fmt = (value: number) => (Math.round(value * 10) / 10).toString();

export function renderMapSvg(input: MapInput, options: MapSvgOptions): string {
  const { width, height } = options;
  const label = options.label ?? textLabel;
  const names = input.organisations.map((organisation) => organisation.name).join('; ');
  const description = input.organisations.length === 0 ? 'Ecosystem map' : `Ecosystem map of ${input.organisations.length} organisations: ${names}`;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" role="img" aria-label="${escapeXml(description)}" font-family="Roboto, sans-serif">`;
  if (input.organisations.length === 0) {
    return `${head}<rect x="0.5" y="0.5" width="${fmt(width - 1)}" height="${fmt(height - 1)}" fill="none" stroke="#cccccc"/><text x="${fmt(width / 2)}" y="${fmt(height / 2)}" font-size="10" text-anchor="middle" fill="#555555">No organisations were mapped.</text></svg>`;
  }

  const usedSectors = input.sectors.filter((sector) => input.organisations.some((o) => o.sector === sector.id));
  const unknownSectors = [...new Set(input.organisations.map((o) => o.sector))].filter(
    (id) => !input.sectors.some((sector) => sector.id === id),
  );
  const legendEntries = [
    ...usedSectors.map((sector) => ({ text: sector.label, colour: sectorColour(input.sectors, sector.id) })),
    ...unknownSectors.map((id) => ({ text: id, colour: UNKNOWN_SECTOR_COLOUR })),
  ];
  const legendColumns = Math.max(1, Math.floor(width / 150));
  const legendRows = Math.ceil(legendEntries.length / legendColumns) + 1;
  const legendHeight = legendRows * 12 + 8;
  const mapHeight = Math.max(40, height - legendHeight);

  const points = layoutOrganisations(input);
  const fit = fitToBox([...points.values()], { x: 14, y: 10, width: width - 28, height: mapHeight - 20 });
  const placed = new Map([...points].map(([id, point]) => [id, fit(point)]));
  const radius = input.organisations.length > 150 ? 2.5 : input.organisations.length > 40 ? 3.5 : 5;

  const parts: string[] = [head, `<rect x="0.5" y="0.5" width="${fmt(width - 1)}" height="${fmt(height - 1)}" fill="#ffffff" stroke="#cccccc"/>`];
  parts.push(drawLinks(input.links, placed, radius));
  const degree = new Map<string, number>();
  for (const link of input.links) {
    degree.set(link.source, (degree.get(link.source) ?? 0) + 1);
    degree.set(link.target, (degree.get(link.target) ?? 0) + 1);
  }
  // One path per sector colour: a few dozen SVG elements instead of hundreds keeps PDF rendering fast.
  const circlesByColour = new Map<string, string>();
  for (const organisation of input.organisations) {
    const p = placed.get(organisation.id) as Point;
    const colour = sectorColour(input.sectors, organisation.sector);
    circlesByColour.set(colour, (circlesByColour.get(colour) ?? '') + circlePath(p, radius));
  }
  for (const [colour, d] of circlesByColour) {
    parts.push(`<path d="${d}" fill="${colour}" stroke="#ffffff" stroke-width="0.6"/>`);
  }
  const labelled = [...input.organisations]
    .sort((a, b) => (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0) || a.name.localeCompare(b.name))
    .slice(0, options.maxLabels ?? 60);
  for (const organisation of labelled) {
    const p = placed.get(organisation.id) as Point;
    const name = shorten(organisation.name, 32);
    // Labels near the right edge go on the node's left so they are not cut off.
    const onLeft = p.x > width * 0.7;
    const x = onLeft ? p.x - radius - 1.5 : p.x + radius + 1.5;
    parts.push(label(name, { x, y: p.y + 2.5, size: 6.5, anchor: onLeft ? 'end' : 'start' }));
  }
  parts.push(drawLegend(legendEntries, { top: mapHeight, width, columns: legendColumns }, label));
  parts.push('</svg>');
  return parts.join('');
}

function fitToBox(points: Point[], box: { x: number; y: number; width: number; height: number }) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const spanX = Math.max(...xs) - minX || 1;
  const spanY = Math.max(...ys) - minY || 1;
  const scale = Math.min(box.width / spanX, box.height / spanY);
  const offsetX = box.x + (box.width - spanX * scale) / 2;
  const offsetY = box.y + (box.height - spanY * scale) / 2;
  return (p: Point): Point => ({ x: offsetX + (p.x - minX) * scale, y: offsetY + (p.y - minY) * scale });
}

const circlePath = (p: Point, r: number) =>
  `M${fmt(p.x - r)} ${fmt(p.y)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0Z`;

/** Links grouped by status and strength into one stroked path each, plus one arrowhead path per status. */
function drawLinks(links: readonly MapLink[], placed: Map<string, Point>, radius: number): string {
  const lines = new Map<string, string>();
  const arrows = new Map<string, string>();
  for (const link of links) {
    const from = placed.get(link.source);
    const to = placed.get(link.target);
    if (!from || !to || link.source === link.target) continue;
    const status = link.status ?? 'existing';
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.sqrt(dx * dx + dy * dy) || 1;
    const ux = dx / length;
    const uy = dy / length;
    // Stop the line at the node's edge so the arrowhead stays visible.
    const end = { x: to.x - ux * (radius + 0.8), y: to.y - uy * (radius + 0.8) };
    const key = `${status}|${link.strength ?? 2}`;
    lines.set(key, `${lines.get(key) ?? ''}M${fmt(from.x)} ${fmt(from.y)}L${fmt(end.x)} ${fmt(end.y)}`);
    if (!link.mutual) {
      const size = 3.2;
      const left = { x: end.x - ux * size - uy * size * 0.5, y: end.y - uy * size + ux * size * 0.5 };
      const right = { x: end.x - ux * size + uy * size * 0.5, y: end.y - uy * size - ux * size * 0.5 };
      arrows.set(status, `${arrows.get(status) ?? ''}M${fmt(end.x)} ${fmt(end.y)}L${fmt(left.x)} ${fmt(left.y)}L${fmt(right.x)} ${fmt(right.y)}Z`);
    }
  }
  const parts: string[] = [];
  for (const [key, d] of lines) {
    const [status, strength] = key.split('|') as [keyof typeof LINK_STYLES, string];
    const style = LINK_STYLES[status];
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    parts.push(`<path d="${d}" fill="none" stroke="${style.colour}" stroke-width="${fmt(0.3 + 0.25 * Number(strength))}"${dash}/>`);
  }
  for (const [status, d] of arrows) {
    parts.push(`<path d="${d}" fill="${LINK_STYLES[status as keyof typeof LINK_STYLES].colour}"/>`);
  }
  return parts.join('');
}

function drawLegend(
  entries: { text: string; colour: string }[],
  area: { top: number; width: number; columns: number },
  label: (text: string, at: LabelPlacement) => string,
): string {
  const columnWidth = (area.width - 16) / area.columns;
  const parts = [`<line x1="8" y1="${fmt(area.top)}" x2="${fmt(area.width - 8)}" y2="${fmt(area.top)}" stroke="#dddddd" stroke-width="0.5"/>`];
  entries.forEach((entry, index) => {
    const x = 8 + (index % area.columns) * columnWidth;
    const y = area.top + 10 + Math.floor(index / area.columns) * 12;
    parts.push(`<circle cx="${fmt(x + 4)}" cy="${fmt(y - 2.5)}" r="3.5" fill="${entry.colour}"/>`);
    parts.push(label(shorten(entry.text, 30), { x: x + 11, y, size: 7, anchor: 'start' }));
  });
  const y = area.top + 10 + Math.ceil(entries.length / area.columns) * 12;
  const lineKinds: [keyof typeof LINK_STYLES, string][] = [
    ['existing', 'Existing link'],
    ['wanted', 'Wanted link'],
    ['broken', 'Broken link'],
  ];
  lineKinds.forEach(([status, text], index) => {
    const x = 8 + index * 110;
    const style = LINK_STYLES[status];
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    parts.push(`<line x1="${fmt(x)}" y1="${fmt(y - 2.5)}" x2="${fmt(x + 22)}" y2="${fmt(y - 2.5)}" stroke="${style.colour}" stroke-width="1.2"${dash}/>`);
    parts.push(`<text x="${fmt(x + 27)}" y="${fmt(y)}" font-size="7" fill="#222222">${text}</text>`);
  });
  return parts.join('');
}
