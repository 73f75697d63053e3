import { describe, expect, it } from 'vitest';
import type { Link, Organisation } from '@tablemap/model';
import { consensusLayer, filterMapByGroups } from './consensus.ts';
import { mergeTableMaps, nameGroupId } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { link, org, table } from './testing.ts';

const by = <T extends Organisation | Link>(item: T, group: string): T => ({ ...item, addedByGroup: group });
const gp = nameGroupId('Eastfield GP');
const mind = nameGroupId('Northshore Mind');
const housing = nameGroupId('Crisis Housing');

// Four tables; t4 mapped nothing and does not count towards agreement.
const tables = [
  table('t1', [by(org('a', 'Eastfield GP', 'primary_care'), 'carer'), org('b', 'Northshore Mind'), org('c', 'Crisis Housing', 'housing')], [
    by(link('l1', 'a', 'b'), 'carer'),
    by(link('l2', 'b', 'c'), 'lived_experience'),
  ]),
  table('t2', [org('a', 'Eastfield GP', 'primary_care'), org('b', 'Northshore Mind')], [link('l1', 'a', 'b', 'refers_to', 'broken')]),
  table('t3', [by(org('b', 'Northshore Mind'), 'carer'), org('c', 'Crisis Housing', 'housing')], [by(link('l1', 'b', 'c', 'refers_to', 'existing'), 'carer')]),
  table('t4', []),
];

describe('consensusLayer', () => {
  const map = mergeTableMaps(tables);
  const layer = consensusLayer(map);
  const orgById = new Map(layer.organisations.map((o) => [o.id, o]));
  const linkBetween = (a: string, b: string) => layer.links.find((l) => (l.source === a && l.target === b) || (l.source === b && l.target === a))!;

  it('says which tables and groups asserted each organisation, and the share of mapping tables', () => {
    expect(layer.mappingTables).toBe(3);
    expect(orgById.get(mind)).toMatchObject({ tableIds: ['t1', 't2', 't3'], agreement: 1, groups: ['vcse', 'carer'] });
    expect(orgById.get(gp)).toMatchObject({ tableIds: ['t1', 't2'], agreement: 0.67, groups: ['carer', 'vcse'] });
  });

  it('marks a link contested when one table says it exists and another says it is broken', () => {
    const gpMind = linkBetween(gp, mind);
    expect(gpMind.tablesByStatus).toEqual({ existing: ['t1'], wanted: [], broken: ['t2'] });
    expect(gpMind.contested).toBe(true);
    expect(layer.contested.map((l) => l.id)).toEqual([gpMind.id]);
    expect(linkBetween(mind, housing).contested).toBe(false);
  });

  it('does not call a link contested when only one table asserted both statuses', () => {
    const single = mergeTableMaps([table('t1', [org('a', 'A'), org('b', 'B')], [link('l1', 'a', 'b'), link('l2', 'b', 'a', 'refers_to', 'wanted')])]);
    expect(consensusLayer(single).contested).toEqual([]);
  });

  it('highlights links that only lived-experience or carer participants drew', () => {
    const mindHousing = linkBetween(mind, housing);
    expect(mindHousing.groups.sort()).toEqual(['carer', 'lived_experience']);
    expect(mindHousing.livedExperienceOnly).toBe(true);
    expect(linkBetween(gp, mind).livedExperienceOnly).toBe(false); // a vcse participant drew it too
    expect(layer.livedExperienceOnly.map((l) => l.id)).toEqual([mindHousing.id]);
  });

  it('gives zero agreement, not a division by zero, on an empty map', () => {
    expect(consensusLayer(mergeTableMaps([table('t1', [])]))).toEqual({ mappingTables: 0, organisations: [], links: [], contested: [], livedExperienceOnly: [] });
  });
});

describe('filterMapByGroups: the map as carers see it', () => {
  const map = mergeTableMaps(tables);

  it('keeps what carers drew, with the organisations at its ends, and re-resolves the status from their view', () => {
    const carers = filterMapByGroups(map, ['carer']);
    expect(carers.links).toHaveLength(2);
    const gpMind = carers.links.find((l) => l.id.includes(gp))!;
    // All tables together call it broken (tie goes to the worse); carers alone said it exists.
    expect(map.links.find((l) => l.id.includes(gp))!.status).toBe('broken');
    expect(gpMind.status).toBe('existing');
    expect(carers.organisations.map((o) => o.id).sort()).toEqual([housing, gp, mind].sort());
    expect(carers.organisations.find((o) => o.id === mind)!.tableIds).toEqual(['t3']);
    // Metrics run unchanged on the filtered map.
    expect(analyseEcosystem(carers, []).organisations.find((o) => o.id === mind)!.degree).toBe(2);
  });

  it('gives an empty map for a group that asserted nothing', () => {
    const none = filterMapByGroups(map, ['police_justice']);
    expect(none.organisations).toEqual([]);
    expect(none.links).toEqual([]);
  });
});
