/**
 * The table theme board's rules, enforced by the server on every participant change (the model's
 * `checkUpdate`, in the model-rules extension): a theme title is one line within 80 characters, and a note
 * can only be placed in a theme of its own table. Honest boards, including races such as a note deleted
 * while another phone moves it, are never refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addNote,
  createTableTheme,
  mergeTableThemes,
  moveNotesToTableTheme,
  readTable,
  removeNote,
  updateTableTheme,
} from '@tablemap/model';
import {
  connectProvider,
  createEvent,
  joinTable,
  openRaw,
  claimsOf,
  startServer,
  storedDoc,
  tempDir,
  updateFrame,
  upgradeStatus,
  waitFor,
  waitForSync,
  type CreatedEvent,
} from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

const carer = { group: 'carer', participantId: 'p1' };

/** Runs `write` on a copy of `base` and returns only the new part, as one update (what a raw client would send). */
function rawUpdate(base: Y.Doc, write: (doc: Y.Doc) => void): Uint8Array {
  const mirror = new Y.Doc();
  Y.applyUpdate(mirror, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(mirror);
  mirror.transact(() => write(mirror));
  return Y.encodeStateAsUpdate(mirror, before);
}

function themeEntry(id: string, title: string): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  for (const [key, value] of Object.entries({ id, title, description: '', addedByGroup: 'carer', createdAt: 1 })) entry.set(key, value);
  return entry;
}

describe('theme board rules at the server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  const docName = () => `table/${event.eventId}/t1`;
  const storedTable = async () => readTable(await storedDoc(server, docName()));
  /** Polls the SQLite copy until `check` holds. */
  async function stored(check: (table: ReturnType<typeof readTable>) => boolean, what: string) {
    const started = Date.now();
    while (Date.now() - started < 5000) {
      if (check(await storedTable())) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeEach(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await createEvent(server.url, 2);
  });
  afterEach(async () => {
    await server.close();
    await dir.remove();
  });

  /** A participant's live copy of table 1 with two notes and a theme holding the first. */
  async function honestTable() {
    const token = await joinTable(server.url, event.joinCode, 't1');
    // The server refuses notes not signed with the sender's own id: the actor is this token's holder.
    carer.participantId = claimsOf(token).participantId;
    const honest = connectProvider(server.wsBase, docName(), token);
    await waitForSync(honest.provider);
    const notes = [addNote(honest.doc, { text: 'Long waits', kind: 'observation' }, carer), addNote(honest.doc, { text: 'No callback', kind: 'gap' }, carer)];
    const themeId = createTableTheme(honest.doc, { title: 'Waiting' }, carer, [notes[0]!]);
    await stored((table) => table.tableThemes.length === 1, 'theme stored');
    return { token, honest, notes, themeId };
  }

  it('accepts a board built through the model, with a rename, a merge and a note taken out', async () => {
    const { honest, notes, themeId } = await honestTable();
    const other = createTableTheme(honest.doc, { title: 'Callbacks' }, carer, [notes[1]!]);
    updateTableTheme(honest.doc, themeId, { title: 'Waiting for help', description: 'Months, not weeks' });
    mergeTableThemes(honest.doc, other, themeId);
    moveNotesToTableTheme(honest.doc, [notes[0]!], null);
    await stored((table) => table.tableThemes.length === 1 && table.tableThemes[0]!.noteIds.length === 1 && table.tableThemes[0]!.description !== '', 'board stored');
    await waitFor(() => honest.provider.wsconnected, 'still connected');
    expect((await storedTable()).tableThemes.map((theme) => [theme.title, theme.description, theme.noteIds])).toEqual([['Waiting for help', 'Months, not weeks', [notes[1]]]]);
    honest.provider.destroy();
  });

  it('accepts a note moved into a theme by a phone that had not yet heard it was deleted', async () => {
    const { token, honest, notes, themeId } = await honestTable();
    const lagging = connectProvider(server.wsBase, docName(), token);
    await waitForSync(lagging.provider);
    lagging.provider.disconnect();
    removeNote(honest.doc, notes[1]!, carer);
    await stored((table) => table.notes.length === 1, 'note deleted at the server');
    moveNotesToTableTheme(lagging.doc, [notes[1]!], themeId);
    lagging.provider.connect();
    await waitForSync(lagging.provider);
    await stored((table) => table.problems.length === 1, 'placement arrived');
    expect(lagging.provider.wsconnected).toBe(true);
    expect(await storedTable()).toMatchObject({
      tableThemes: [{ id: themeId, noteIds: [notes[0]] }],
      problems: [{ collection: 'notePlacements', key: notes[1], reason: 'places a note that was deleted' }],
    });
    honest.provider.destroy();
    lagging.provider.destroy();
  });

  it.each([
    ['a theme title over 80 characters', (doc: Y.Doc) => doc.getMap('tableThemes').set('bad1', themeEntry('bad1', 'x'.repeat(81)))],
    ['a theme title over two lines', (doc: Y.Doc) => doc.getMap('tableThemes').set('bad1', themeEntry('bad1', 'Waiting\nlists'))],
    ['a theme stored as something other than an entry', (doc: Y.Doc) => doc.getMap('tableThemes').set('bad1', 'just text')],
    ['a note of another table placed in a theme here', (doc: Y.Doc) => doc.getMap('notePlacements').set('notfromthistable', [...doc.getMap('tableThemes').keys()][0]!)],
    ['a note placed in a theme of another table', (doc: Y.Doc) => doc.getMap('notePlacements').set([...doc.getMap('notes').keys()][1]!, 'themeofanothertable')],
    ['a placement that is not a theme id', (doc: Y.Doc) => doc.getMap('notePlacements').set([...doc.getMap('notes').keys()][1]!, { theme: 1 })],
    ['an existing theme renamed to 81 characters', (doc: Y.Doc) => (doc.getMap('tableThemes').values().next().value as Y.Map<unknown>).set('title', 'y'.repeat(81))],
  ])('refuses %s from a participant: closes 4422 and changes nothing', async (_label, write) => {
    const { token, honest } = await honestTable();
    const before = (await storedDoc(server, docName())).toJSON();
    const attacker = await openRaw(server.wsBase, docName(), token);
    attacker.ws.send(updateFrame(rawUpdate(honest.doc, write)));
    expect((await attacker.closed).code).toBe(4422);
    expect((await storedDoc(server, docName())).toJSON()).toEqual(before);
    expect((await storedTable()).problems).toEqual([]);
    honest.provider.destroy();
  });

  it('a facilitator is checked for shape too: the same junk is refused (4422) and nothing is stored', async () => {
    const { honest } = await honestTable();
    const facilitator = await openRaw(server.wsBase, docName(), event.facilitatorToken);
    facilitator.ws.send(updateFrame(rawUpdate(honest.doc, (doc) => doc.getMap('tableThemes').set('bad1', themeEntry('bad1', 'x'.repeat(81))))));
    expect((await facilitator.closed).code).toBe(4422);
    expect((await storedTable()).problems).toEqual([]);
    honest.provider.destroy();
  });

  it("participants edit only their own table's board: another table's doc is refused at the upgrade", async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    expect(await upgradeStatus(server.wsBase, `table/${event.eventId}/t2?token=${encodeURIComponent(token)}`)).toBe(403);
  });
});
