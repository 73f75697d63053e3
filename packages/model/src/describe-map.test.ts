import { describe, expect, it } from 'vitest';
import { describeMap, type MapDescriptionWords } from './describe-map.ts';

const organisations = [
  { id: 'a', name: 'Mind', sector: 'vcse' },
  { id: 'b', name: 'Riverside Housing', sector: 'housing' },
];
const links = [{ source: 'a', target: 'b', kind: 'refers_to', mutual: false, status: 'wanted' }];
const sectors = [
  { id: 'vcse', label: 'Voluntary sector' },
  { id: 'housing', label: 'Housing' },
];

describe('describeMap', () => {
  it('says the map in English by default', () => {
    expect(describeMap(organisations, links, sectors)).toBe(
      'The map has 2 organisations and 1 link.\nHousing: Riverside Housing.\nVoluntary sector: Mind.\nLinks:\nMind refers people to → Riverside Housing (wanted).',
    );
    expect(describeMap([], [], sectors)).toBe('The map is empty. No organisations have been added yet.');
  });

  it('says it in the words an app gives (its own language)', () => {
    const polish: MapDescriptionWords = {
      empty: 'Mapa jest pusta.',
      counts: (orgs, linkCount) => `Na mapie jest ${orgs} organizacji i ${linkCount} powiązanie.`,
      linksHeading: 'Powiązania:',
      removedOrganisation: 'usunięta organizacja',
      kind: (kind) => (kind === 'refers_to' ? 'kieruje ludzi do' : kind),
      status: (status) => (status === 'wanted' ? ' (pożądane)' : ''),
    };
    expect(describeMap(organisations, links, sectors, polish).split('\n')).toEqual([
      'Na mapie jest 2 organizacji i 1 powiązanie.',
      'Housing: Riverside Housing.',
      'Voluntary sector: Mind.',
      'Powiązania:',
      'Mind kieruje ludzi do → Riverside Housing (pożądane).',
    ]);
    expect(describeMap([], [], sectors, polish)).toBe('Mapa jest pusta.');
  });
});
