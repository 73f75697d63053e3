import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_SHAPES } from './doc-shapes.ts';
import { addNote, addOrganisation, castVote, linkOrganisations, readTable, removeDanglingLinks, removeNote, removeOrganisation, retractVote, setPosition, updateNote, type Actor } from './table-doc.ts';
import { initEventDoc, readEvent, setPriorityGroups, setTableFeatures, setTranslation } from './event-doc.ts';
import { checkUpdate, type UpdateAuthor } from './update-check.ts';
import { clearInfluence, rateInfluence } from './influence.ts';
import { createTableTheme, mergeTableThemes, moveNotesToTableTheme, removeTableTheme } from './table-board.ts';
import { ROOT_ARRAYS, ROOT_MAPS, migrate } from './versions.ts';

const me: Actor = { group: 'carer', participantId: 'p1' };
const other: Actor = { group: 'housing', participantId: 'p2' };
const rules = { votesPerParticipant: 3, allowStackedVotes: false };
const participant: UpdateAuthor = { role: 'participant', participantId: me.participantId, group: me.group, votingRules: rules };
const facilitator: UpdateAuthor = { role: 'facilitator', participantId: 'f1' };

/** The server's copy, and a client doc synced with it. */
function pair(): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc();
  migrate(server, 'table');
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** A new client holding exactly the server's state. */
function clientOf(server: Y.Doc): Y.Doc {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return client;
}

/** Runs `change` on the client and returns the update it produced. */
function capture(client: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = [];
  const listener = (update: Uint8Array) => updates.push(update);
  client.on('update', listener);
  change(client);
  client.off('update', listener);
  return Y.mergeUpdates(updates);
}

/** Applies a change on both sides, as if the server had accepted it. */
function accepted(server: Y.Doc, client: Y.Doc, change: (doc: Y.Doc) => void): void {
  Y.applyUpdate(server, capture(client, change));
}

describe('checkUpdate: a participant on their private-round notes doc', () => {
  function privatePair(): { server: Y.Doc; client: Y.Doc } {
    const server = new Y.Doc();
    migrate(server, 'private');
    return { server, client: clientOf(server) };
  }

  it('lets through their own notes, and refuses a note under someone else’s id or group, and meta', () => {
    const { server, client } = privatePair();
    const own = capture(client, (doc) => addNote(doc, { text: 'Only me for now', kind: 'idea' }, me));
    expect(checkUpdate(server, 'private', own, participant)).toMatchObject({ ok: true });
    const signedAsOther = capture(clientOf(server), (doc) => addNote(doc, { text: 'Not mine', kind: 'idea' }, other));
    expect(checkUpdate(server, 'private', signedAsOther, participant)).toMatchObject({ ok: false, code: 'not_author' });
    const otherGroup = capture(clientOf(server), (doc) => addNote(doc, { text: 'Wrong group', kind: 'idea' }, { ...me, group: 'housing' }));
    expect(checkUpdate(server, 'private', otherGroup, participant)).toMatchObject({ ok: false, code: 'not_author' });
    const meta = capture(clientOf(server), (doc) => doc.getMap('meta').set('schemaVersion', 99));
    expect(checkUpdate(server, 'private', meta, participant)).toMatchObject({ ok: false, code: 'server_only' });
  });
});

describe('checkUpdate: a participant on a table doc', () => {
  it('lets through what the model writes for them: organisations, links, own notes, own votes, positions', () => {
    const { server, client } = pair();
    const steps: ((doc: Y.Doc) => void)[] = [
      (doc) => addOrganisation(doc, { name: 'Mind', sector: 'voluntary' }, me),
      (doc) => addOrganisation(doc, { name: 'GP', sector: 'health' }, me),
      (doc) => {
        const [a, b] = [...doc.getMap('organisations').keys()];
        linkOrganisations(doc, { source: a!, target: b!, kind: 'refers_to' }, me);
        setPosition(doc, a!, { x: 10, y: 20 });
      },
      (doc) => addNote(doc, { text: 'Waiting lists', kind: 'gap' }, me),
      (doc) => castVote(doc, [...doc.getMap('notes').keys()][0]!, me, rules),
      (doc) => retractVote(doc, [...doc.getMap('notes').keys()][0]!, me),
      (doc) => updateNote(doc, [...doc.getMap('notes').keys()][0]!, { text: 'Long waiting lists' }, me),
      (doc) => removeOrganisation(doc, [...doc.getMap('organisations').keys()][0]!),
      (doc) => removeNote(doc, [...doc.getMap('notes').keys()][0]!, me),
    ];
    for (const step of steps) {
      const update = capture(client, step);
      const check = checkUpdate(server, 'table', update, participant);
      expect(check, step.toString()).toMatchObject({ ok: true });
      Y.applyUpdate(server, update);
    }
  });

  it('refuses a note signed with someone else’s id', () => {
    const { server, client } = pair();
    const update = capture(client, (doc) => addNote(doc, { text: 'Not mine', kind: 'idea' }, other));
    expect(checkUpdate(server, 'table', update, participant)).toMatchObject({ ok: false, code: 'not_author' });
  });

  it('lets a scribe write a note in any group the table speaks for, but only under its own id', () => {
    const { server, client } = pair();
    const scribe: UpdateAuthor = { role: 'scribe', participantId: 's1', votingRules: rules };
    const forCarer = capture(client, (doc) => addNote(doc, { text: 'No bus on Sundays', kind: 'gap' }, { group: 'carer', participantId: 's1' }));
    expect(checkUpdate(server, 'table', forCarer, scribe)).toMatchObject({ ok: true });
    const signedAsOther = capture(clientOf(server), (doc) => addNote(doc, { text: 'Not mine', kind: 'idea' }, other));
    expect(checkUpdate(server, 'table', signedAsOther, scribe)).toMatchObject({ ok: false, code: 'not_author' });
  });

  it('refuses changing or deleting another participant’s note, but a facilitator may', () => {
    const { server, client } = pair();
    accepted(server, client, (doc) => addNote(doc, { text: 'Theirs', kind: 'idea' }, other));
    const noteId = [...client.getMap('notes').keys()][0]!;
    const rewrite = capture(client, (doc) => (doc.getMap('notes').get(noteId) as Y.Map<unknown>).set('text', 'Rewritten'));
    expect(checkUpdate(server, 'table', rewrite, participant)).toMatchObject({ ok: false, code: 'not_author' });
    expect(checkUpdate(server, 'table', rewrite, facilitator)).toMatchObject({ ok: true });
    const removal = capture(clientOf(server), (doc) => doc.getMap('notes').delete(noteId));
    expect(checkUpdate(server, 'table', removal, participant)).toMatchObject({ ok: false, code: 'not_author' });
    expect(checkUpdate(server, 'table', removal, facilitator)).toMatchObject({ ok: true, deletesOnly: true });
  });

  it('refuses replacing another participant’s note with one of my own under the same key', () => {
    const { server, client } = pair();
    accepted(server, client, (doc) => addNote(doc, { text: 'Theirs', kind: 'idea' }, other));
    const noteId = [...client.getMap('notes').keys()][0]!;
    const replace = capture(client, (doc) => {
      const entry = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({ id: noteId, text: 'Mine now', kind: 'idea', group: 'carer', authorId: 'p1', createdAt: 1 })) entry.set(key, value);
      doc.getMap('notes').set(noteId, entry);
    });
    expect(checkUpdate(server, 'table', replace, participant)).toMatchObject({ ok: false, code: 'not_author' });
  });

  it('refuses roots, fields and nesting the model does not define, for facilitators too', () => {
    const { server } = pair();
    const junkRoot = capture(clientOf(server), (doc) => doc.getMap('junk').set('a', 1));
    const junkField = capture(clientOf(server), (doc) => {
      addNote(doc, { text: 'Fine', kind: 'idea' }, me);
      (doc.getMap('notes').values().next().value as Y.Map<unknown>).set('junk', 'x'.repeat(100));
    });
    const wrongValue = capture(clientOf(server), (doc) => doc.getMap('notes').set('junk1', 42 as never));
    for (const author of [participant, facilitator]) {
      expect(checkUpdate(server, 'table', junkRoot, author)).toMatchObject({ ok: false, code: 'unknown_root' });
      expect(checkUpdate(server, 'table', junkField, author)).toMatchObject({ ok: false, code: 'bad_shape' });
      expect(checkUpdate(server, 'table', wrongValue, author)).toMatchObject({ ok: false, code: 'bad_shape' });
    }
  });

  it('refuses votes for another voter, stacked votes and votes past the budget', () => {
    const { server, client } = pair();
    accepted(server, client, (doc) => {
      for (let index = 0; index < 5; index++) addNote(doc, { text: `Note ${index}`, kind: 'idea' }, other);
    });
    const notes = [...client.getMap('notes').keys()];
    const forged = capture(clientOf(server), (doc) => doc.getMap('votes').set(`housing|p2|${notes[0]}`, 1));
    expect(checkUpdate(server, 'table', forged, participant)).toMatchObject({ ok: false, code: 'vote_rules' });
    const stacked = capture(clientOf(server), (doc) => doc.getMap('votes').set(`carer|p1|${notes[0]}`, 2));
    expect(checkUpdate(server, 'table', stacked, participant)).toMatchObject({ ok: false, code: 'vote_rules' });
    const tooMany = capture(clientOf(server), (doc) => {
      for (const noteId of notes) doc.getMap('votes').set(`carer|p1|${noteId}`, 1);
    });
    expect(checkUpdate(server, 'table', tooMany, participant)).toMatchObject({ ok: false, code: 'vote_rules' });
  });

  it('refuses writing meta, and an update whose dependencies were never sent', () => {
    const { server, client } = pair();
    const meta = capture(client, (doc) => doc.getMap('meta').set('schemaVersion', 99));
    expect(checkUpdate(server, 'table', meta, participant)).toMatchObject({ ok: false, code: 'server_only' });
    capture(client, (doc) => addNote(doc, { text: 'First', kind: 'idea' }, me));
    const second = capture(client, (doc) => addNote(doc, { text: 'Second', kind: 'idea' }, me));
    expect(checkUpdate(server, 'table', second, participant)).toMatchObject({ ok: false, code: 'missing_dependency' });
  });

  it('lets a delete-only update clean up junk, and a repeated sync changes nothing', () => {
    const { server, client } = pair();
    Y.applyUpdate(server, capture(client, (doc) => doc.getMap('junk').set('a', 'x')));
    const cleanup = capture(client, (doc) => doc.getMap('junk').delete('a'));
    expect(checkUpdate(server, 'table', cleanup, participant)).toMatchObject({ ok: true, deletesOnly: true, deletes: 1 });
    Y.applyUpdate(server, cleanup);
    expect(checkUpdate(server, 'table', Y.encodeStateAsUpdate(client), participant)).toMatchObject({ ok: true, newItems: 0, deletes: 0 });
  });

  it('an organisation removed without its links is allowed (phones race); removeDanglingLinks then cleans the table', () => {
    const { server, client } = pair();
    accepted(server, client, (doc) => {
      addOrganisation(doc, { name: 'A', sector: 'health' }, me);
      addOrganisation(doc, { name: 'B', sector: 'health' }, me);
    });
    const [a, b] = [...client.getMap('organisations').keys()];
    accepted(server, client, (doc) => linkOrganisations(doc, { source: a!, target: b!, kind: 'refers_to' }, me));
    const orphaning = capture(client, (doc) => doc.getMap('organisations').delete(a!));
    expect(checkUpdate(server, 'table', orphaning, participant)).toMatchObject({ ok: true, deletesOnly: true });
    Y.applyUpdate(server, orphaning);
    expect(readTable(server).problems).toHaveLength(1);
    expect(removeDanglingLinks(server)).toBe(1);
    expect(readTable(server).problems).toEqual([]);
  });

  it('given the applying transaction, the sweep still finds a link orphaned either way round, and leaves a note edit alone', () => {
    const { server, client } = pair();
    const appliedBy = (update: Uint8Array) => {
      let applied: Y.Transaction | null = null;
      Y.transact(server, (transaction) => ((applied = transaction), Y.applyUpdate(server, update)), null, false);
      return applied!;
    };
    accepted(server, client, (doc) => {
      addOrganisation(doc, { name: 'A', sector: 'health' }, me);
      addOrganisation(doc, { name: 'B', sector: 'health' }, me);
      addOrganisation(doc, { name: 'C', sector: 'health' }, me);
    });
    const [a, b, c] = [...client.getMap('organisations').keys()];
    // A link to an organisation another phone already removed: the change that adds the link sweeps it.
    const racer = new Y.Doc();
    Y.applyUpdate(racer, Y.encodeStateAsUpdate(client));
    const late = capture(racer, (doc) => linkOrganisations(doc, { source: a!, target: c!, kind: 'refers_to' }, me));
    expect(removeDanglingLinks(server, appliedBy(capture(client, (doc) => doc.getMap('organisations').delete(c!))))).toBe(0);
    expect(removeDanglingLinks(server, appliedBy(late))).toBe(1);
    // A link whose organisation goes later: the change that removes the organisation sweeps it.
    accepted(server, client, (doc) => linkOrganisations(doc, { source: a!, target: b!, kind: 'refers_to' }, me));
    expect(removeDanglingLinks(server, appliedBy(capture(client, (doc) => addNote(doc, { text: 'Housing first', kind: 'idea' }, me))))).toBe(0);
    expect(removeDanglingLinks(server, appliedBy(capture(client, (doc) => doc.getMap('organisations').delete(b!))))).toBe(1);
    expect(readTable(server).problems).toEqual([]);
  });

  it('consent counts are written by the server only: a facilitator’s write is refused too', () => {
    const event = new Y.Doc();
    migrate(event, 'event');
    const forged = capture(clientOf(event), (doc) => doc.getMap('consent').set('t1', { carer: 200 }));
    expect(checkUpdate(event, 'event', forged, facilitator)).toMatchObject({ ok: false, code: 'server_only' });
  });

  it('every root a migration creates has a shape, so nothing the model writes is refused', () => {
    for (const [kind, roots] of Object.entries(ROOT_MAPS)) {
      for (const root of [...roots, ...ROOT_ARRAYS[kind as keyof typeof ROOT_ARRAYS]]) expect(DOC_SHAPES[kind as keyof typeof DOC_SHAPES][root], `${kind}.${root}`).toBeDefined();
    }
  });
});

describe('checkUpdate: influence ratings in the power round', () => {
  function tableWithOrganisation(): { server: Y.Doc; client: Y.Doc; orgId: string } {
    const { server, client } = pair();
    accepted(server, client, (doc) => addOrganisation(doc, { name: 'Riverside Mind', sector: 'vcse' }, other));
    return { server, client, orgId: [...client.getMap('organisations').keys()][0]! };
  }

  it('lets a participant and a scribe rate, re-rate and clear under their own id', () => {
    const { server, client, orgId } = tableWithOrganisation();
    for (const step of [(doc: Y.Doc) => rateInfluence(doc, orgId, 0, me), (doc: Y.Doc) => rateInfluence(doc, orgId, 5, me), (doc: Y.Doc) => clearInfluence(doc, orgId, me)]) {
      const update = capture(client, step);
      expect(checkUpdate(server, 'table', update, participant), step.toString()).toMatchObject({ ok: true });
      Y.applyUpdate(server, update);
    }
    const scribe: UpdateAuthor = { role: 'scribe', participantId: 's1', votingRules: rules };
    const byScribe = capture(clientOf(server), (doc) => rateInfluence(doc, orgId, 3, { group: 'carer', participantId: 's1' }));
    expect(checkUpdate(server, 'table', byScribe, scribe)).toMatchObject({ ok: true });
  });

  it('refuses another’s key, values outside 0..5 or not whole, an unknown organisation, and deleting another’s rating', () => {
    const { server, client, orgId } = tableWithOrganisation();
    accepted(server, client, (doc) => rateInfluence(doc, orgId, 4, other));
    const ratings = (write: (map: Y.Map<unknown>) => void) => capture(clientOf(server), (doc) => write(doc.getMap('influence')));
    expect(checkUpdate(server, 'table', ratings((map) => map.set(`${orgId}:p2`, 1)), participant)).toMatchObject({ ok: false, code: 'not_author' });
    expect(checkUpdate(server, 'table', ratings((map) => map.delete(`${orgId}:p2`)), participant)).toMatchObject({ ok: false, code: 'not_author' });
    expect(checkUpdate(server, 'table', ratings((map) => map.set(`${orgId}:p1`, 6)), participant)).toMatchObject({ ok: false, code: 'bad_shape' });
    expect(checkUpdate(server, 'table', ratings((map) => map.set(`${orgId}:p1`, 2.5)), participant)).toMatchObject({ ok: false, code: 'bad_shape' });
    expect(checkUpdate(server, 'table', ratings((map) => map.set(`${orgId}:p1`, '3')), participant)).toMatchObject({ ok: false, code: 'bad_shape' });
    expect(checkUpdate(server, 'table', ratings((map) => map.set('ghost:p1', 3)), participant)).toMatchObject({ ok: false, code: 'rating_rules' });
    expect(checkUpdate(server, 'table', ratings((map) => map.set('p1', 3)), participant)).toMatchObject({ ok: false, code: 'bad_shape' });
  });

  it('removing an organisation takes everyone’s ratings of it along; a facilitator is checked for shape only', () => {
    const { server, client, orgId } = tableWithOrganisation();
    accepted(server, client, (doc) => rateInfluence(doc, orgId, 4, other));
    const removal = capture(client, (doc) => removeOrganisation(doc, orgId));
    expect(checkUpdate(server, 'table', removal, participant)).toMatchObject({ ok: true });
    const { server: server2, client: client2, orgId: org2 } = tableWithOrganisation();
    accepted(server2, client2, (doc) => rateInfluence(doc, org2, 4, other));
    const moderated = capture(client2, (doc) => doc.getMap('influence').set(`${org2}:p2`, 1));
    expect(checkUpdate(server2, 'table', moderated, facilitator)).toMatchObject({ ok: true });
    const outOfRange = capture(clientOf(server2), (doc) => doc.getMap('influence').set(`${org2}:p2`, 9));
    expect(checkUpdate(server2, 'table', outOfRange, facilitator)).toMatchObject({ ok: false, code: 'bad_shape' });
  });
});

describe('checkUpdate: the table theme board', () => {
  /** A table with a note of mine in a theme, and a note of someone else's on no theme. */
  function board() {
    const { server, client } = pair();
    let mine = '';
    let theirs = '';
    let themeId = '';
    accepted(server, client, (doc) => {
      mine = addNote(doc, { text: 'Long waits', kind: 'observation' }, me);
      theirs = addNote(doc, { text: 'No callback', kind: 'gap' }, other);
      themeId = createTableTheme(doc, { title: 'Waiting' }, me, [mine]);
    });
    return { server, client, mine, theirs, themeId };
  }

  it('lets a participant build the board: new themes with notes, moves, renames, merges and removals', () => {
    const { server, client, theirs, themeId } = board();
    for (const change of [
      (doc: Y.Doc) => createTableTheme(doc, { title: 'Callbacks' }, me, [theirs]),
      (doc: Y.Doc) => moveNotesToTableTheme(doc, [theirs], themeId),
      (doc: Y.Doc) => createTableTheme(doc, { title: 'New with a new note' }, me, [addNote(doc, { text: 'Just written', kind: 'idea' }, me)]),
      (doc: Y.Doc) => mergeTableThemes(doc, [...doc.getMap('tableThemes').keys()].find((id) => id !== themeId)!, themeId),
      (doc: Y.Doc) => removeTableTheme(doc, themeId),
    ]) {
      const update = capture(client, change);
      expect(checkUpdate(server, 'table', update, participant)).toMatchObject({ ok: true });
      Y.applyUpdate(server, update);
    }
  });

  it('lets a note be moved by a phone that had not heard it was deleted (a race, not an attack)', () => {
    const { server, client, mine, themeId } = board();
    const lagging = clientOf(server);
    accepted(server, client, (doc) => removeNote(doc, mine, me));
    const move = capture(lagging, (doc) => moveNotesToTableTheme(doc, [mine], null));
    expect(checkUpdate(server, 'table', move, participant)).toMatchObject({ ok: true });
    const back = capture(lagging, (doc) => doc.getMap('notePlacements').set(mine, themeId));
    expect(checkUpdate(server, 'table', back, participant)).toMatchObject({ ok: true });
  });

  it('refuses a note of another table placed here, a note placed in a theme of another table, and a placement that is no id', () => {
    const { server, mine, themeId } = board();
    const placing = (noteId: string, value: unknown) => capture(clientOf(server), (doc) => doc.getMap('notePlacements').set(noteId, value));
    expect(checkUpdate(server, 'table', placing('notfromthistable', themeId), participant)).toMatchObject({ ok: false, code: 'board_rule' });
    expect(checkUpdate(server, 'table', placing(mine, 'themeofanothertable'), participant)).toMatchObject({ ok: false, code: 'board_rule' });
    expect(checkUpdate(server, 'table', placing(mine, { theme: 1 }), participant)).toMatchObject({ ok: false, code: 'bad_shape' });
    // A facilitator is checked for shape only, as everywhere.
    expect(checkUpdate(server, 'table', placing('notfromthistable', themeId), facilitator)).toMatchObject({ ok: true });
  });

  it('refuses a theme title over 80 characters or over two lines, for facilitators too', () => {
    const { server, themeId } = board();
    for (const title of ['x'.repeat(81), 'Waiting\nlists']) {
      const rename = capture(clientOf(server), (doc) => (doc.getMap('tableThemes').get(themeId) as Y.Map<unknown>).set('title', title));
      expect(checkUpdate(server, 'table', rename, participant)).toMatchObject({ ok: false, code: 'bad_shape' });
      expect(checkUpdate(server, 'table', rename, facilitator)).toMatchObject({ ok: false, code: 'bad_shape' });
    }
  });
});

describe('checkUpdate: a facilitator on the event doc', () => {
  it('accepts table attributes, priority voices and translations as the model writes them, and refuses a malformed translation', () => {
    const server = new Y.Doc();
    initEventDoc(server, { eventId: 'ev1', title: 'Riverside', tableCount: 2 });
    const client = clientOf(server);
    const tableId = readEvent(client).tables[0]!.id;
    const promptId = readEvent(client).prompts[0]!.id;
    const steps: ((doc: Y.Doc) => void)[] = [
      (doc) => setTableFeatures(doc, tableId, { stepFree: true, hearingLoop: true, nearExit: true, languages: ['Urdu'] }),
      (doc) => setPriorityGroups(doc, ['carer']),
      (doc) => setTranslation(doc, { locale: 'ur', kind: 'prompt', id: promptId, text: 'برادریاں اور روابط' }),
      (doc) => setTranslation(doc, { locale: 'cy', kind: 'group', id: 'carer', text: 'Gofalwyr' }),
    ];
    for (const step of steps) {
      const update = capture(client, step);
      expect(checkUpdate(server, 'event', update, facilitator)).toMatchObject({ ok: true });
      Y.applyUpdate(server, update);
    }
    const junk = capture(client, (doc) => doc.getMap('translations').set('not a key', 'x'));
    expect(checkUpdate(server, 'event', junk, facilitator).ok).toBe(false);
  });
});
