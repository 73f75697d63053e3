import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import {
  addNote,
  addOrganisation,
  castThemeVote,
  castVote,
  linkOrganisations,
  observeTable,
  purgeNote,
  readTable,
  removeLink,
  removeNote,
  removeOrganisation,
  retractVote,
  setPosition,
  setPositions,
  updateLink,
  updateNote,
  updateOrganisation,
  withdrawParticipant,
  type Actor,
} from './table-doc.ts';
import { rateInfluence } from './influence.ts';
import { migrate } from './versions.ts';

const carer: Actor = { group: 'carer', participantId: 'p1' };
const housing: Actor = { group: 'housing', participantId: 'p2' };

function freshTable(): Y.Doc {
  const doc = new Y.Doc();
  migrate(doc, 'table');
  return doc;
}

function expectModelError(action: () => unknown, code: string): ModelError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe(code);
    return error as ModelError;
  }
  throw new Error(`expected a ModelError with code ${code}`);
}

function twoOrganisations(doc: Y.Doc) {
  const mind = addOrganisation(doc, { name: 'Riverside Mind', sector: 'vcse', size: 'local' }, carer);
  const housingOrg = addOrganisation(doc, { name: 'Riverside Housing', sector: 'housing' }, housing);
  return { mind, housingOrg };
}

describe('organisations', () => {
  it('adds an organisation attributed to a stakeholder group and an anonymous id, never a name', () => {
    const doc = freshTable();
    const id = addOrganisation(doc, { name: '  Riverside   Mind ', sector: 'vcse', size: 'local', remit: 'Peer support' }, carer);
    const [org] = readTable(doc).organisations;
    expect(org).toMatchObject({ id, name: 'Riverside   Mind', sector: 'vcse', size: 'local', remit: 'Peer support', addedByGroup: 'carer' });
    // The anonymous per-join id (as notes carry), so a participant who withdraws can take it back.
    expect(org?.addedBy).toBe(carer.participantId);
    expect(Object.keys(org ?? {}).sort()).toEqual(['addedBy', 'addedByGroup', 'createdAt', 'id', 'locality', 'name', 'remit', 'sector', 'size']);
  });

  it.each([
    ['an empty name', { name: '   ', sector: 'vcse' }],
    ['a 10 kB name', { name: 'x'.repeat(10_000), sector: 'vcse' }],
    ['an unknown size', { name: 'A', sector: 'vcse', size: 'huge' }],
    ['a sector that is not an id', { name: 'A', sector: 'Not An Id!' }],
    ['a missing name', { sector: 'vcse' }],
  ])('refuses %s and changes nothing', (_label, input) => {
    const doc = freshTable();
    const before = Y.encodeStateAsUpdate(doc);
    const error = expectModelError(() => addOrganisation(doc, input as never, carer), 'invalid_input');
    expect(error.details.length).toBeGreaterThan(0);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('refuses a duplicate name at the same table and points at the existing one', () => {
    const doc = freshTable();
    const id = addOrganisation(doc, { name: 'Riverside Mind', sector: 'vcse' }, carer);
    const error = expectModelError(() => addOrganisation(doc, { name: 'riverside  MIND', sector: 'vcse' }, housing), 'duplicate');
    expect(error.details[0]).toBe(id);
    expect(readTable(doc).organisations).toHaveLength(1);
  });

  it('updates fields and refuses renaming onto another organisation', () => {
    const doc = freshTable();
    const { mind, housingOrg } = twoOrganisations(doc);
    updateOrganisation(doc, mind, { remit: 'Crisis café', size: 'regional' });
    expect(readTable(doc).organisations.find((org) => org.id === mind)).toMatchObject({ remit: 'Crisis café', size: 'regional' });
    expectModelError(() => updateOrganisation(doc, mind, { name: 'Riverside Housing' }), 'duplicate');
    expectModelError(() => updateOrganisation(doc, 'nosuchorg', { remit: 'x' }), 'not_found');
    updateOrganisation(doc, housingOrg, { name: 'Riverside Housing Association' });
    expect(readTable(doc).organisations.map((org) => org.name)).toContain('Riverside Housing Association');
  });

  it('removing an organisation removes its links and position in one step', () => {
    const doc = freshTable();
    const { mind, housingOrg } = twoOrganisations(doc);
    linkOrganisations(doc, { source: mind, target: housingOrg, kind: 'refers_to' }, carer);
    setPosition(doc, mind, { x: 10, y: 20 });
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    removeOrganisation(doc, mind);
    expect(transactions).toBe(1);
    const table = readTable(doc);
    expect(table.organisations.map((org) => org.id)).toEqual([housingOrg]);
    expect(table.links).toEqual([]);
    expect(table.positions).toEqual({});
  });
});

describe('links', () => {
  it('links two organisations, defaulting direction from the kind', () => {
    const doc = freshTable();
    const { mind, housingOrg } = twoOrganisations(doc);
    linkOrganisations(doc, { source: mind, target: housingOrg, kind: 'refers_to', status: 'wanted', strength: 3 }, carer);
    linkOrganisations(doc, { source: housingOrg, target: mind, kind: 'collaborates' }, housing);
    const [refers, collaborates] = readTable(doc).links;
    expect(refers).toMatchObject({ kind: 'refers_to', mutual: false, status: 'wanted', strength: 3, addedByGroup: 'carer' });
    expect(collaborates).toMatchObject({ kind: 'collaborates', mutual: true, status: 'existing', strength: 2 });
  });

  it.each([
    ['an unknown kind', { kind: 'befriends' }],
    ['strength 4', { kind: 'funds', strength: 4 }],
    ['an unknown status', { kind: 'funds', status: 'maybe' }],
  ])('refuses %s', (_label, extra) => {
    const doc = freshTable();
    const { mind, housingOrg } = twoOrganisations(doc);
    expectModelError(() => linkOrganisations(doc, { source: mind, target: housingOrg, ...extra } as never, carer), 'invalid_input');
    expect(readTable(doc).links).toEqual([]);
  });

  it('refuses a link to a deleted organisation and a link to itself', () => {
    const doc = freshTable();
    const { mind, housingOrg } = twoOrganisations(doc);
    removeOrganisation(doc, housingOrg);
    expectModelError(() => linkOrganisations(doc, { source: mind, target: housingOrg, kind: 'funds' }, carer), 'not_found');
    expectModelError(() => linkOrganisations(doc, { source: mind, target: mind, kind: 'funds' }, carer), 'invalid_input');
  });

  it('updates and removes links', () => {
    const doc = freshTable();
    const { mind, housingOrg } = twoOrganisations(doc);
    const id = linkOrganisations(doc, { source: mind, target: housingOrg, kind: 'funds' }, carer);
    updateLink(doc, id, { status: 'broken', note: 'Funding cut in 2024' });
    expect(readTable(doc).links[0]).toMatchObject({ status: 'broken', note: 'Funding cut in 2024' });
    expectModelError(() => updateLink(doc, id, { strength: 0 }), 'invalid_input');
    removeLink(doc, id);
    expect(readTable(doc).links).toEqual([]);
    expectModelError(() => removeLink(doc, id), 'not_found');
  });

  it('hides a link left dangling by a concurrent delete instead of crashing a view', () => {
    const alice = freshTable();
    const { mind, housingOrg } = twoOrganisations(alice);
    const bob = new Y.Doc();
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice));
    linkOrganisations(bob, { source: mind, target: housingOrg, kind: 'hosts' }, housing);
    removeOrganisation(alice, housingOrg);
    Y.applyUpdate(alice, Y.encodeStateAsUpdate(bob));
    const table = readTable(alice);
    expect(table.links).toEqual([]);
    expect(table.problems.some((problem) => problem.reason.includes('removed'))).toBe(true);
  });
});

describe('notes and votes', () => {
  it('adds a note in each kind, attributed to the group only', () => {
    const doc = freshTable();
    for (const kind of ['observation', 'quote', 'gap', 'idea', 'question'] as const) {
      addNote(doc, { text: `A ${kind}`, kind }, carer);
    }
    const notes = readTable(doc).notes;
    expect(notes.map((note) => note.kind)).toEqual(['observation', 'quote', 'gap', 'idea', 'question']);
    expect(notes.every((note) => note.group === 'carer')).toBe(true);
    expectModelError(() => addNote(doc, { text: '', kind: 'idea' }, carer), 'invalid_input');
    expectModelError(() => addNote(doc, { text: 'x', kind: 'rant' } as never, carer), 'invalid_input');
  });

  it('limits a note to 1,000 characters when added or edited, and leaves the note unchanged on refusal', () => {
    const doc = freshTable();
    const id = addNote(doc, { text: 'x'.repeat(1000), kind: 'idea' }, carer);
    const tooLong = expectModelError(() => addNote(doc, { text: 'y'.repeat(1001), kind: 'idea' }, carer), 'invalid_input');
    expect(tooLong.message).toContain('at most 1000 characters');
    expectModelError(() => updateNote(doc, id, { text: 'z'.repeat(3000) }, carer), 'invalid_input');
    expect(readTable(doc).notes.map((note) => note.text)).toEqual(['x'.repeat(1000)]);
  });

  it('still reads back a longer note written before the limit, rather than dropping it', () => {
    const doc = freshTable();
    const id = addNote(doc, { text: 'short', kind: 'idea' }, carer);
    const stored = doc.getMap('notes').get(id) as Y.Map<unknown>;
    stored.set('text', 'w'.repeat(3000));
    expect(readTable(doc).notes[0]?.text).toHaveLength(3000);
  });

  it('lets only the author (or a facilitator) edit or delete a note', () => {
    const doc = freshTable();
    const id = addNote(doc, { text: 'Waiting lists are long', kind: 'gap' }, carer);
    expectModelError(() => updateNote(doc, id, { text: 'changed' }, housing), 'not_allowed');
    expectModelError(() => removeNote(doc, id, housing), 'not_allowed');
    updateNote(doc, id, { text: 'Waiting lists are very long' }, carer);
    updateNote(doc, id, { kind: 'observation' }, { group: 'other', participantId: 'f1', isFacilitator: true });
    expect(readTable(doc).notes[0]).toMatchObject({ text: 'Waiting lists are very long', kind: 'observation' });
    removeNote(doc, id, carer);
    expect(readTable(doc).notes).toEqual([]);
  });

  it('enforces the vote limit, allows taking a vote back, and tallies by group', () => {
    const doc = freshTable();
    const first = addNote(doc, { text: 'one', kind: 'idea' }, carer);
    const second = addNote(doc, { text: 'two', kind: 'idea' }, carer);
    const rules = { votesPerParticipant: 2, allowStackedVotes: false };
    castVote(doc, first, carer, rules);
    expectModelError(() => castVote(doc, first, carer, rules), 'vote_limit');
    castVote(doc, second, carer, rules);
    expectModelError(() => castVote(doc, second, carer, rules), 'vote_limit');
    castVote(doc, first, housing, rules);
    const table = readTable(doc);
    expect(table.votes[first]).toEqual({ noteId: first, total: 2, byGroup: { carer: 1, housing: 1 } });
    expect(table.votesByVoter).toEqual({ p1: 2, p2: 1 });
    retractVote(doc, second, carer);
    castVote(doc, first, carer, { votesPerParticipant: 2, allowStackedVotes: true });
    expect(readTable(doc).votes[first]?.total).toBe(3);
    expectModelError(() => retractVote(doc, second, carer), 'not_found');
  });

  it('drops a note’s votes when the note is deleted', () => {
    const doc = freshTable();
    const id = addNote(doc, { text: 'one', kind: 'idea' }, carer);
    castVote(doc, id, housing, { votesPerParticipant: 3, allowStackedVotes: false });
    removeNote(doc, id, carer);
    expect(readTable(doc).votesByVoter).toEqual({});
  });
});

describe('positions and read-back', () => {
  it('stores rounded positions and refuses non-finite ones', () => {
    const doc = freshTable();
    const { mind } = twoOrganisations(doc);
    setPosition(doc, mind, { x: 10.4, y: -3.6 });
    expect(readTable(doc).positions[mind]).toEqual({ x: 10, y: -4 });
    expectModelError(() => setPosition(doc, mind, { x: Number.NaN, y: 0 }), 'invalid_input');
  });

  it('shares a layout’s placements in one transaction with its origin, skipping deleted organisations and junk', () => {
    const doc = freshTable();
    const { mind, housingOrg } = twoOrganisations(doc);
    const origins: unknown[] = [];
    doc.on('afterTransaction', (transaction) => origins.push(transaction.origin));
    const placed = { [mind]: { x: 1.6, y: 2 }, [housingOrg]: { x: Number.NaN, y: 0 }, gone: { x: 5, y: 5 } };
    expect(setPositions(doc, placed, 'shared-layout')).toBe(1);
    expect(origins).toEqual(['shared-layout']);
    expect(readTable(doc).positions).toEqual({ [mind]: { x: 2, y: 2 } });
  });

  it('skips and reports junk written by an old or broken client', () => {
    const doc = freshTable();
    const { mind } = twoOrganisations(doc);
    doc.transact(() => {
      doc.getMap('organisations').set('junk1', 'not an object' as never);
      const bad = new Y.Map<unknown>();
      bad.set('name', 42);
      doc.getMap('organisations').set('junk2', bad as never);
      doc.getMap('notes').set('junk3', new Y.Map() as never);
      doc.getMap('votes').set('garbage', 'x' as never);
    });
    const table = readTable(doc);
    expect(table.organisations.map((org) => org.id)).toContain(mind);
    expect(table.organisations).toHaveLength(2);
    expect(table.problems.map((problem) => problem.key).sort()).toEqual(['garbage', 'junk1', 'junk2', 'junk3']);
  });

  it('observeTable reports the current state and every change until unsubscribed', () => {
    const doc = freshTable();
    const counts: number[] = [];
    const stop = observeTable(doc, (snapshot) => counts.push(snapshot.organisations.length));
    twoOrganisations(doc);
    stop();
    addOrganisation(doc, { name: 'Third', sector: 'vcse' }, carer);
    expect(counts).toEqual([0, 1, 2]);
  });
});

describe('withdrawParticipant', () => {
  const rules = { votesPerParticipant: 5, allowStackedVotes: false };

  it('removes their notes, votes, links and the organisations they added alone; others keep theirs', () => {
    const doc = freshTable();
    const aloneOrg = addOrganisation(doc, { name: 'Quiet Peer Group', sector: 'peer_led' }, carer);
    const sharedOrg = addOrganisation(doc, { name: 'Riverside Mind', sector: 'vcse' }, carer);
    const otherOrg = addOrganisation(doc, { name: 'Riverside Housing', sector: 'housing' }, housing);
    setPosition(doc, aloneOrg, { x: 1, y: 2 });
    const ownLink = linkOrganisations(doc, { source: aloneOrg, target: otherOrg, kind: 'refers_to' }, carer);
    const othersLink = linkOrganisations(doc, { source: otherOrg, target: sharedOrg, kind: 'funds' }, housing);
    const ownNote = addNote(doc, { text: 'My private worry', kind: 'observation' }, carer);
    const othersNote = addNote(doc, { text: 'Housing waits are long', kind: 'gap' }, housing);
    castVote(doc, othersNote, carer, rules);
    castVote(doc, ownNote, housing, rules);
    castThemeVote(doc, 'theme1', carer, rules);
    rateInfluence(doc, sharedOrg, 4, carer);
    rateInfluence(doc, otherOrg, 2, housing);

    // Consent is not in the table doc: the server removes the record from its database (consent stays 0 here).
    expect(withdrawParticipant(doc, carer.participantId)).toEqual({ notes: 1, organisations: 1, links: 1, votes: 3, consent: 0, ratings: 1 });

    const after = readTable(doc);
    expect(after.notes.map((note) => note.id)).toEqual([othersNote]);
    expect(after.organisations.map((org) => org.id).sort()).toEqual([sharedOrg, otherOrg].sort());
    expect(after.links.map((link) => link.id)).toEqual([othersLink]);
    expect(after.links).not.toContainEqual(expect.objectContaining({ id: ownLink }));
    expect(after.votes).toEqual({});
    expect(after.themeVotes).toEqual({});
    expect(after.positions).toEqual({});
    expect(after.influence).toEqual({ [otherOrg]: { organisationId: otherOrg, median: 2, count: 1, ratings: { p2: 2 } } });
    // A gc-enabled doc drops the removed text from its encoded state.
    const bytes = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1');
    expect(bytes).not.toContain('My private worry');
    expect(bytes).not.toContain('Quiet Peer Group');
    expect(bytes).toContain('Housing waits are long');
  });

  it('refuses a malformed id and changes nothing', () => {
    const doc = freshTable();
    addNote(doc, { text: 'Stays', kind: 'idea' }, carer);
    const before = Y.encodeStateAsUpdate(doc);
    expect(() => withdrawParticipant(doc, 'NOT AN ID')).toThrow(ModelError);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });
});

describe('purgeNote', () => {
  it('removes one note and the votes on it for good', () => {
    const doc = freshTable();
    const note = addNote(doc, { text: 'Named a nurse on ward 3', kind: 'observation' }, carer);
    castVote(doc, note, housing, { votesPerParticipant: 3, allowStackedVotes: false });
    expect(purgeNote(doc, note)).toBe(true);
    expect(readTable(doc).notes).toEqual([]);
    expect(readTable(doc).votesByVoter).toEqual({});
    expect(Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1')).not.toContain('ward 3');
    expect(purgeNote(doc, note)).toBe(false);
  });
});
