import { describe, expect, it } from 'vitest';
import { EditingTracker, groupsPresent, presenceFrame, presenceSummary } from './presence.ts';

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

describe('EditingTracker', () => {
  const editing = (organisationId: string | null, activity = 0) => ({ group: 'carer', role: 'participant', editingOrganisationId: organisationId, activity });

  it('shows what other phones are working on, never this phone’s own', () => {
    const tracker = new EditingTracker(30_000);
    const states = new Map<number, unknown>([
      [1, editing('mind')],
      [2, editing('shelter')],
      [3, editing(null)],
    ]);
    expect(tracker.active(states, 2, 0)).toEqual(['mind']);
  });

  it('clears when the other phone deselects or leaves', () => {
    const tracker = new EditingTracker(30_000);
    expect(tracker.active(new Map([[1, editing('mind')]]), 9, 0)).toEqual(['mind']);
    expect(tracker.active(new Map([[1, editing(null)]]), 9, 1000)).toEqual([]);
    expect(tracker.active(new Map([[1, editing('mind')]]), 9, 2000)).toEqual(['mind']);
    expect(tracker.active(new Map(), 9, 3000)).toEqual([]);
  });

  it('clears after 30 s without activity, and comes back when the person taps or types again', () => {
    const tracker = new EditingTracker(30_000);
    expect(tracker.active(new Map([[1, editing('mind', 1)]]), 9, 0)).toEqual(['mind']);
    expect(tracker.active(new Map([[1, editing('mind', 1)]]), 9, 29_999)).toEqual(['mind']);
    expect(tracker.active(new Map([[1, editing('mind', 1)]]), 9, 30_000)).toEqual([]);
    expect(tracker.active(new Map([[1, editing('mind', 2)]]), 9, 45_000)).toEqual(['mind']);
  });
});

describe('presenceFrame', () => {
  it('encodes one presence change that y-protocols applies to an Awareness', async () => {
    const Y = await import('yjs');
    const awarenessProtocol = await import('y-protocols/awareness');
    const decoding = await import('lib0/decoding');
    const frame = presenceFrame(4242, { group: 'carer', role: 'participant' }, 3);
    const decoder = decoding.createDecoder(frame);
    expect(decoding.readVarUint(decoder)).toBe(1);
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), 'test');
    expect(awareness.getStates().get(4242)).toEqual({ group: 'carer', role: 'participant' });
    expect(awareness.meta.get(4242)?.clock).toBe(3);
  });
});
