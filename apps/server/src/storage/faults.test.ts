/**
 * Storage faults through the real server and real clients: a full disk, a database locked by another
 * process, a slow disk. Each must give a clear log line, tell the clients (1013) instead of losing their
 * change silently, relay nothing unsaved, recover once storage does, and leak no doc or timer.
 */
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addOrganisation, readTable } from '@tablemap/model';
import { connectProvider, createEvent, joinTable, logCapture, sleep, startServer, tempDir, waitFor, waitForSync, type CreatedEvent } from '../testing.ts';
import { StorageError, type DocStore } from './doc-store.ts';
import type { SqliteStore } from './sqlite-store.ts';

/** The real SQLite store behind a switch: appends can fail like a full disk, or take their time like a slow one. */
class FaultyDisk implements DocStore {
  appendsFail = false;
  delayMs = 0;
  readonly inner: SqliteStore;
  constructor(inner: SqliteStore) {
    this.inner = inner;
  }
  load(name: string) {
    return this.inner.load(name);
  }
  async append(name: string, update: Uint8Array) {
    if (this.delayMs > 0) await sleep(this.delayMs);
    // The message node:sqlite gives for SQLITE_FULL.
    if (this.appendsFail) throw new StorageError('Could not write to the database: database or disk is full');
    return this.inner.append(name, update);
  }
  async compact(name: string, snapshot: Uint8Array, throughSeq: number) {
    if (this.appendsFail) throw new StorageError('Could not compact: database or disk is full');
    return this.inner.compact(name, snapshot, throughSeq);
  }
  flush() {
    return this.inner.flush();
  }
  close() {
    return this.inner.close();
  }
}

type Server = Awaited<ReturnType<typeof startServer>>;
const orgNames = (doc: Y.Doc) => readTable(doc).organisations.map((org) => org.name);
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('storage faults', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let disk: FaultyDisk;
  let event: CreatedEvent;
  let log: ReturnType<typeof logCapture>;
  const providers: ReturnType<typeof connectProvider>[] = [];
  let timersBefore = 0;

  beforeEach(async () => {
    timersBefore = timers();
    dir = await tempDir();
    log = logCapture();
    server = await startServer(dir.path, {
      logger: log.logger,
      busyTimeoutMs: 50,
      limits: { idleUnloadMs: 100 },
      wrapStore: (store) => (disk = new FaultyDisk(store)),
    });
    event = await createEvent(server.url, 1);
  });
  /** The provider and its doc: y-websocket leaves the awareness timer running until the doc is destroyed. */
  function destroyClients() {
    for (const client of providers.splice(0)) {
      client.provider.destroy();
      client.doc.destroy();
    }
  }
  afterEach(async () => {
    destroyClients();
    await server.close();
    await dir.remove();
  });

  /** A participant who writes and a facilitator who watches, both recording how their sockets were closed. */
  async function writerAndWatcher() {
    const docName = `table/${event.eventId}/t1`;
    const writer = connectProvider(server.wsBase, docName, await joinTable(server.url, event.joinCode, 't1'));
    const watcher = connectProvider(server.wsBase, docName, event.facilitatorToken);
    providers.push(writer, watcher);
    await Promise.all([waitForSync(writer.provider), waitForSync(watcher.provider)]);
    const closes: number[] = [];
    for (const client of [writer, watcher]) {
      client.provider.on('connection-close', (closeEvent: { code: number } | null) => void closes.push(closeEvent?.code ?? 0));
    }
    return { docName, writer, watcher, closes };
  }

  /** Once every client is gone: the doc unloads and no timer is left behind. */
  async function expectNothingLeaked(docName: string) {
    destroyClients();
    await waitFor(() => server.sync.connectionCount === 0 && server.registry.loadedCount === 0, 'every doc to unload');
    expect(server.registry.isLoaded(docName)).toBe(false);
    await server.close();
    // Client-side reconnect timers may still be winding down; a server timer that leaked would stay.
    await waitFor(() => timers() <= timersBefore, `timers back to ${timersBefore} (now ${timers()})`, 3000);
  }

  it('disk full: clients are told (1013), nothing unsaved is relayed, and the change arrives after recovery', async () => {
    const { docName, writer, watcher, closes } = await writerAndWatcher();
    disk.appendsFail = true;
    addOrganisation(writer.doc, { name: 'Written while the disk was full', sector: 'vcse' }, { group: 'carer', participantId: 'p1' });
    await waitFor(() => closes.includes(1013), 'the sockets to be closed with 1013');
    await sleep(300); // the writer keeps reconnecting and resending; none of it may reach the watcher
    expect(orgNames(watcher.doc)).toEqual([]);
    expect(orgNames(writer.doc)).toEqual(['Written while the disk was full']);
    const lines = log.lines.join('\n');
    expect(lines).toContain('storage failed; closing the doc so clients retry');
    expect(lines).toContain('database or disk is full');
    expect(lines).toContain(docName);

    disk.appendsFail = false;
    await waitFor(() => orgNames(watcher.doc).includes('Written while the disk was full'), 'the resent change after recovery', 10_000);
    const stored = await server.store.load(docName);
    const doc = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    expect(orgNames(doc)).toEqual(['Written while the disk was full']);
    await expectNothingLeaked(docName);
  });

  it('database locked by another process (SQLITE_BUSY): 1013 and a clear line, then recovery when the lock goes', async () => {
    const { docName, writer, watcher, closes } = await writerAndWatcher();
    const other = new DatabaseSync(join(dir.path, 'tablemap.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      addOrganisation(writer.doc, { name: 'Written under a lock', sector: 'housing' }, { group: 'carer', participantId: 'p1' });
      await waitFor(() => closes.includes(1013), 'the sockets to be closed with 1013');
      expect(orgNames(watcher.doc)).toEqual([]);
      expect(log.lines.join('\n')).toContain('database is locked');
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    await waitFor(() => orgNames(watcher.doc).includes('Written under a lock'), 'the resent change after the lock', 10_000);
    expect(server.store.integrityCheck()).toBe('ok');
    await expectNothingLeaked(docName);
  });

  it('slow disk: every change is on disk before any other client sees it, and nothing is lost', async () => {
    const { docName, writer, watcher, closes } = await writerAndWatcher();
    disk.delayMs = 60;
    const seenBeforeStored: string[] = [];
    watcher.doc.getMap('organisations').observe((change) => {
      if (change.transaction.origin !== watcher.provider) return;
      // Synchronous read of the database at the moment the relay arrives.
      void server.store.load(docName).then((stored) => {
        const doc = new Y.Doc();
        for (const update of stored.updates) Y.applyUpdate(doc, update);
        for (const key of change.keysChanged) if (!doc.getMap('organisations').has(key)) seenBeforeStored.push(key);
      });
    });
    for (let index = 0; index < 10; index++) {
      addOrganisation(writer.doc, { name: `Slow ${index}`, sector: 'vcse' }, { group: 'carer', participantId: 'p1' });
      await sleep(10);
    }
    await waitFor(() => orgNames(watcher.doc).length === 10, 'all ten changes to arrive', 10_000);
    expect(seenBeforeStored).toEqual([]);
    expect(closes).toEqual([]);
    await expectNothingLeaked(docName);
  });
});
