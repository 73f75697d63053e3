import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { carryOverChanges } from './carry-over.ts';
import { addNote, addOrganisation, readTable, updateOrganisation, type Actor } from './table-doc.ts';
import { checkUpdate } from './update-check.ts';
import { migrate } from './versions.ts';

const me: Actor = { group: 'carer', participantId: 'p1' };
const other: Actor = { group: 'housing', participantId: 'p2' };
const author = { role: 'participant' as const, participantId: 'p1', group: 'carer', votingRules: { votesPerParticipant: 3, allowStackedVotes: false } };

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

describe('carryOverChanges after a refused change', () => {
  it('keeps my valid edits made before and after the refused one, drops the refused one, undoes nobody else’s edit', () => {
    const server = new Y.Doc();
    migrate(server, 'table');
    addNote(server, { text: 'Theirs', kind: 'idea' }, other);
    const orgId = addOrganisation(server, { name: 'Shared org', sector: 'health' }, other);
    const phone = copyOf(server);
    const send = (change: () => void) => {
      const before = Y.encodeStateVector(phone);
      change();
      return Y.encodeStateAsUpdate(phone, before);
    };
    // Accepted by the server.
    Y.applyUpdate(server, send(() => addNote(phone, { text: 'Mine, sent', kind: 'idea' }, me)));
    // Refused by the server (someone else's note rewritten), so the socket closed: the rest was never sent.
    const theirNoteId = readTable(phone).notes.find((note) => note.text === 'Theirs')!.id;
    const refused = send(() => (phone.getMap('notes').get(theirNoteId) as Y.Map<unknown>).set('text', 'Hacked'));
    expect(checkUpdate(server, 'table', refused, author).ok).toBe(false);
    send(() => addNote(phone, { text: 'Mine, after the refusal', kind: 'gap' }, me));
    send(() => updateOrganisation(phone, orgId, { remit: 'My remit' }));
    // Meanwhile someone else renamed the shared organisation on the server.
    updateOrganisation(server, orgId, { name: 'Renamed by someone else' });

    const fresh = copyOf(server);
    const result = carryOverChanges(phone, fresh, 'table', (update) => checkUpdate(fresh, 'table', update, author).ok);
    expect(result).toEqual({ carried: 2, dropped: 1 });
    const table = readTable(fresh);
    expect(table.notes.map((note) => note.text).sort()).toEqual(['Mine, after the refusal', 'Mine, sent', 'Theirs']);
    expect(table.organisations[0]).toMatchObject({ name: 'Renamed by someone else', remit: 'My remit' });
    expect(table.problems).toEqual([]);
  });
});
