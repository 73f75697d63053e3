/**
 * Backups and restore through the real server and real SQLite files: a backup taken while 20 phones write
 * holds every note acknowledged before it began; a restore of a backup taken before a deletion does not
 * bring the deleted event back; wrong, damaged and newer files are refused and the live database stays as
 * it was; the schedule writes only when something changed and keeps the newest N.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, readTable, rosterDocName } from '@tablemap/model';
import { importAttendees, readRoster } from '@tablemap/roster';
import type { ServerOptions } from '../index.ts';
import { SqliteStore } from '../storage/sqlite-store.ts';
import { restoreCli } from '../cli/restore.ts';
import {
  connectProvider,
  createEvent,
  mapUpdate,
  postJson,
  sleep,
  startServer,
  storedDoc,
  tempDir,
  waitFor,
  waitForSync,
} from '../testing.ts';
import { listBackups } from './backups.ts';
import { DeletionLog } from './deletion-log.ts';
import { PID_FILE } from './server-pid.ts';
import { RestoreError, restoreBackup } from './restore.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir(): Promise<string> {
  const dir = await tempDir();
  cleanups.push(dir.remove);
  return dir.path;
}

async function serverIn(dir: string, backup: ServerOptions['backup'] = {}): Promise<Server> {
  const server = await startServer(dir, { backup });
  cleanups.push(() => server.close());
  return server;
}

/** The notes of one doc as the SQLite file at `path` holds them. */
async function notesIn(path: string, docName: string): Promise<Set<string>> {
  const store = new SqliteStore(path);
  try {
    const doc = new Y.Doc();
    for (const update of (await store.load(docName)).updates) Y.applyUpdate(doc, update);
    return new Set(readTable(doc).notes.map((note) => note.id));
  } finally {
    await store.close();
  }
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('backups', () => {
  it('a backup taken while 20 phones write holds every note acknowledged before it began, and restores', async () => {
    const dir = await dataDir();
    const server = await serverIn(dir);
    const event = await createEvent(server.url, 2);
    const relayed = new Map<string, Set<string>>([
      ['t1', new Set()],
      ['t2', new Set()],
    ]);
    const clients: ReturnType<typeof connectProvider>[] = [];
    let stop = false;
    let written = 0;
    for (let index = 0; index < 20; index++) {
      const tableId = index % 2 === 0 ? 't1' : 't2';
      const joined = await postJson(`${server.url}/api/join`, {
        joinCode: event.joinCode,
        tableId,
        group: 'carer',
        consent: true,
      });
      const client = connectProvider(server.wsBase, `table/${event.eventId}/${tableId}`, joined.json.token as string);
      clients.push(client);
      // A note another phone received from the server was committed first (the server relays only after COMMIT).
      client.doc.getMap('notes').observe((change) => {
        if (change.transaction.origin !== client.provider) return;
        for (const key of change.keysChanged) relayed.get(tableId)!.add(key);
      });
      const actor = { group: 'carer', participantId: joined.json.participantId as string };
      void (async () => {
        await waitForSync(client.provider, 10_000).catch(() => {});
        while (!stop) {
          addNote(client.doc, { text: `phone ${index} note ${written++}`, kind: 'observation' }, actor);
          // About ten notes a second per phone: busy, yet inside the per-participant budget (4429 beyond).
          await sleep(80 + (index % 7) * 5);
        }
      })();
    }
    cleanups.push(async () => {
      stop = true;
      for (const client of clients) client.provider.destroy();
    });
    await Promise.all(clients.map((client) => waitForSync(client.provider, 10_000)));
    await waitFor(() => relayed.get('t1')!.size > 60 && relayed.get('t2')!.size > 60, 'phones to write', 20_000);

    const acknowledged = new Map([...relayed].map(([table, ids]) => [table, new Set(ids)]));
    const writtenBefore = written;
    const backup = await server.backups!.backUpNow();
    const writtenDuring = written - writtenBefore;
    const acknowledgedCount = acknowledged.get('t1')!.size + acknowledged.get('t2')!.size;
    // The phones were still writing around the backup: more notes arrive after it.
    await waitFor(
      () => relayed.get('t1')!.size + relayed.get('t2')!.size > acknowledgedCount + 20,
      'phones to keep writing after the backup',
    );
    stop = true;
    for (const client of clients) client.provider.destroy();
    expect(backup).not.toBeNull();
    await server.close();

    // Restored over the live database (which by now holds later notes too), then served by a new server.
    const restoredDir = dir;
    const outcome = await restoreBackup({ file: backup!, dataDir: restoredDir });
    expect(outcome.events).toBe(1);
    for (const [tableId, ids] of acknowledged) {
      const onDisk = await notesIn(join(restoredDir, 'tablemap.sqlite'), `table/${event.eventId}/${tableId}`);
      expect(
        [...ids].filter((id) => !onDisk.has(id)),
        `acknowledged notes missing from the restore at ${tableId}`,
      ).toEqual([]);
    }
    const restored = await serverIn(restoredDir);
    const reader = connectProvider(restored.wsBase, `table/${event.eventId}/t1`, event.facilitatorToken);
    await waitForSync(reader.provider);
    const served = new Set(readTable(reader.doc).notes.map((note) => note.id));
    reader.provider.destroy();
    expect([...acknowledged.get('t1')!].filter((id) => !served.has(id))).toEqual([]);
    console.log(
      `backup under load: ${acknowledgedCount} acknowledged notes before it began, ${writtenDuring} written while it ran, 0 missing`,
    );
  }, 60_000);

  it('writes a backup only when the database changed, and keeps the newest ones', async () => {
    const dir = await dataDir();
    const backupDir = join(dir, 'elsewhere');
    const server = await serverIn(dir, { dir: backupDir, intervalMs: 60_000, keep: 2 });
    expect(await server.backups!.backUpIfChanged(), 'nothing changed since the start').toBeNull();
    await createEvent(server.url, 1);
    const first = await server.backups!.backUpIfChanged();
    expect(first).not.toBeNull();
    expect(await server.backups!.backUpIfChanged(), 'nothing changed since the last backup').toBeNull();
    // Edits alone (appends committed off the main connection) count as a change too.
    await server.store.append('table/e/t1', mapUpdate('notes', 'n1', 'a note'));
    expect(await server.backups!.backUpIfChanged(), 'a table changed since the last backup').not.toBeNull();
    await createEvent(server.url, 1);
    await server.backups!.backUpIfChanged();
    await createEvent(server.url, 1);
    await server.backups!.backUpIfChanged();
    const kept = await listBackups(backupDir);
    expect(kept).toHaveLength(2);
    expect(kept).not.toContain(first);
    expect((await readdir(backupDir)).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('takes backups on its own at the interval', async () => {
    const dir = await dataDir();
    const server = await serverIn(dir, { intervalMs: 200, keep: 3 });
    await createEvent(server.url, 1);
    await waitFor(() => existsSync(join(dir, 'backups')), 'the first scheduled backup', 5000);
    await waitFor(
      () => readdirSync(join(dir, 'backups')).filter((name) => name.endsWith('.sqlite')).length === 1,
      'the backup file',
      5000,
    );
  });
});

/** A note written by a phone at table t1, returned once the server has it on disk. */
async function writeNote(server: Server, event: { eventId: string; joinCode: string }, text: string): Promise<void> {
  const joined = await postJson(`${server.url}/api/join`, {
    joinCode: event.joinCode,
    tableId: 't1',
    group: 'carer',
    consent: true,
  });
  const client = connectProvider(server.wsBase, `table/${event.eventId}/t1`, joined.json.token as string);
  try {
    await waitForSync(client.provider);
    addNote(
      client.doc,
      { text, kind: 'observation' },
      { group: 'carer', participantId: joined.json.participantId as string },
    );
    const name = `table/${event.eventId}/t1`;
    for (let tries = 0; tries < 100; tries++) {
      const stored = await storedDoc(server, name);
      if (readTable(stored).notes.some((note) => note.text === text)) return;
      await sleep(30);
    }
    throw new Error(`the note "${text}" never reached the database`);
  } finally {
    client.provider.destroy();
  }
}

const asStored = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('restore', () => {
  it('a restore of a backup taken before a deletion does not bring the deleted event back', async () => {
    const dir = await dataDir();
    const server = await serverIn(dir);
    const doomed = await createEvent(server.url, 2);
    const kept = await createEvent(server.url, 2);
    await writeNote(server, doomed, 'Waiting lists at Larkspur ward are too long');
    await writeNote(server, kept, 'The Brackenfold drop-in helps on Fridays');
    const backup = await server.backups!.backUpNow();
    const deleted = await fetch(`${server.url}/api/events/${doomed.eventId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${doomed.facilitatorToken}` },
    });
    expect(deleted.status).toBe(204);
    expect(Object.keys((await new DeletionLog(dir).read()).deletedEvents)).toEqual([doomed.eventId]);
    await server.close();
    // The backup itself still holds the event: it was taken before the deletion.
    expect(readFileSync(backup!).toString('latin1')).toContain(asStored('Larkspur ward'));

    const outcome = await restoreBackup({ file: backup!, dataDir: dir });
    expect(outcome).toMatchObject({ events: 1, deletionsReapplied: 1 });
    const live = readFileSync(join(dir, 'tablemap.sqlite')).toString('latin1');
    expect(live).not.toContain(asStored('Larkspur ward'));
    expect(live).toContain(asStored('Brackenfold drop-in'));

    const restarted = await serverIn(dir);
    expect((await fetch(`${restarted.url}/api/join/${doomed.joinCode}`)).status).toBe(404);
    expect((await fetch(`${restarted.url}/api/join/${kept.joinCode}`)).status).toBe(200);
    const keptNotes = readTable(await storedDoc(restarted, `table/${kept.eventId}/t1`)).notes.map((note) => note.text);
    expect(keptNotes).toEqual(['The Brackenfold drop-in helps on Fridays']);
  }, 30_000);

  it('a roster reduced to counts after the backup is reduced again when the restored server starts', async () => {
    const dir = await dataDir();
    const server = await serverIn(dir);
    const event = await createEvent(server.url, 2);
    const roster = connectProvider(server.wsBase, rosterDocName(event.eventId), event.facilitatorToken);
    await waitForSync(roster.provider);
    importAttendees(roster.doc, [{ id: 'a1', name: 'Perpetua Winterbourne', organisation: '', group: 'carer', needs: [] }]);
    await waitFor(() => readRoster(roster.doc).attendees.length === 1, 'the attendee');
    for (let tries = 0; tries < 100 && readRoster(await storedDoc(server, rosterDocName(event.eventId))).attendees.length === 0; tries++) await sleep(30);
    roster.provider.destroy();
    const backup = await server.backups!.backUpNow();
    const reduced = await fetch(`${server.url}/api/events/${event.eventId}/roster/redact`, { method: 'POST', headers: { Authorization: `Bearer ${event.facilitatorToken}` } });
    expect(reduced.status).toBe(200);
    expect(Object.keys((await new DeletionLog(dir).read()).rosterRedactions)).toEqual([event.eventId]);
    await server.close();
    expect(readFileSync(backup!).toString('latin1')).toContain(asStored('Perpetua Winterbourne'));

    const outcome = await restoreBackup({ file: backup!, dataDir: dir });
    expect(outcome).toMatchObject({ deletionsReapplied: 0, rosterReductionsReapplied: 1 });
    const restarted = await serverIn(dir);
    expect(readRoster(await storedDoc(restarted, rosterDocName(event.eventId))).attendees).toEqual([]);
    expect(readFileSync(join(dir, 'tablemap.sqlite')).toString('latin1')).not.toContain(asStored('Perpetua Winterbourne'));
  }, 30_000);

  it('a participant who withdrew after the backup is signed out and their notes removed again after a restore', async () => {
    const dir = await dataDir();
    const server = await serverIn(dir);
    const event = await createEvent(server.url, 2);
    const joined = await postJson(`${server.url}/api/join`, { joinCode: event.joinCode, tableId: 't1', group: 'carer', consent: true });
    const phone = connectProvider(server.wsBase, `table/${event.eventId}/t1`, joined.json.token as string);
    await waitForSync(phone.provider);
    addNote(phone.doc, { text: 'Quillon Marsh drop-in saved me', kind: 'observation' }, { group: 'carer', participantId: joined.json.participantId as string });
    for (let tries = 0; tries < 100 && readTable(await storedDoc(server, `table/${event.eventId}/t1`)).notes.length === 0; tries++) await sleep(30);
    phone.provider.destroy();
    const backup = await server.backups!.backUpNow();
    const withdrew = await postJson(`${server.url}/api/events/${event.eventId}/withdraw`, {}, { Authorization: `Bearer ${joined.json.token as string}` });
    expect(withdrew.status).toBe(200);
    await server.close();

    const outcome = await restoreBackup({ file: backup!, dataDir: dir });
    expect(outcome).toMatchObject({ withdrawalsReapplied: 1 });
    const restarted = await serverIn(dir);
    expect(readTable(await storedDoc(restarted, `table/${event.eventId}/t1`)).notes).toEqual([]);
    expect(readFileSync(join(dir, 'tablemap.sqlite')).toString('latin1')).not.toContain(asStored('Quillon Marsh'));
    // Their token stays refused.
    const again = await postJson(`${restarted.url}/api/events/${event.eventId}/done`, {}, { Authorization: `Bearer ${joined.json.token as string}` });
    expect(again.status).toBe(401);
  }, 30_000);

  describe('refuses a file it cannot restore, and leaves the live database as it was', () => {
    async function liveDirWithBackup() {
      const dir = await dataDir();
      const server = await serverIn(dir);
      const event = await createEvent(server.url, 1);
      const backup = await server.backups!.backUpNow();
      await server.close();
      const elsewhere = await dataDir();
      const copy = join(elsewhere, 'copy.sqlite');
      copyFileSync(backup!, copy);
      return { dir, event, copy, elsewhere, before: sha(join(dir, 'tablemap.sqlite')) };
    }

    async function expectRefused(dir: string, file: string, code: string, message: RegExp, before: string) {
      const error = await restoreBackup({ file, dataDir: dir }).then(
        () => null,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(RestoreError);
      expect((error as RestoreError).code).toBe(code);
      expect((error as RestoreError).message).toMatch(message);
      expect(sha(join(dir, 'tablemap.sqlite'))).toBe(before);
      expect(readdirSync(dir).filter((name) => name.startsWith('.restore') || name.includes('before-restore'))).toEqual(
        [],
      );
    }

    it('a file that is not a database', async () => {
      const { dir, elsewhere, before } = await liveDirWithBackup();
      const text = join(elsewhere, 'notes.txt');
      writeFileSync(text, 'These are my meeting notes, not a database.\n'.repeat(200));
      await expectRefused(dir, text, 'not_sqlite', /is not an SQLite database/, before);
      await expectRefused(dir, join(elsewhere, 'missing.sqlite'), 'not_found', /no backup file/, before);
    });

    it("another program's database", async () => {
      const { dir, elsewhere, before } = await liveDirWithBackup();
      const other = join(elsewhere, 'other.sqlite');
      const db = new DatabaseSync(other);
      db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('someone');");
      db.close();
      await expectRefused(dir, other, 'not_tablemap', /not one written by Tablemap/, before);
    });

    it('a database from a newer Tablemap', async () => {
      const { dir, copy, before } = await liveDirWithBackup();
      const db = new DatabaseSync(copy);
      db.exec('PRAGMA user_version = 99');
      db.close();
      await expectRefused(dir, copy, 'newer_schema', /newer Tablemap .*Update Tablemap first/, before);
    });

    it('a damaged backup', async () => {
      const { dir, copy, before } = await liveDirWithBackup();
      const bytes = readFileSync(copy);
      // Scribble over everything after the first page (the header stays, so it still looks like SQLite).
      for (let index = 4096; index < bytes.length; index += 7) bytes[index] = 0xa5;
      writeFileSync(copy, bytes);
      await expectRefused(dir, copy, 'corrupt', /is damaged/, before);
    });

    it('while a server is using the data directory', async () => {
      const { dir, copy, before } = await liveDirWithBackup();
      const running = spawn('sleep', ['30']);
      cleanups.push(async () => void running.kill());
      writeFileSync(join(dir, PID_FILE), `${running.pid}\n`);
      await expectRefused(dir, copy, 'server_running', /stop it first/, before);
    });

    it('when the deletion list is damaged (it could bring deleted events back)', async () => {
      const { dir, copy, before } = await liveDirWithBackup();
      writeFileSync(join(dir, 'deletions.json'), '{"version": 1, "deletedEv');
      await expectRefused(dir, copy, 'deletion_log', /damaged/, before);
    });
  });

  it('pnpm restore says what it did, and what is wrong with a bad file', async () => {
    const dir = await dataDir();
    const server = await serverIn(dir);
    await createEvent(server.url, 1);
    const backup = await server.backups!.backUpNow();
    await server.close();
    const output: string[] = [];
    const io = { stdout: (text: string) => void output.push(text), stderr: (text: string) => void output.push(text) };
    expect(await restoreCli([backup!, '--data-dir', dir], {}, io)).toBe(0);
    expect(output.join('')).toMatch(
      /Restored .* \(1 event\)\.\nThe database as it was before is kept at .*before-restore/,
    );
    output.length = 0;
    // Onto a new machine: the data directory does not exist yet.
    expect(await restoreCli([backup!, '--data-dir', join(dir, 'new-machine')], {}, io)).toBe(0);
    expect(existsSync(join(dir, 'new-machine', 'tablemap.sqlite'))).toBe(true);
    output.length = 0;
    expect(await restoreCli([join(dir, 'deletions.json'), '--data-dir', dir], {}, io)).toBe(1);
    expect(output.join('')).toMatch(/There is no backup file/);
    output.length = 0;
    expect(await restoreCli([], {}, io)).toBe(2);
    expect(output.join('')).toMatch(/Give exactly one backup file/);
  });
});
