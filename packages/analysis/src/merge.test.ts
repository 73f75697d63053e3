import { describe, expect, it } from 'vitest';
import { AnalysisError } from './errors.ts';
import { suggestMerges } from './dedupe.ts';
import { aliasesToMerge, mergeTableMaps, nameGroupId, namesForSuggestions } from './merge.ts';
import { link, org, table } from './testing.ts';

const mind = nameGroupId('Northshore Mind');
const trust = nameGroupId('Mersey Vale NHS Foundation Trust');

describe('mergeTableMaps: organisations', () => {
  const tables = [
    table('t1', [org('a', 'Northshore Mind', 'vcse', { size: 'local', locality: 'Northshore', remit: 'Peer support' }), org('b', 'Mersey Vale NHS FT', 'nhs_secondary')]),
    table('t2', [org('x', 'NORTHSHORE  MIND', 'vcse', { remit: 'Crisis café' }), org('y', 'Mersey Vale NHS Foundation Trust', 'nhs_secondary')]),
    table('t3', [org('p', 'Northshore Mind', 'peer_led'), org('q', 'MerseyVale Trust', 'nhs_secondary')]),
  ];

  it('merges identical normalised names across tables and keeps who mentioned them', () => {
    const map = mergeTableMaps(tables);
    expect(map.organisations.map((o) => o.id).sort()).toEqual([trust, nameGroupId('MerseyVale Trust'), mind].sort());
    const merged = map.organisations.find((o) => o.id === mind)!;
    expect(merged.tableIds).toEqual(['t1', 't2', 't3']);
    expect(merged.mentions).toEqual([
      { tableId: 't1', organisationId: 'a', group: 'vcse' },
      { tableId: 't2', organisationId: 'x', group: 'vcse' },
      { tableId: 't3', organisationId: 'p', group: 'vcse' },
    ]);
    expect(merged.name).toBe('Northshore Mind'); // the spelling two tables used
    expect(merged.variants).toEqual(['Northshore Mind', 'NORTHSHORE  MIND']);
    expect(merged.size).toBe('local');
    expect(merged.locality).toBe('Northshore');
    expect(merged.remit).toBe('Peer support / Crisis café');
    expect(merged.sector).toBe('vcse'); // two tables against one
    expect(merged.sectorsAsserted).toEqual(['vcse', 'peer_led']);
  });

  it('merges a fuzzy match only when the alias map says so', () => {
    const map = mergeTableMaps(tables, { 't3:q': trust });
    const merged = map.organisations.find((o) => o.id === trust)!;
    expect(map.organisations).toHaveLength(2);
    expect(merged.tableIds).toEqual(['t1', 't2', 't3']);
    expect(merged.variants).toContain('MerseyVale Trust');
  });

  it('splits a mention off by hand, either by rejecting its automatic merge or by aliasing it elsewhere', () => {
    const rejected = mergeTableMaps(tables, {}, ['t3:p']);
    expect(rejected.organisations.find((o) => o.id === mind)!.tableIds).toEqual(['t1', 't2']);
    expect(rejected.organisations.find((o) => o.id === 'mention:t3:p')!.name).toBe('Northshore Mind');
    const aliased = mergeTableMaps(tables, { 't3:p': 'northshore-mind-peer-group' });
    expect(aliased.organisations.find((o) => o.id === 'northshore-mind-peer-group')!.mentions).toEqual([{ tableId: 't3', organisationId: 'p', group: 'vcse' }]);
  });

  it('reports an alias for a mention no table has any more, and still merges the rest', () => {
    const map = mergeTableMaps(tables, { 't9:gone': trust });
    expect(map.problems).toEqual([expect.objectContaining({ kind: 'alias-unknown-mention', key: 't9:gone' })]);
    expect(map.organisations).toHaveLength(3);
  });

  it('refuses a malformed alias map with a clear error and computes nothing', () => {
    expect(() => mergeTableMaps(tables, { 'no-colon': trust })).toThrow(AnalysisError);
    expect(() => mergeTableMaps(tables, { 'no-colon': trust })).toThrow(/alias keys must look like "tableId:organisationId"/);
    expect(() => mergeTableMaps(tables, { 't1:a': 42 } as never)).toThrow(/alias must map to a merged id/);
    expect(() => mergeTableMaps(tables, { 't1:a': '  ' })).toThrow(/alias must map to a merged id/);
    expect(() => mergeTableMaps(tables, {}, ['bad'])).toThrow(/rejected entries/);
    expect(() => mergeTableMaps([{ tableId: 't1' }] as never)).toThrow(/table list is malformed/);
  });
});

describe('mergeTableMaps: links and provenance', () => {
  const tables = [
    table('t1', [org('a', 'Northshore Mind'), org('b', 'Riverside Housing', 'housing')], [link('l1', 'a', 'b', 'refers_to', 'existing', 3)]),
    table('t2', [org('a', 'northshore mind'), org('b', 'Riverside Housing', 'housing')], [link('l1', 'b', 'a', 'refers_to', 'broken', 1)]),
    table('t3', [org('m', 'Northshore Mind'), org('h', 'riverside housing', 'housing')], [link('k', 'm', 'h', 'collaborates', 'existing', 2)]),
  ];

  it('joins the same tie from several tables into one link that records every assertion', () => {
    const map = mergeTableMaps(tables);
    expect(map.links).toHaveLength(1);
    const merged = map.links[0]!;
    expect(merged.tableIds).toEqual(['t1', 't2', 't3']);
    expect(merged.assertions.map((a) => [a.tableId, a.kind, a.status, a.strength])).toEqual([
      ['t1', 'refers_to', 'existing', 3],
      ['t2', 'refers_to', 'broken', 1],
      ['t3', 'collaborates', 'existing', 2],
    ]);
    expect(merged.kind).toBe('refers_to'); // asserted twice
    expect(merged.status).toBe('existing'); // two tables against one
    expect(merged.strength).toBe(2); // (3 + 1 + 2) / 3
    expect(merged.mutual).toBe(true); // t3 said "works jointly with", and t1/t2 gave both directions
  });

  it('shows a conflict when one table says existing and another says broken', () => {
    const map = mergeTableMaps(tables.slice(0, 2));
    expect(map.links[0]!.conflict).toBe(true);
    // One table each: the tie goes to the more worrying status, so the problem is not hidden.
    expect(map.links[0]!.status).toBe('broken');
    expect(mergeTableMaps([tables[0]!, tables[2]!]).links[0]!.conflict).toBe(false);
  });

  it('keeps a single direction when every table agrees on it', () => {
    const map = mergeTableMaps([tables[0]!]);
    expect(map.links[0]).toMatchObject({ source: mind, target: nameGroupId('Riverside Housing'), mutual: false });
  });

  it('drops a link whose two ends were merged into one organisation, and says so', () => {
    const map = mergeTableMaps([tables[0]!], { 't1:b': mind });
    expect(map.links).toEqual([]);
    expect(map.problems).toEqual([expect.objectContaining({ kind: 'link-within-one-organisation', key: 't1:l1' })]);
  });

  it('reports a link to an organisation the table does not have instead of inventing one', () => {
    const broken = table('t1', [org('a', 'Northshore Mind')], [link('l1', 'a', 'ghost')]);
    const map = mergeTableMaps([broken]);
    expect(map.links).toEqual([]);
    expect(map.problems[0]).toMatchObject({ kind: 'link-to-unknown-organisation' });
  });
});

describe('the confirm-a-suggestion workflow', () => {
  it('suggests on every spelling of a merged organisation, then merges through alias entries', () => {
    const tables = [
      table('t1', [org('a', 'Northshore Primary Care Network', 'primary_care')]),
      table('t2', [org('b', 'NORTHSHORE PRIMARY CARE NETWORK', 'primary_care'), org('c', 'North Shore PCN', 'primary_care')]),
      table('t3', [org('d', 'Riverside Housing', 'housing')]),
    ];
    const before = mergeTableMaps(tables);
    const pcn = nameGroupId('Northshore Primary Care Network');
    const suggestions = suggestMerges(namesForSuggestions(before));
    // One suggestion per pair of merged organisations, however many spellings each has.
    expect(suggestions).toEqual([expect.objectContaining({ ids: [pcn, nameGroupId('North Shore PCN')], reason: 'abbreviation' })]);
    const aliases = aliasesToMerge(before, [nameGroupId('North Shore PCN')], pcn);
    expect(aliases).toEqual({ 't2:c': pcn });
    const after = mergeTableMaps(tables, aliases);
    expect(after.organisations.map((o) => o.id).sort()).toEqual([pcn, nameGroupId('Riverside Housing')].sort());
    expect(after.organisations.find((o) => o.id === pcn)!.mentions).toHaveLength(3);
    // The table inputs are untouched.
    expect(tables[1]!.organisations[1]!.name).toBe('North Shore PCN');
  });
});
