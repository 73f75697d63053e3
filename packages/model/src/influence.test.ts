import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clearInfluence, influenceRows, medianOf, rateInfluence } from './influence.ts';
import { addOrganisation, readTable, removeOrganisation, removeParticipantContent, type Actor } from './table-doc.ts';
import { codeOf } from './test-support.ts';
import { migrate } from './versions.ts';

const carer: Actor = { group: 'carer', participantId: 'p1' };
const housing: Actor = { group: 'housing', participantId: 'p2' };
const gp: Actor = { group: 'primary_care', participantId: 'p3' };

function tableWith(...names: string[]): { doc: Y.Doc; ids: string[] } {
  const doc = new Y.Doc();
  migrate(doc, 'table');
  return { doc, ids: names.map((name) => addOrganisation(doc, { name, sector: 'vcse' }, carer)) };
}

describe('influence ratings', () => {
  it('keeps one rating per participant and organisation, and reads the median, count and each rating', () => {
    const { doc, ids } = tableWith('Riverside Mind', 'Council');
    const [mind, council] = ids as [string, string];
    rateInfluence(doc, mind, 2, carer);
    rateInfluence(doc, mind, 5, carer); // a second tap replaces, never adds
    rateInfluence(doc, mind, 0, housing);
    rateInfluence(doc, council, 3, carer);
    rateInfluence(doc, council, 4, housing);
    rateInfluence(doc, council, 5, gp);
    const { influence } = readTable(doc);
    expect(influence[mind]).toEqual({ organisationId: mind, median: 2.5, count: 2, ratings: { p1: 5, p2: 0 } });
    expect(influence[council]).toMatchObject({ median: 4, count: 3 });
  });

  it('takes a rating back, and clearing twice is harmless', () => {
    const { doc, ids } = tableWith('Riverside Mind');
    rateInfluence(doc, ids[0]!, 3, carer);
    clearInfluence(doc, ids[0]!, carer);
    clearInfluence(doc, ids[0]!, carer);
    expect(readTable(doc).influence).toEqual({});
  });

  it('refuses 6, 2.5, -1, text and an organisation not on the map, changing nothing', () => {
    const { doc, ids } = tableWith('Riverside Mind');
    rateInfluence(doc, ids[0]!, 1, carer);
    const before = Y.encodeStateAsUpdate(doc);
    for (const bad of [6, 2.5, -1, Number.NaN, '3' as unknown as number]) expect(codeOf(() => rateInfluence(doc, ids[0]!, bad, carer)), String(bad)).toBe('invalid_input');
    expect(codeOf(() => rateInfluence(doc, 'nowhere', 3, carer))).toBe('not_found');
    expect(codeOf(() => rateInfluence(doc, 'Not An Id', 3, carer))).toBe('invalid_input');
    expect(codeOf(() => rateInfluence(doc, ids[0]!, 3, { group: 'carer', participantId: 'Bad Id' }))).toBe('invalid_input');
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('removing an organisation removes its ratings; ratings junk is skipped into problems', () => {
    const { doc, ids } = tableWith('Riverside Mind', 'Council');
    rateInfluence(doc, ids[0]!, 4, carer);
    rateInfluence(doc, ids[1]!, 1, housing);
    removeOrganisation(doc, ids[0]!);
    expect(Object.keys(readTable(doc).influence)).toEqual([ids[1]]);
    expect([...doc.getMap('influence').keys()]).toHaveLength(1);
    doc.getMap('influence').set(`${ids[1]}:p9`, 7);
    doc.getMap('influence').set('no colon', 2);
    const snapshot = readTable(doc);
    expect(snapshot.influence[ids[1]!]?.count).toBe(1);
    expect(snapshot.problems.filter((problem) => problem.collection === 'influence')).toHaveLength(2);
  });

  it('moderation removes one participant’s ratings and leaves the others', () => {
    const { doc, ids } = tableWith('Riverside Mind');
    rateInfluence(doc, ids[0]!, 4, carer);
    rateInfluence(doc, ids[0]!, 2, housing);
    expect(removeParticipantContent(doc, housing.participantId).ratings).toBe(1);
    expect(readTable(doc).influence[ids[0]!]?.ratings).toEqual({ p1: 4 });
  });

  it('influenceRows: one row per rating, anonymous ids only, in a stable order', () => {
    const { doc, ids } = tableWith('Riverside Mind');
    rateInfluence(doc, ids[0]!, 3, housing);
    rateInfluence(doc, ids[0]!, 1, carer);
    expect(influenceRows('t2', readTable(doc).influence)).toEqual([
      { tableId: 't2', organisationId: ids[0], participantId: 'p1', value: 1 },
      { tableId: 't2', organisationId: ids[0], participantId: 'p2', value: 3 },
    ]);
  });

  it('medianOf: odd, even and empty', () => {
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 0])).toBe(2);
    expect(medianOf([])).toBeNull();
  });
});
