import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from '@tablemap/model';
import type { Attendee } from './attendee.ts';
import { applySeating, importAttendees, observeRoster, readRoster, redactRoster, removeAttendee, seatAttendee } from './roster-doc.ts';

const jo: Attendee = { id: 'jo1', name: 'Jo Smith', organisation: 'Northshore Mind', group: 'vcse', email: 'jo@example.org', needs: [] };
const ali: Attendee = { id: 'ali1', name: 'Ali Khan', organisation: '', group: 'lived_experience', needs: ['step-free access'] };

function rosterWith(...attendees: Attendee[]): Y.Doc {
  const doc = new Y.Doc();
  importAttendees(doc, attendees);
  return doc;
}

/** Asserts `change` throws a ModelError and leaves the doc byte-for-byte as it was. */
function expectRefusedUnchanged(doc: Y.Doc, change: () => void, message: RegExp): void {
  const before = Y.encodeStateAsUpdate(doc);
  expect(change).toThrow(ModelError);
  expect(change).toThrow(message);
  expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
}

describe('roster doc', () => {
  it('imports in one transaction and reads back what was stored', () => {
    const doc = new Y.Doc();
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    importAttendees(doc, [jo, ali]);
    expect(transactions).toBe(1);
    expect(readRoster(doc)).toEqual({ attendees: [ali, jo], seating: {}, problems: [], redactedCounts: null });
    expect(doc.getMap('meta').get('kind')).toBe('roster');
  });

  it('syncs to a second facilitator through Yjs updates', () => {
    const doc = rosterWith(jo, ali);
    seatAttendee(doc, 'jo1', 't1');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    expect(readRoster(copy)).toEqual(readRoster(doc));
  });

  it('refuses a batch with any invalid attendee, importing none of it', () => {
    const doc = rosterWith(jo);
    expectRefusedUnchanged(doc, () => importAttendees(doc, [ali, { ...jo, id: 'x2', email: 'nope' }]), /email/i);
    expectRefusedUnchanged(doc, () => importAttendees(doc, [{ ...ali, name: '  ' }]), /Name is required/);
    expectRefusedUnchanged(doc, () => importAttendees(doc, [{ ...ali, id: 'jo1' }]), /already in the roster/);
    expectRefusedUnchanged(doc, () => importAttendees(doc, [ali, ali]), /appears twice/);
  });

  it('skips and reports malformed entries written by an old or hostile client', () => {
    const doc = rosterWith(jo);
    doc.transact(() => {
      doc.getMap('attendees').set('bad1', { id: 'bad1', name: 42, group: 'vcse' });
      doc.getMap('attendees').set('liar', { ...ali, id: 'someone-else' });
      doc.getMap('seating').set('jo1', 'NOT A TABLE!');
      doc.getMap('seating').set('ghost', 't1');
    });
    const roster = readRoster(doc);
    expect(roster.attendees).toEqual([jo]);
    expect(roster.seating).toEqual({});
    expect(roster.problems.map((problem) => `${problem.collection}/${problem.key}`).sort()).toEqual([
      'attendees/bad1',
      'attendees/liar',
      'seating/ghost',
      'seating/jo1',
    ]);
  });

  it('seats, moves and unseats one attendee', () => {
    const doc = rosterWith(jo, ali);
    seatAttendee(doc, 'jo1', 't1');
    seatAttendee(doc, 'jo1', 't2');
    seatAttendee(doc, 'ali1', 't1');
    expect(readRoster(doc).seating).toEqual({ jo1: 't2', ali1: 't1' });
    seatAttendee(doc, 'jo1', null);
    expect(readRoster(doc).seating).toEqual({ ali1: 't1' });
  });

  it('refuses to seat someone who is not in the roster, or at a malformed table id', () => {
    const doc = rosterWith(jo);
    expectRefusedUnchanged(doc, () => seatAttendee(doc, 'nobody', 't1'), /not in the roster/);
    expectRefusedUnchanged(doc, () => seatAttendee(doc, 'jo1', '../t1'), /table id/);
  });

  it('applies a plan in one transaction, unseating anyone it leaves out', () => {
    const doc = rosterWith(jo, ali);
    seatAttendee(doc, 'jo1', 't9');
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    applySeating(doc, { assignments: { ali1: 't2' } });
    expect(transactions).toBe(1);
    expect(readRoster(doc).seating).toEqual({ ali1: 't2' });
  });

  it('refuses a plan naming an unknown attendee, keeping the old seating', () => {
    const doc = rosterWith(jo, ali);
    applySeating(doc, { assignments: { jo1: 't1', ali1: 't2' } });
    expectRefusedUnchanged(doc, () => applySeating(doc, { assignments: { jo1: 't2', stranger: 't1' } }), /not in the roster/);
    expectRefusedUnchanged(doc, () => applySeating(doc, { assignments: { jo1: 'T 2' } }), /table id/);
  });

  it('removes an attendee together with their seat', () => {
    const doc = rosterWith(jo, ali);
    seatAttendee(doc, 'jo1', 't1');
    removeAttendee(doc, 'jo1');
    expect(readRoster(doc)).toEqual({ attendees: [ali], seating: {}, problems: [], redactedCounts: null });
    expectRefusedUnchanged(doc, () => removeAttendee(doc, 'jo1'), /not in the roster/);
  });

  it('tells observers about every change', () => {
    const doc = rosterWith(jo);
    const seen: Record<string, string>[] = [];
    const stop = observeRoster(doc, (snapshot) => seen.push(snapshot.seating));
    seatAttendee(doc, 'jo1', 't3');
    stop();
    seatAttendee(doc, 'jo1', 't4');
    expect(seen).toEqual([{ jo1: 't3' }]);
  });
});

describe('redactRoster', () => {
  it('removes names, emails and needs, keeping counts by group and table', () => {
    const doc = new Y.Doc();
    importAttendees(doc, [
      { id: 'a1', name: 'Ada Lovelace', organisation: 'Mind', group: 'carer', email: 'ada@example.org', needs: ['large print'] },
      { id: 'a2', name: 'Bo Jones', organisation: 'NHS', group: 'carer', needs: [] },
      { id: 'a3', name: 'Cy Patel', organisation: '', group: 'vcse', needs: [] },
    ]);
    seatAttendee(doc, 'a1', 't1');
    seatAttendee(doc, 'a2', 't1');
    const counts = redactRoster(doc);
    expect(counts).toEqual([
      { group: 'carer', tableId: 't1', count: 2 },
      { group: 'vcse', tableId: null, count: 1 },
    ]);
    const after = readRoster(doc);
    expect(after.attendees).toEqual([]);
    expect(after.seating).toEqual({});
    expect(after.redactedCounts).toEqual(counts);
    const stored = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1');
    for (const text of ['Ada Lovelace', 'ada@example.org', 'large print', 'Mind']) expect(stored).not.toContain(text);
  });
});
