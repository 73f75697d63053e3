import { describe, expect, it } from 'vitest';
import { mergeTableMaps, nameGroupId } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { link, org, table } from './testing.ts';

const SECTORS = [
  { id: 'vcse', label: 'Voluntary sector' },
  { id: 'nhs_secondary', label: 'NHS secondary care' },
  { id: 'housing', label: 'Housing' },
  { id: 'public_health', label: 'Public health' },
  { id: 'police_justice', label: 'Police' },
  { id: 'social_care', label: 'Social care' },
];

/**
 * The hand-computed graph. Existing ties (undirected view):
 *
 *   A(vcse) — B(nhs) → C(nhs) → D(housing) — E(housing)      F(public_health) alone      G(police) — H(police)
 *
 * A–B, D–E and G–H are "works jointly with" (mutual); B→C and C→D are "refers to".
 * Not ties: A→E is wanted, B→D is broken (and spread over two tables, to test merging on the way).
 */
function handGraph() {
  const tables = [
    table('t1', [org('a', 'A', 'vcse'), org('b', 'B', 'nhs_secondary'), org('c', 'C', 'nhs_secondary'), org('e', 'E', 'housing')], [
      link('1', 'a', 'b', 'collaborates'),
      link('2', 'b', 'c', 'refers_to'),
      link('3', 'a', 'e', 'refers_to', 'wanted'),
    ]),
    table('t2', [org('c', 'C', 'nhs_secondary'), org('d', 'D', 'housing'), org('e', 'E', 'housing'), org('b', 'B', 'nhs_secondary')], [
      link('4', 'c', 'd', 'refers_to'),
      link('5', 'd', 'e', 'collaborates'),
      link('6', 'b', 'd', 'shares_information', 'broken'),
    ]),
    table('t3', [org('f', 'F', 'public_health'), org('g', 'G', 'police_justice'), org('h', 'H', 'police_justice')], [link('7', 'g', 'h', 'collaborates')]),
  ];
  return analyseEcosystem(mergeTableMaps(tables), SECTORS);
}

const id = (name: string) => nameGroupId(name);

describe('analyseEcosystem on a hand-computed graph', () => {
  const analysis = handGraph();
  const metric = (name: string) => analysis.organisations.find((o) => o.id === id(name))!;

  it('degree counts distinct organisations tied to each one, ignoring wanted and broken links', () => {
    // A:B  B:A,C  C:B,D  D:C,E  E:D  F:-  G:H  H:G
    expect(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((n) => metric(n).degree)).toEqual([1, 2, 2, 2, 1, 0, 1, 1]);
  });

  it('in/out degree follow direction, a mutual tie counting both ways', () => {
    // A⇄B, B→C, C→D, D⇄E, G⇄H. In: A←B, B←A, C←B, D←C,E, E←D. Out: A→B, B→A,C, C→D, D→E, E→D.
    expect(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((n) => metric(n).inDegree)).toEqual([1, 1, 1, 2, 1, 0, 1, 1]);
    expect(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((n) => metric(n).outDegree)).toEqual([1, 2, 1, 1, 1, 0, 1, 1]);
  });

  it('betweenness counts the shortest paths through each organisation', () => {
    // On the path A-B-C-D-E: B sits between A and {C,D,E} = 3 pairs; C between {A,B} and {D,E} = 4;
    // D between {A,B,C} and E = 3. Ends, the isolate and the G-H pair lie on no path: 0.
    expect(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((n) => metric(n).betweenness)).toEqual([0, 3, 4, 3, 0, 0, 0, 0]);
  });

  it('density, components and isolated organisations', () => {
    // 8 organisations, 5 ties: 5 / (8·7/2) = 5/28.
    expect(analysis.density).toBeCloseTo(5 / 28, 10);
    // {A,B,C,D,E}, {F}, {G,H}.
    expect(analysis.components).toBe(3);
    expect(analysis.isolated).toEqual([id('F')]);
  });

  it('top brokers are those on paths between others who tie to other sectors', () => {
    // C (4; bridges nhs→housing), then B and D on 3 each, by name. G and H have no betweenness.
    expect(analysis.topBrokers).toEqual([
      { id: id('C'), name: 'C', sector: 'nhs_secondary', betweenness: 4, sectorsBridged: 1 },
      { id: id('B'), name: 'B', sector: 'nhs_secondary', betweenness: 3, sectorsBridged: 1 },
      { id: id('D'), name: 'D', sector: 'housing', betweenness: 3, sectorsBridged: 1 },
    ]);
  });

  it('the sector × sector tie matrix counts each tie once, within-sector ties on the diagonal', () => {
    expect(analysis.tieMatrix.sectors).toEqual(['vcse', 'nhs_secondary', 'housing', 'public_health', 'police_justice', 'social_care']);
    expect(analysis.tieMatrix.counts).toEqual([
      // vcse nhs hou ph pol sc
      [0, 1, 0, 0, 0, 0], // vcse: A-B
      [1, 1, 1, 0, 0, 0], // nhs: A-B, B-C (internal), C-D
      [0, 1, 1, 0, 0, 0], // housing: C-D, D-E (internal)
      [0, 0, 0, 0, 0, 0], // public health: F has no ties
      [0, 0, 0, 0, 1, 0], // police: G-H (internal)
      [0, 0, 0, 0, 0, 0], // social care: absent
    ]);
  });

  it("Krackhardt's E-I index per sector is (external - internal) / (external + internal)", () => {
    expect(analysis.eiIndex).toEqual({
      vcse: 1, // E=1, I=0: 1/1
      nhs_secondary: 1 / 3, // E=2 (A-B, C-D), I=1 (B-C): (2-1)/3
      housing: 0, // E=1 (C-D), I=1 (D-E): 0/2
      public_health: null, // no ties at all
      police_justice: -1, // E=0, I=1: -1/1
      social_care: null, // not present
    });
  });

  it('missing sectors and sectors with no tie to another sector', () => {
    expect(analysis.missingSectors).toEqual(['social_care']);
    expect(analysis.sectorsWithoutCrossTies).toEqual(['public_health', 'police_justice']);
  });

  it('lists wanted and broken links as gaps', () => {
    expect(analysis.wantedLinks.map((l) => [l.source, l.target])).toEqual([[id('A'), id('E')]]);
    expect(analysis.brokenLinks.map((l) => [l.source, l.target])).toEqual([[id('B'), id('D')]]);
  });
});

describe('analyseEcosystem on edge cases', () => {
  it('an empty map has no ties, no components and every sector missing', () => {
    const analysis = analyseEcosystem(mergeTableMaps([]), SECTORS);
    expect(analysis).toMatchObject({ density: 0, components: 0, isolated: [], topBrokers: [] });
    expect(analysis.missingSectors).toEqual(SECTORS.map((s) => s.id));
  });

  it('a triangle is complete: density 1, nobody is a broker', () => {
    // Every pair is directly tied, so no shortest path passes through a third organisation.
    const tri = table('t', [org('a', 'A', 'vcse'), org('b', 'B', 'housing'), org('c', 'C', 'housing')], [
      link('1', 'a', 'b', 'collaborates'),
      link('2', 'b', 'c', 'collaborates'),
      link('3', 'c', 'a', 'collaborates'),
    ]);
    const analysis = analyseEcosystem(mergeTableMaps([tri]), SECTORS);
    expect(analysis.density).toBe(1);
    expect(analysis.organisations.map((o) => o.betweenness)).toEqual([0, 0, 0]);
    expect(analysis.topBrokers).toEqual([]);
    // housing: E = 2 (A-B, C-A), I = 1 (B-C): 1/3. vcse: E = 2, I = 0: 1.
    expect(analysis.eiIndex.housing).toBeCloseTo(1 / 3, 10);
    expect(analysis.eiIndex.vcse).toBe(1);
  });

  it('ignores a link to an organisation the map does not list instead of inventing one', () => {
    const map = mergeTableMaps([table('t', [org('a', 'A', 'vcse'), org('b', 'B', 'housing')], [link('1', 'a', 'b')])]);
    const tampered = { ...map, links: [...map.links, { ...map.links[0]!, id: 'x', target: 'name:ghost' }] };
    const analysis = analyseEcosystem(tampered, SECTORS);
    expect(analysis.organisations).toHaveLength(2);
    expect(analysis.density).toBe(1);
    expect(analysis.tieMatrix.counts[0]![2]).toBe(1);
  });

  it('appends a sector the tables used that the event list lacks', () => {
    const analysis = analyseEcosystem(mergeTableMaps([table('t', [org('a', 'A', 'faith_community')])]), SECTORS);
    expect(analysis.tieMatrix.sectors.at(-1)).toBe('faith_community');
    expect(analysis.sectors.at(-1)).toEqual({ id: 'faith_community', label: 'faith_community' });
  });

  it('handles an organisation with 10,000 links asserted by 40 tables about 250 partners', () => {
    // Each table links the hub to the same 250 partners: 40 × 250 = 10,000 links, merged into 250.
    // Star of 250 leaves: hub betweenness C(250, 2) = 250·249/2 = 31,125.
    const partners = Array.from({ length: 250 }, (_, i) => org(`p${i}`, `Partner ${i}`, i % 2 ? 'housing' : 'nhs_secondary'));
    const tables = Array.from({ length: 40 }, (_, t) =>
      table(`t${t}`, [org('hub', 'Northshore Hub', 'vcse'), ...partners], partners.map((p, i) => link(`l${i}`, 'hub', p.id, 'refers_to', t === 0 && i === 0 ? 'broken' : 'existing'))),
    );
    const map = mergeTableMaps(tables);
    expect(map.links).toHaveLength(250);
    expect(map.links.reduce((sum, l) => sum + l.assertions.length, 0)).toBe(10_000);
    const analysis = analyseEcosystem(map, SECTORS);
    const hubMetrics = analysis.organisations.find((o) => o.id === id('Northshore Hub'))!;
    expect(hubMetrics).toMatchObject({ degree: 250, betweenness: 31_125 });
    expect(hubMetrics.tableIds).toHaveLength(40);
    expect(analysis.topBrokers[0]).toMatchObject({ id: id('Northshore Hub'), sectorsBridged: 2 });
    // One table of forty called the first tie broken: shown as a conflict, and still a tie by majority.
    expect(analysis.links.filter((l) => l.conflict)).toHaveLength(1);
    expect(analysis.brokenLinks).toHaveLength(1);
  });

  it('handles an organisation with 10,000 distinct partners', { timeout: 120_000 }, () => {
    // A star: the hub is tied to 10,000 others, so it lies on the shortest path of every pair of them:
    // C(10000, 2) = 10000·9999/2 = 49,995,000. Density: 10,000 ties / (10,001·10,000/2) = 2/10,001.
    const leaves = Array.from({ length: 10_000 }, (_, i) => org(`o${i}`, `Partner ${i}`, 'housing'));
    const hub = org('hub', 'Northshore Hub', 'vcse');
    const links = leaves.map((leaf, i) => link(`l${i}`, 'hub', leaf.id));
    const analysis = analyseEcosystem(mergeTableMaps([table('t', [hub, ...leaves], links)]), SECTORS);
    const hubMetrics = analysis.organisations.find((o) => o.id === id('Northshore Hub'))!;
    expect(hubMetrics).toMatchObject({ degree: 10_000, outDegree: 10_000, inDegree: 0, betweenness: 49_995_000 });
    expect(analysis.density).toBeCloseTo(2 / 10_001, 12);
    expect(analysis.components).toBe(1);
    expect(analysis.topBrokers[0]).toMatchObject({ id: id('Northshore Hub'), sectorsBridged: 1 });
    expect(analysis.tieMatrix.counts[0]![2]).toBe(10_000);
  });
});
