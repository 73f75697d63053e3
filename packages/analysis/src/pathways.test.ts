import { describe, expect, it } from 'vitest';
import { AnalysisError } from './errors.ts';
import { mergeTableMaps, nameGroupId } from './merge.ts';
import { cutVertices, findPathways, findSectorRoute } from './pathways.ts';
import { link, org, table } from './testing.ts';

const id = (name: string) => nameGroupId(name);
const GP = id('Eastfield GP');
const TALK = id('Talking Therapies');
const MIND = id('Northshore Mind');
const CMHT = id('Community Mental Health Team');
const HOUSING = id('Crisis Housing');
const ISLAND = id('Island Project');
const OUTREACH = id('Street Outreach');

// GP -> Talking Therapies -> Mind -> Crisis Housing (referrals), GP -> CMHT -> Crisis Housing (referrals),
// GP -- Mind informal contact; Island Project has no links.
const map = mergeTableMaps([
  table('t1', [
    org('gp', 'Eastfield GP', 'primary_care'), org('tt', 'Talking Therapies', 'nhs_secondary'), org('mind', 'Northshore Mind', 'vcse'),
    org('house', 'Crisis Housing', 'housing'), org('isle', 'Island Project', 'vcse'),
  ], [link('1', 'gp', 'tt'), link('2', 'tt', 'mind'), link('3', 'mind', 'house'), link('4', 'gp', 'mind', 'informal')]),
  table('t2', [org('gp', 'Eastfield GP', 'primary_care'), org('cmht', 'Community Mental Health Team', 'nhs_secondary'), org('house', 'Crisis Housing', 'housing'), org('old', 'CMHT East', 'nhs_secondary'), org('out', 'Street Outreach', 'vcse')], [
    link('5', 'gp', 'cmht'), link('6', 'cmht', 'house'), link('7', 'house', 'out', 'refers_to', 'broken'),
  ]),
  // A third table says Crisis Housing -> Talking Therapies exists, a fourth that it is broken: resolved as broken.
  table('t3', [org('house', 'Crisis Housing', 'housing'), org('tt', 'Talking Therapies', 'nhs_secondary')], [link('8', 'house', 'tt')]),
  table('t4', [org('house', 'Crisis Housing', 'housing'), org('tt', 'Talking Therapies', 'nhs_secondary')], [link('9', 'house', 'tt', 'refers_to', 'broken')]),
], { 't2:old': CMHT });

describe('findPathways', () => {
  it('finds the shortest route and every simple route up to the length, using only the chosen kinds', () => {
    const answer = findPathways(map, { from: GP, to: HOUSING, kinds: ['refers_to'] });
    expect(answer.status).toBe('found');
    if (answer.status !== 'found') return;
    expect(answer.shortest).toEqual([GP, CMHT, HOUSING]);
    expect(answer.paths).toEqual([[GP, CMHT, HOUSING], [GP, TALK, MIND, HOUSING]]);
    expect(answer.bottlenecks).toEqual([]);
    expect(answer.message).toContain('takes 2 steps; 2 routes');
  });

  it('uses informal contact only when asked, and names the organisations on every route', () => {
    const answer = findPathways(map, { from: GP, to: HOUSING, kinds: ['informal', 'refers_to'], maxLength: 2 });
    if (answer.status !== 'found') throw new Error(answer.message);
    expect(answer.paths).toEqual([[GP, MIND, HOUSING], [GP, CMHT, HOUSING]].sort((a, b) => a.length - b.length));
    const viaMind = findPathways(map, { from: TALK, to: HOUSING, kinds: ['refers_to'], directed: true });
    if (viaMind.status !== 'found') throw new Error(viaMind.message);
    expect(viaMind.bottlenecks).toEqual([MIND]);
    expect(viaMind.message).toContain('Every route passes through Northshore Mind');
  });

  it('follows the drawn direction when asked: a referral does not lead back', () => {
    expect(findPathways(map, { from: HOUSING, to: GP, kinds: ['refers_to'], directed: true }).status).toBe('no-route');
    expect(findPathways(map, { from: HOUSING, to: GP, kinds: ['refers_to'] }).status).toBe('found');
  });

  it('ignores broken links unless they are asked for, using the status the merged map resolves', () => {
    expect(findPathways(map, { from: HOUSING, to: OUTREACH, kinds: ['refers_to'], directed: true }).status).toBe('no-route');
    expect(findPathways(map, { from: HOUSING, to: OUTREACH, directed: true, statuses: ['broken'] }).status).toBe('found');
    // One table says the referral exists, another that it is broken: the map says broken, so no way through.
    expect(findPathways(map, { from: HOUSING, to: TALK, kinds: ['refers_to'], directed: true }).status).toBe('no-route');
  });

  it('says "no route" plainly', () => {
    const answer = findPathways(map, { from: GP, to: ISLAND });
    expect(answer).toMatchObject({ status: 'no-route', message: 'There is no route from Eastfield GP to Island Project using the chosen links.' });
  });

  it('answers a question about the same organisation plainly', () => {
    expect(findPathways(map, { from: GP, to: GP })).toMatchObject({ status: 'same-organisation', message: expect.stringContaining('same organisation, Eastfield GP') });
  });

  it('follows an organisation that was merged away to the one it joined, and says so', () => {
    const merged = findPathways(map, { from: GP, to: id('CMHT East'), kinds: ['refers_to'] });
    expect(merged).toMatchObject({ status: 'found', to: CMHT, redirected: [{ requested: id('CMHT East'), mergedInto: CMHT }] });
    expect(merged.message).toContain('was merged into Community Mental Health Team');
    const same = findPathways(map, { from: 't2:old', to: CMHT });
    expect(same).toMatchObject({ status: 'same-organisation', redirected: [{ requested: 't2:old', mergedInto: CMHT }] });
  });

  it('names an organisation that is not on the map', () => {
    expect(findPathways(map, { from: GP, to: 'name:nowhere' })).toMatchObject({ status: 'unknown-organisation', missing: ['name:nowhere'] });
  });

  it('refuses a malformed question with a clear error', () => {
    expect(() => findPathways(map, { from: GP, to: HOUSING, kinds: ['teleports' as never] })).toThrow(AnalysisError);
    expect(() => findPathways(map, { from: GP, to: HOUSING, maxLength: 20 })).toThrow(/maxLength must be at most 8/);
    expect(() => findPathways(map, { from: '', to: HOUSING })).toThrow(/from is required/);
  });

  it('stops listing routes at maxPaths and says the list is cut short', () => {
    // A complete graph of 9: thousands of simple routes between two corners.
    const names = Array.from({ length: 9 }, (_, i) => `Org ${i}`);
    const dense = mergeTableMaps([table('t', names.map((n, i) => org(`o${i}`, n)), names.flatMap((_, i) => names.slice(i + 1).map((__, j) => link(`l${i}-${j}`, `o${i}`, `o${i + j + 1}`, 'collaborates'))))]);
    const answer = findPathways(dense, { from: id('Org 0'), to: id('Org 8'), maxLength: 8, maxPaths: 10 });
    expect(answer).toMatchObject({ status: 'found', truncated: true });
    if (answer.status === 'found') expect(answer.paths).toHaveLength(10);
  });
});

describe('findSectorRoute', () => {
  it('finds the shortest route from any organisation in one sector to any in another', () => {
    expect(findSectorRoute(map, 'primary_care', 'housing', { kinds: ['refers_to'] }).shortest).toEqual([GP, CMHT, HOUSING]);
    expect(findSectorRoute(map, 'primary_care', 'police_justice').message).toBe('No organisation on the merged map is in the sector police_justice.');
  });
});

describe('cutVertices', () => {
  it('finds the organisations whose removal splits the network (hand-checked)', () => {
    // Undirected, existing: gp-tt, tt-mind, mind-house, gp-mind, gp-cmht, cmht-house; one cycle through all five.
    expect(cutVertices(map)).toEqual([]);
    // Referrals only, and a pendant: a - b - c triangle with d hanging off c, e hanging off d.
    const chain = mergeTableMaps([table('t', ['A', 'B', 'C', 'D', 'E'].map((n) => org(n.toLowerCase(), n)), [
      link('1', 'a', 'b'), link('2', 'b', 'c'), link('3', 'c', 'a'), link('4', 'c', 'd'), link('5', 'd', 'e'),
    ])]);
    expect(cutVertices(chain).sort()).toEqual([id('C'), id('D')].sort());
  });

  it('handles a chain of 20,000 organisations without overflowing the stack', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `N${i}`);
    const chain = mergeTableMaps([table('t', names.map((n, i) => org(`o${i}`, n)), names.slice(1).map((_, i) => link(`l${i}`, `o${i}`, `o${i + 1}`)))]);
    expect(cutVertices(chain)).toHaveLength(19_998);
  });
});
