import { describe, expect, it } from 'vitest';
import type { Link, Organisation } from '@tablemap/model';
import { changeRows, compareEvents } from './change.ts';
import { AnalysisError } from './errors.ts';
import { earlierEventFromExport, earlierEventKey } from './event-export.ts';
import { mergeTableMaps, nameGroupId } from './merge.ts';
import { link, org, table } from './testing.ts';

const id = (name: string) => nameGroupId(name);

// Last year: GP, Mind, CMHT, Old Drop-in. GP-Mind existing, Mind-CMHT broken, CMHT-Drop-in existing.
const earlier = mergeTableMaps([table('t1', [org('gp', 'Eastfield GP', 'primary_care'), org('m', 'NORTHSHORE MIND'), org('c', 'Community Mental Health Team', 'nhs_secondary'), org('d', 'Old Drop-in')], [
  link('1', 'gp', 'm'), link('2', 'm', 'c', 'refers_to', 'broken'), link('3', 'c', 'd'),
])]);
// This year: GP, Northshore Mind, CMHT (spelt "CMHT" this year), Crisis Café.
// Mind-CMHT now existing, GP-Crisis Café new; the drop-in closed.
const current = mergeTableMaps([table('t1', [org('gp', 'Eastfield GP', 'primary_care'), org('m', 'Northshore Mind'), org('c', 'CMHT', 'nhs_secondary'), org('k', 'Crisis Cafe')], [
  link('1', 'gp', 'm'), link('2', 'm', 'c'), link('3', 'gp', 'k'),
])]);

describe('compareEvents', () => {
  it('matches identical normalised names automatically and only suggests near-duplicates', () => {
    const change = compareEvents(earlier, current);
    expect(change.organisations.find((o) => o.id === id('Northshore Mind'))).toMatchObject({ state: 'unchanged', earlierId: id('NORTHSHORE MIND') });
    expect(change.suggestions).toEqual([expect.objectContaining({ earlierId: id('Community Mental Health Team'), currentId: id('CMHT') })]);
    // Unconfirmed, the CMHT counts as lost and gained.
    expect(change.lostOrganisations.map((o) => o.name).sort()).toEqual(['Community Mental Health Team', 'Old Drop-in']);
  });

  it('lists gained and lost organisations by name, whatever order the tables hold them in', () => {
    const names = ['Zest Housing', 'advocacy hub', 'Mind Cafe', 'Beacon Trust'];
    const forwards = mergeTableMaps([table('t1', names.map((name, index) => org(`n${index}`, name)), [])]);
    const backwards = mergeTableMaps([table('t1', [...names].reverse().map((name, index) => org(`n${index}`, name)), [])]);
    const empty = mergeTableMaps([table('t1', [], [])]);
    for (const now of [forwards, backwards]) {
      expect(compareEvents(empty, now).gainedOrganisations.map((o) => o.name)).toEqual(['advocacy hub', 'Beacon Trust', 'Mind Cafe', 'Zest Housing']);
      expect(compareEvents(now, empty).lostOrganisations.map((o) => o.name)).toEqual(['advocacy hub', 'Beacon Trust', 'Mind Cafe', 'Zest Housing']);
    }
  });

  it('after the facilitator confirms a match, lists gained and lost organisations and links and status changes', () => {
    const change = compareEvents(earlier, current, { confirmed: { [id('Community Mental Health Team')]: id('CMHT') } });
    expect(change.suggestions).toEqual([]);
    expect(change.gainedOrganisations.map((o) => o.name)).toEqual(['Crisis Cafe']);
    expect(change.lostOrganisations.map((o) => o.name)).toEqual(['Old Drop-in']);
    expect(change.gainedLinks.map((l) => [l.before, l.after])).toEqual([['broken', 'existing'], [null, 'existing']]);
    expect(change.lostLinks).toHaveLength(1);
    expect(change.lostLinks[0]!.target).toBe(`earlier:${id('Old Drop-in')}`);
    expect(change.statusChanges.map((l) => l.id)).toEqual([[id('CMHT'), id('Northshore Mind')].sort().join('|')]);
    const cmht = change.organisations.find((o) => o.id === id('CMHT'))!;
    expect(cmht).toMatchObject({ state: 'unchanged', degreeChange: 0 }); // then: the drop-in; now: Mind
    expect(change.organisations.find((o) => o.id === id('Eastfield GP'))!.degreeChange).toBe(1);
    const links = change.metrics.find((m) => m.metric === 'existing_links')!;
    expect(links).toEqual({ metric: 'existing_links', before: 2, after: 3, sentence: 'The number of existing links rose from 2 to 3.' });
    expect(change.metrics.find((m) => m.metric === 'organisations')!.sentence).toBe('The number of organisations mapped stayed at 4.');
  });

  it('keeps apart an organisation the facilitator said is a different one', () => {
    const change = compareEvents(earlier, current, { separate: [id('NORTHSHORE MIND')] });
    expect(change.lostOrganisations.map((o) => o.earlierId)).toContain(id('NORTHSHORE MIND'));
  });

  it('ignores a confirmed match to an organisation that is not on the current map, and refuses a malformed one', () => {
    expect(compareEvents(earlier, current, { confirmed: { [id('Old Drop-in')]: 'name:nowhere' } }).lostOrganisations.map((o) => o.name)).toContain('Old Drop-in');
    expect(() => compareEvents(earlier, current, { confirmed: { x: 3 as unknown as string } })).toThrow(AnalysisError);
  });

  it('gives rows for the export', () => {
    const { header, rows } = changeRows(compareEvents(earlier, current));
    expect(header[0]).toBe('element');
    expect(rows).toContainEqual(['organisation', 'gained', 'Crisis Cafe', 'vcse', '', '', 0]);
    expect(rows).toContainEqual(['link', 'gained', 'Eastfield GP', 'Crisis Cafe', '', 'existing', '']);
  });
});

describe('earlierEventFromExport', () => {
  const plain = (item: Organisation | Link) => ({ ...item });
  const exportJson = {
    format: 'tablemap-event',
    version: 1,
    exportedAt: '2025-11-01T10:00:00.000Z',
    eventId: 'ev1',
    title: 'Learning exchange 2025',
    docs: {
      event: { kind: 'event', schemaVersion: 1, nested: [], content: { tables: { t1: { id: 't1', name: 'Table one', order: 0 } }, sectors: [{ id: 'vcse', label: 'Voluntary sector' }] } },
      synthesis: { kind: 'synthesis', schemaVersion: 1, nested: [], content: { aliases: { 't1:m': 'name:mind' } } },
      roster: null,
      tables: {
        t1: { kind: 'table', schemaVersion: 1, nested: ['organisations', 'links'], content: {
          organisations: { gp: plain(org('gp', 'Eastfield GP')), m: plain(org('m', 'Northshore Mind')), bad: { id: 'bad', name: '' } },
          links: { l1: plain(link('l1', 'gp', 'm')) },
        } },
        t2: null,
      },
    },
  };

  it('reads the tables, aliases and sectors of an earlier event and skips malformed entries into problems', () => {
    const earlierEvent = earlierEventFromExport(exportJson);
    expect(earlierEvent.title).toBe('Learning exchange 2025');
    expect(earlierEvent.tables).toHaveLength(1);
    expect(earlierEvent.tables[0]).toMatchObject({ tableId: 't1', tableName: 'Table one' });
    expect(earlierEvent.tables[0]!.organisations.map((o) => o.id)).toEqual(['gp', 'm']);
    expect(earlierEvent.aliases).toEqual({ 't1:m': 'name:mind' });
    expect(earlierEvent.sectors).toEqual([{ id: 'vcse', label: 'Voluntary sector' }]);
    expect(earlierEvent.problems).toEqual([expect.objectContaining({ collection: 't1/organisations', key: 'bad' })]);
    const map = mergeTableMaps(earlierEvent.tables, earlierEvent.aliases);
    expect(map.organisations.map((o) => o.id).sort()).toEqual([id('Eastfield GP'), 'name:mind']);
  });

  it('names the earlier event by its id, so decisions about two earlier events never mix', () => {
    expect(earlierEventKey(earlierEventFromExport(exportJson))).toBe('event:ev1');
    expect(earlierEventKey(earlierEventFromExport({ ...exportJson, eventId: 'ev2' }))).toBe('event:ev2');
    const { eventId: _dropped, ...withoutId } = exportJson;
    expect(earlierEventKey(earlierEventFromExport(withoutId))).toBe('export:Learning exchange 2025@2025-11-01T10:00:00.000Z');
  });

  it('refuses a file that is not a Tablemap event export', () => {
    expect(() => earlierEventFromExport({ format: 'kumu' })).toThrow(/not a Tablemap event export/);
    expect(() => earlierEventFromExport('nonsense')).toThrow(AnalysisError);
  });
});
