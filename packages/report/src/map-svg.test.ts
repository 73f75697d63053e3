import { describe, expect, it } from 'vitest';
import { DEFAULT_SECTORS } from '@tablemap/model';
import { escapeXml, layoutOrganisations, renderMapSvg, type MapInput } from './map-svg.ts';

const sectors = DEFAULT_SECTORS.map((s) => ({ ...s }));

function ring(count: number): MapInput {
  const organisations = Array.from({ length: count }, (_, i) => ({ id: `org${i}`, name: `Organisation ${i}`, sector: sectors[i % 4]!.id }));
  const links = organisations.map((o, i) => ({ source: o.id, target: `org${(i + 1) % count}`, mutual: false, status: 'existing' as const }));
  return { organisations, links, sectors };
}

describe('renderMapSvg', () => {
  it('escapes markup in names, so a <script> name is text and not an element', () => {
    const svg = renderMapSvg(
      { organisations: [{ id: 'a', name: '<script>x</script>"T"&J\'s', sector: 'vcse' }], links: [], sectors },
      { width: 300, height: 200 },
    );
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;&quot;T&quot;&amp;J&apos;s');
  });

  it('drops characters XML cannot hold, which would otherwise make the SVG unreadable', () => {
    expect(escapeXml('Bell\u0007 Hub\ud800 \u{1f600}')).toBe('Bell Hub \u{1f600}');
  });

  it('lays organisations out deterministically, spread apart, when no positions are stored', () => {
    const input = ring(30);
    const first = layoutOrganisations(input);
    const second = layoutOrganisations(input);
    expect([...first]).toEqual([...second]);
    const distinct = new Set([...first.values()].map((p) => `${Math.round(p.x)},${Math.round(p.y)}`));
    expect(distinct.size).toBe(30);
    expect(renderMapSvg(input, { width: 400, height: 300 })).toBe(renderMapSvg(input, { width: 400, height: 300 }));
  });

  it('keeps stored positions as they are', () => {
    const input = ring(3);
    input.positions = { org0: { x: 0, y: 0 }, org1: { x: 500, y: 0 }, org2: { x: 250, y: 400 } };
    const placed = layoutOrganisations(input);
    expect(placed.get('org1')).toEqual({ x: 500, y: 0 });
    expect(placed.get('org2')).toEqual({ x: 250, y: 400 });
  });

  it('places organisations without a stored position among the stored ones', () => {
    const input = ring(6);
    input.positions = { org0: { x: 1000, y: 1000 }, org1: { x: 1600, y: 1000 }, org2: { x: 1300, y: 1500 } };
    const placed = layoutOrganisations(input);
    for (const id of ['org3', 'org4', 'org5']) {
      const p = placed.get(id)!;
      expect(p.x).toBeGreaterThan(500);
      expect(p.x).toBeLessThan(2100);
      expect(p.y).toBeGreaterThan(500);
      expect(p.y).toBeLessThan(2000);
    }
  });

  it('colours nodes by sector and lists only the sectors used in the legend', () => {
    const svg = renderMapSvg(ring(8), { width: 600, height: 400 });
    // Long labels are shortened in the legend, so compare their first 20 characters.
    for (const sector of sectors.slice(0, 4)) expect(svg).toContain(escapeXml(sector.label.slice(0, 20)));
    expect(svg).not.toContain(escapeXml(sectors[5]!.label.slice(0, 20)));
    const fills = new Set([...svg.matchAll(/<path d="M[^"]*a[^"]*" fill="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]));
    expect(fills.size).toBe(4);
  });

  it('draws wanted links dashed, broken links red, and arrowheads only on directed links', () => {
    const base = ring(3);
    const plain = renderMapSvg({ ...base, links: [{ source: 'org0', target: 'org1', mutual: true }] }, { width: 300, height: 200 });
    expect(plain).not.toMatch(/<path [^>]*stroke-dasharray/);
    expect(plain).not.toContain('fill="#555555"');
    const marked = renderMapSvg(
      {
        ...base,
        links: [
          { source: 'org0', target: 'org1', status: 'wanted', mutual: false },
          { source: 'org1', target: 'org2', status: 'broken', mutual: true },
        ],
      },
      { width: 300, height: 200 },
    );
    expect(marked).toMatch(/<path d="M[^"]*" fill="none" stroke="#1f5fbf" stroke-width="[\d.]+" stroke-dasharray/);
    expect(marked).toMatch(/<path d="M[^"]*" fill="none" stroke="#c62828"/);
    expect(marked).toMatch(/<path d="M[^"]*Z" fill="#1f5fbf"\/>/); // arrowhead on the directed wanted link
    expect(marked).not.toMatch(/<path d="M[^"]*Z" fill="#c62828"\/>/); // none on the mutual broken link
  });

  it('says so when there is nothing to draw', () => {
    expect(renderMapSvg({ organisations: [], links: [], sectors }, { width: 200, height: 100 })).toContain('No organisations were mapped.');
  });

  it('ignores links to organisations that are not on the map', () => {
    const svg = renderMapSvg({ ...ring(2), links: [{ source: 'org0', target: 'ghost' }] }, { width: 200, height: 100 });
    expect(svg).not.toMatch(/stroke="#8a8a8a" stroke-width="0.8"/);
  });
});
