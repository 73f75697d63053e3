import { describe, expect, it } from 'vitest';
import { groupsPresent, presenceSummary } from './presence.ts';

const labels: Record<string, string> = { carer: 'Carer', housing: 'Housing', vcse: 'VCSE' };

describe('presenceSummary', () => {
  it('describes the people at a table by stakeholder group only', () => {
    const states = [
      { group: 'vcse', role: 'participant' },
      { group: 'carer', role: 'participant' },
      { group: 'vcse', role: 'participant' },
      { group: 'housing', role: 'participant', editingOrganisationId: 'abc' },
    ];
    expect(presenceSummary(states, (id) => labels[id] ?? id)).toBe('Carer · Housing · 2 × VCSE');
  });

  it('ignores observers and malformed presence sent by a broken client', () => {
    const states = [{ group: 'carer', role: 'participant' }, { role: 'participant' }, null, 'junk', { group: 'x', role: 'observer' }];
    expect([...groupsPresent(states)]).toEqual([['carer', 1]]);
  });
});
