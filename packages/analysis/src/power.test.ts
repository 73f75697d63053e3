import { describe, expect, it } from 'vitest';
import { brokerageRoles } from './brokerage.ts';
import { eiPermutationTest } from './ei-test.ts';
import { AnalysisError } from './errors.ts';
import { influenceLayer } from './influence.ts';
import { mergeTableMaps, nameGroupId } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { link, org, table } from './testing.ts';

const id = (name: string) => nameGroupId(name);

describe('eiPermutationTest', () => {
  // Two sectors of two; ties x3 - x1 - x2 - x4 with x1, x2 in sector a and x3, x4 in sector b.
  // Observed: I = 1 (x1-x2), E = 2, E-I = 1/3. Worked by hand over the 6 equally likely label sets:
  // E-I = 1/3, -1/3, 1, 1, -1/3, 1/3, so the expected E-I is 1/3 (equal to the formula
  // 2 * (1 - sum n(n-1) / N(N-1)) - 1 = 1/3) and p = P(E-I >= 1/3) = 4/6.
  const small = mergeTableMaps([table('t', [org('1', 'X1', 'a'), org('2', 'X2', 'a'), org('3', 'X3', 'b'), org('4', 'X4', 'b')], [
    link('12', '1', '2', 'collaborates'), link('13', '1', '3', 'collaborates'), link('24', '2', '4', 'collaborates'),
  ])]);

  it('matches the hand-worked distribution for a four-organisation network', () => {
    const test = eiPermutationTest(small, { permutations: 20_000, seed: 3 });
    expect(test.overall.observed).toBeCloseTo(1 / 3, 3);
    expect(test.overall.expected!).toBeCloseTo(1 / 3, 1);
    expect(Math.abs(test.overall.pValue! - 4 / 6)).toBeLessThan(0.02);
    expect(test.overall.sentence).toContain('this could be chance');
  });

  it('finds a network of only cross-sector ties unlikely to be chance', () => {
    const orgs = Array.from({ length: 20 }, (_, i) => org(`o${i}`, `Org ${i}`, i < 10 ? 'a' : 'b'));
    const links = Array.from({ length: 10 }, (_, i) => [link(`x${i}`, `o${i}`, `o${10 + i}`, 'collaborates'), link(`y${i}`, `o${i}`, `o${10 + ((i + 1) % 10)}`, 'collaborates')]).flat();
    const test = eiPermutationTest(mergeTableMaps([table('t', orgs, links)]), { permutations: 1000 });
    expect(test.overall.observed).toBe(1);
    expect(test.overall.pValue!).toBeLessThan(0.01);
    expect(test.overall.excess!).toBeGreaterThan(0.5);
    expect(test.overall.sentence).toContain('unlikely to be chance');
  });

  it('is size-aware: a sector of one can only tie outwards, so its E-I of 1 is no surprise', () => {
    const orgs = [org('lone', 'Lone', 'police_justice'), ...Array.from({ length: 5 }, (_, i) => org(`v${i}`, `V ${i}`, 'vcse'))];
    const links = Array.from({ length: 5 }, (_, i) => link(`l${i}`, 'lone', `v${i}`, 'collaborates'));
    const test = eiPermutationTest(mergeTableMaps([table('t', orgs, links)]), { permutations: 500, sectorLabels: { police_justice: 'Police', vcse: 'Voluntary, community and social enterprise sector' } });
    // A label that already ends in "sector" is not given a second one.
    expect(test.sectors.vcse!.sentence).toMatch(/^The Voluntary, community and social enterprise sector has /);
    const police = test.sectors.police_justice!;
    expect(police.observed).toBe(1);
    expect(police.expected).toBe(1);
    expect(police.excess).toBe(0);
    expect(police.pValue).toBe(1);
    expect(police.sentence).toMatch(/^The Police sector has about as many cross-sector ties as chance would give/);
  });

  it('is repeatable with a seed and says plainly when there are no ties', () => {
    expect(eiPermutationTest(small, { seed: 9 })).toEqual(eiPermutationTest(small, { seed: 9 }));
    const empty = eiPermutationTest(mergeTableMaps([table('t', [org('a', 'A')])]));
    expect(empty.overall).toEqual({ observed: null, expected: null, excess: null, pValue: null, sentence: 'The network has no ties, so there is nothing to test.' });
  });

  it('refuses nonsense options', () => {
    expect(() => eiPermutationTest(small, { permutations: 0 })).toThrow(AnalysisError);
    expect(() => eiPermutationTest(small, { permutations: 1.5 })).toThrow(/permutations must be whole/);
  });
});

describe('brokerageRoles (Gould and Fernandez)', () => {
  // Sectors: A1, A2, A3 in a; B1, B2 in b; C1 in c. Referrals (directed):
  // A1 -> A2 -> A3            A2 coordinator (A3 not reached from A1 directly)
  // B1 -> A2                  B1 -> A2 -> A3: A2 gatekeeper (A2, A3 share a; B1 outside)
  // A2 -> B2                  A1 -> A2 -> B2: A2 representative; B1 -> A2 -> B2: A2 consultant
  // B2 -> C1                  A2 -> B2 -> C1: B2 liaison (a, b, c all different)
  // A1 -> B2                  closes A1 -> B2, so A1 -> A2 -> B2 is not brokerage after all.
  const map = mergeTableMaps([table('t', [
    org('a1', 'A1', 'a'), org('a2', 'A2', 'a'), org('a3', 'A3', 'a'), org('b1', 'B1', 'b'), org('b2', 'B2', 'b'), org('c1', 'C1', 'c'),
  ], [link('1', 'a1', 'a2'), link('2', 'a2', 'a3'), link('3', 'b1', 'a2'), link('4', 'a2', 'b2'), link('5', 'b2', 'c1'), link('6', 'a1', 'b2')])]);
  const result = brokerageRoles(map, { a: 'Alpha' });

  it('classifies each brokered two-step by the sectors of the three organisations (hand-counted)', () => {
    expect(result.organisations[id('A2')]).toEqual({ coordinator: 1, gatekeeper: 1, representative: 0, consultant: 1, liaison: 0 });
    // B2 brokers A2 -> B2 -> C1 (liaison) and A1 -> B2 -> C1 (liaison).
    expect(result.organisations[id('B2')]).toEqual({ coordinator: 0, gatekeeper: 0, representative: 0, consultant: 0, liaison: 2 });
    expect(result.sectors.a).toEqual({ coordinator: 1, gatekeeper: 1, representative: 0, consultant: 1, liaison: 0 });
    expect(result.sentences.b).toBe('The b sector brokers 2 indirect connections, most often as a liaison: it joins two other sectors that are not tied directly.');
    expect(result.sentences.a).toMatch(/^The Alpha sector brokers 3 indirect connections/);
    expect(result.sentences.c).toBeUndefined();
  });

  it('counts a mutual tie both ways and ignores wanted and broken links', () => {
    const mutual = mergeTableMaps([table('t', [org('x', 'X', 'a'), org('y', 'Y', 'b'), org('z', 'Z', 'a')], [
      link('1', 'x', 'y', 'collaborates'), link('2', 'y', 'z', 'collaborates'), link('3', 'x', 'z', 'refers_to', 'wanted'),
    ])]);
    // X <-> Y <-> Z: Y brokers X -> Z and Z -> X, both consultant (X and Z share sector a).
    expect(brokerageRoles(mutual).organisations[id('Y')]!.consultant).toBe(2);
  });
});

describe('influenceLayer', () => {
  const map = mergeTableMaps([
    table('t1', [org('a', 'Council', 'local_authority'), org('b', 'Mind', 'vcse'), org('c', 'Peer Group', 'peer_led')], [link('1', 'a', 'b'), link('2', 'b', 'c')]),
    table('t2', [org('x', 'Council', 'local_authority'), org('y', 'Mind', 'vcse')]),
  ]);
  const analysis = analyseEcosystem(map, []);

  it('takes the median of every table’s rating and places each organisation in a quadrant', () => {
    const layer = influenceLayer(analysis.organisations, [
      { tableId: 't1', organisationId: 'a', value: 5 }, { tableId: 't2', organisationId: 'x', value: 4 }, { tableId: 't2', organisationId: 'x', value: 1 },
      { tableId: 't1', organisationId: 'b', value: 2 }, { tableId: 't9', organisationId: 'zz', value: 5 },
    ]);
    const point = (name: string) => layer.points.find((p) => p.name === name)!;
    expect(layer.degreeSplit).toBe(1);
    expect(point('Council')).toMatchObject({ influence: 4, ratings: 3, degree: 1, quadrant: 'influential-peripheral' });
    expect(point('Mind')).toMatchObject({ influence: 2, degree: 2, quadrant: 'connected-low-influence' });
    expect(point('Peer Group')).toMatchObject({ influence: null, ratings: 0, quadrant: null });
    expect(layer.sentences).toContain('Seen as influential but with few ties on the map: Council.');
  });

  it('refuses a rating outside 0 to 5 and says no one has rated yet', () => {
    expect(() => influenceLayer(analysis.organisations, [{ tableId: 't1', organisationId: 'a', value: 6 }])).toThrow(/an influence rating is 0 to 5/);
    expect(() => influenceLayer(analysis.organisations, [{ tableId: 't1', organisationId: 'a', value: 2.5 }])).toThrow(AnalysisError);
    expect(influenceLayer(analysis.organisations, []).sentences).toEqual(['No organisation has been rated for influence yet.']);
  });
});
