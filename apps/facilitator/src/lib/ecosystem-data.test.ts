import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addOrganisation,
  confirmOrganisationMerge,
  initEventDoc,
  linkOrganisations,
  readEvent,
  readSynthesis,
  readTable,
  rateInfluence,
  rejectOrganisationMerge,
} from '@tablemap/model';
import { buildEcosystem, confirmationAliases, heatColour, mapViewData, nodeWeights } from './ecosystem-data.ts';

function twoTables() {
  const eventDoc = new Y.Doc();
  initEventDoc(eventDoc, { eventId: 'ev1', title: 'Test', tableCount: 2 });
  const t1 = new Y.Doc();
  const t2 = new Y.Doc();
  const one = { group: 'housing', participantId: 'p1' };
  const two = { group: 'carer', participantId: 'p2' };
  const pcn = addOrganisation(t1, { name: 'Northshore PCN', sector: 'primary_care' }, one);
  const mind = addOrganisation(t1, { name: 'Northshore Mind', sector: 'vcse' }, one);
  linkOrganisations(t1, { source: mind, target: pcn, kind: 'refers_to' }, one);
  const pcnLong = addOrganisation(t2, { name: 'Northshore Primary Care Network', sector: 'primary_care' }, two);
  const mind2 = addOrganisation(t2, { name: 'northshore  MIND', sector: 'vcse' }, two);
  linkOrganisations(t2, { source: mind2, target: pcnLong, kind: 'refers_to', status: 'broken' }, two);
  // The power round: Mind is rated at both tables (its merged median is 2.5), the PCN at one.
  rateInfluence(t1, mind, 4, one);
  rateInfluence(t2, mind2, 1, two);
  rateInfluence(t1, pcn, 5, one);
  return { event: readEvent(eventDoc), tables: { t1: readTable(t1), t2: readTable(t2) }, synthesis: new Y.Doc() };
}

describe('buildEcosystem', () => {
  it('merges same names, only suggests near-duplicates, and applies a confirmed suggestion', () => {
    const s = twoTables();
    const before = buildEcosystem(s.event, s.tables, readSynthesis(s.synthesis));
    expect(before.analysis.organisations.map((org) => org.name).sort()).toEqual(['Northshore Mind', 'Northshore PCN', 'Northshore Primary Care Network']);
    const suggestion = before.suggestions.find((entry) => entry.names.includes('Northshore PCN'));
    expect(suggestion?.names).toContain('Northshore Primary Care Network');

    for (const [alias, canonical] of Object.entries(confirmationAliases(before.map, suggestion!))) confirmOrganisationMerge(s.synthesis, alias, canonical);
    const after = buildEcosystem(s.event, s.tables, readSynthesis(s.synthesis));
    expect(after.analysis.organisations).toHaveLength(2);
    expect(after.suggestions).toEqual([]);
    const link = after.analysis.links[0];
    expect(link?.tableIds).toEqual(['t1', 't2']);
    expect(link?.conflict).toBe(true); // existing at table 1, broken at table 2
  });

  it('never suggests a rejected pair again', () => {
    const s = twoTables();
    const before = buildEcosystem(s.event, s.tables, readSynthesis(s.synthesis));
    const [a, b] = before.suggestions[0]!.ids;
    rejectOrganisationMerge(s.synthesis, a, b);
    const after = buildEcosystem(s.event, s.tables, readSynthesis(s.synthesis));
    expect(after.suggestions.some((entry) => entry.ids.includes(a) && entry.ids.includes(b))).toBe(false);
    expect(after.analysis.organisations).toHaveLength(3);
  });
});

describe('mapViewData', () => {
  it('gives the map short ids and hides wanted or broken links unless asked', () => {
    const s = twoTables();
    const { analysis } = buildEcosystem(s.event, s.tables, readSynthesis(s.synthesis));
    const hidden = mapViewData(analysis, { wanted: false, broken: false });
    const shown = mapViewData(analysis, { wanted: true, broken: true });
    expect(hidden.organisations.every((org) => /^o\d+$/.test(org.id))).toBe(true);
    expect(hidden.links.map((link) => link.status)).toEqual(['existing']);
    expect(shown.links.map((link) => link.status).sort()).toEqual(['broken', 'existing']);
    for (const link of shown.links) expect(hidden.mergedId.has(link.source) && hidden.mergedId.has(link.target)).toBe(true);
  });
});

describe('nodeWeights', () => {
  it('keys degree, betweenness or median influence by the map ids, and gives nothing for equal sizes', () => {
    const s = twoTables();
    const { analysis, influence } = buildEcosystem(s.event, s.tables, readSynthesis(s.synthesis));
    const view = mapViewData(analysis, { wanted: true, broken: true });
    expect(nodeWeights(analysis, view.viewId, 'equal', influence)).toBeUndefined();
    const degree = nodeWeights(analysis, view.viewId, 'degree', influence)!;
    const betweenness = nodeWeights(analysis, view.viewId, 'betweenness', influence)!;
    const power = nodeWeights(analysis, view.viewId, 'influence', influence)!;
    expect(Object.keys(degree).sort()).toEqual([...view.mergedId.keys()].sort());
    for (const org of analysis.organisations) {
      const id = view.viewId.get(org.id)!;
      expect(degree[id]).toBe(org.degree);
      expect(betweenness[id]).toBe(org.betweenness);
    }
    // Mind's tie to the PCN exists; its link to the long PCN spelling is broken, which is not a tie.
    const idOf = (name: string) => view.viewId.get(analysis.organisations.find((org) => org.name === name)!.id)!;
    expect(degree[idOf('Northshore Mind')]).toBe(1);
    expect(degree[idOf('Northshore Primary Care Network')]).toBe(0);
    // Median influence from every table's ratings of the merged organisation; unrated counts as 0.
    expect(power[idOf('Northshore Mind')]).toBe(2.5);
    expect(power[idOf('Northshore PCN')]).toBe(5);
    expect(power[idOf('Northshore Primary Care Network')]).toBe(0);
  });
});

describe('heatColour', () => {
  it('is white for no ties, darkest for the most, with light text only on dark cells', () => {
    expect(heatColour(0, 5).background).toBe('#ffffff');
    expect(heatColour(5, 5)).toEqual({ background: 'hsl(214 70% 30%)', colour: '#ffffff' });
    expect(heatColour(1, 5).colour).toBe('#1a1a1a');
  });
});
