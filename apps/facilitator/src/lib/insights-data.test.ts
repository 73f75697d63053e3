import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addOrganisation, initEventDoc, linkOrganisations, rateInfluence, readEvent, readSynthesis, readTable } from '@tablemap/model';
import { importedTable, previewMapImport, readKumuJson } from '@tablemap/analysis';
import { buildInsights, changeCsv, compareWithEarlier, diffMapData, earlierMapFromExport, formatFromName, groupView, seedTable } from './insights-data.ts';

function event() {
  const eventDoc = new Y.Doc();
  initEventDoc(eventDoc, { eventId: 'ev1', title: 'Test', tableCount: 2 });
  const t1 = new Y.Doc();
  const t2 = new Y.Doc();
  const carer = { group: 'carer', participantId: 'p1' };
  const housing = { group: 'housing', participantId: 'p2' };
  const gp = addOrganisation(t1, { name: 'Eastfield GP', sector: 'primary_care' }, carer);
  const crisis = addOrganisation(t1, { name: 'Crisis Housing', sector: 'housing' }, carer);
  linkOrganisations(t1, { source: gp, target: crisis, kind: 'refers_to' }, carer);
  const gp2 = addOrganisation(t2, { name: 'Eastfield GP', sector: 'primary_care' }, housing);
  const crisis2 = addOrganisation(t2, { name: 'Crisis Housing', sector: 'housing' }, housing);
  linkOrganisations(t2, { source: gp2, target: crisis2, kind: 'refers_to', status: 'broken' }, housing);
  return { event: readEvent(eventDoc), tables: { t1: readTable(t1), t2: readTable(t2) }, t1, synthesis: readSynthesis(new Y.Doc()) };
}

describe('buildInsights', () => {
  it('finds the contested link, the carers’ view and the statistics from the live tables', () => {
    const s = event();
    const insights = buildInsights(s.event, s.tables, s.synthesis);
    expect(insights.consensus.contested).toHaveLength(1);
    expect(insights.ei.overall.observed).toBe(null); // the only link is broken overall (tie goes to the worse)
    expect(insights.influence.sentences).toEqual(['No organisation has been rated for influence yet.']);
    const carers = groupView(insights.map, ['carer'], s.event);
    expect(carers.links.map((link) => link.status)).toEqual(['existing']);
    expect(groupView(insights.map, [], s.event).links.map((link) => link.status)).toEqual(['broken']);
  });
});

describe('buildInsights: who holds power', () => {
  it('feeds every table’s power-round ratings into the influence layer, per merged organisation', () => {
    const s = event();
    const t1 = readTable(s.t1);
    const gp = t1.organisations.find((org) => org.name === 'Eastfield GP')!.id;
    rateInfluence(s.t1, gp, 5, { group: 'carer', participantId: 'p1' });
    rateInfluence(s.t1, gp, 4, { group: 'housing', participantId: 'p3' });
    const insights = buildInsights(s.event, { ...s.tables, t1: readTable(s.t1) }, s.synthesis);
    const point = insights.influence.points.find((entry) => entry.name === 'Eastfield GP');
    expect(point).toMatchObject({ influence: 4.5, ratings: 2 });
    expect(insights.influence.points.find((entry) => entry.name === 'Crisis Housing')).toMatchObject({ influence: null, ratings: 0, quadrant: null });
  });
});

describe('formatFromName', () => {
  it('reads the format from the file name and refuses others', () => {
    expect(['map.json', 'Map.XLSX', 'a.csv', 'g.graphml', 'g.gexf', 'notes.pdf'].map(formatFromName)).toEqual(['kumu', 'xlsx', 'csv', 'graphml', 'gexf', null]);
  });
});

describe('seedTable', () => {
  it('adds an imported map to a table in one go, keeping organisations already there', () => {
    const s = event();
    const preview = previewMapImport(readKumuJson(JSON.stringify({
      elements: [{ _id: 'a', label: 'Eastfield GP', type: 'Primary care' }, { _id: 'b', label: 'Peer Café', type: 'vcse' }],
      connections: [{ from: 'a', to: 'b', type: 'referral' }],
    })), s.event.sectors);
    const result = seedTable(s.t1, importedTable(preview), { group: 'other', participantId: 'f1', isFacilitator: true }, readTable(s.t1));
    expect(result).toEqual({ organisations: 1, links: 1, alreadyThere: 1 });
    const after = readTable(s.t1);
    expect(after.organisations.map((org) => org.name).sort()).toEqual(['Crisis Housing', 'Eastfield GP', 'Peer Café']);
    expect(after.links).toHaveLength(2);
  });
});

describe('earlierMapFromExport and the change CSV', () => {
  it('refuses a file that is not JSON or not an event export, and compares a real one', () => {
    expect(() => earlierMapFromExport('nope')).toThrow('The file is not valid JSON.');
    expect(() => earlierMapFromExport('{"format":"kumu"}')).toThrow(/not a Tablemap event export/);
    const s = event();
    const exportJson = {
      format: 'tablemap-event', title: 'Last year',
      docs: { event: { content: { tables: {}, sectors: [] } }, synthesis: null, tables: { t1: { content: { organisations: Object.fromEntries(readTable(s.t1).organisations.map((org) => [org.id, org])), links: {} } } } },
    };
    const earlier = earlierMapFromExport(JSON.stringify(exportJson));
    expect(earlier.title).toBe('Last year');
    const change = compareWithEarlier(earlier.map, buildInsights(s.event, s.tables, s.synthesis).map, s.event, { confirmed: {}, separate: [] });
    expect(change.gainedLinks).toHaveLength(0);
    expect(changeCsv(change)).toContain('link,unchanged,Eastfield GP,Crisis Housing,,broken');
  });
});

describe('diffMapData', () => {
  it('labels new and gone organisations and draws lost links as broken', () => {
    const s = event();
    const now = buildInsights(s.event, s.tables, s.synthesis).map;
    const earlierExport = {
      format: 'tablemap-event', title: 'Last year',
      docs: { event: { content: { tables: {}, sectors: [] } }, synthesis: null, tables: { t1: { content: {
        organisations: { a: { id: 'a', name: 'Eastfield GP', sector: 'primary_care', addedByGroup: 'carer', createdAt: 0 }, z: { id: 'z', name: 'Old Drop-in', sector: 'vcse', addedByGroup: 'carer', createdAt: 0 } },
        links: { l: { id: 'l', source: 'a', target: 'z', kind: 'refers_to', mutual: false, strength: 2, status: 'existing', addedByGroup: 'carer', createdAt: 0 } },
      } } } },
    };
    const diff = diffMapData(compareWithEarlier(earlierMapFromExport(JSON.stringify(earlierExport)).map, now, s.event, { confirmed: {}, separate: [] }));
    expect(diff.organisations.map((org) => org.name).sort()).toEqual(['Crisis Housing (new)', 'Eastfield GP', 'Old Drop-in (no longer mapped)']);
    expect(diff.gainedIds.map((id) => diff.organisations.find((org) => org.id === id)!.name)).toEqual(['Crisis Housing (new)']);
    // GP - Drop-in was lost (dotted red); GP - Crisis Housing is broken now, so it is not drawn as a tie.
    expect(diff.links.map((link) => link.status)).toEqual(['broken']);
  });
});
