import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLogger } from '../logger.ts';
import { DocRegistry, type DocPeer } from '../sync/doc-registry.ts';
import { tempDir, mapUpdate, sleep, waitFor } from '../testing.ts';
import { StorageError, type DocStore } from './doc-store.ts';
import { SqliteStore } from './sqlite-store.ts';

const rebuild = (updates: Uint8Array[]) => {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
};

describe('SqliteStore', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir.path, 'tablemap.sqlite');
  });
  afterEach(() => dir.remove());

  it('builds a snapshot from the stored snapshot and log on its own thread, with deleted content gone', async () => {
    const store = new SqliteStore(path);
    const doc = new Y.Doc();
    const appendChange = async (change: () => void) => {
      const before = Y.encodeStateVector(doc);
      change();
      return store.append('table/e/t', Y.encodeStateAsUpdate(doc, before));
    };
    await appendChange(() => doc.getMap('notes').set('a', 'kept'));
    const first = await appendChange(() => doc.getMap('notes').set('secret', 'x'.repeat(2000)));
    await store.compact('table/e/t', Y.encodeStateAsUpdate(doc), first);
    await appendChange(() => doc.getMap('notes').delete('secret'));
    const through = await appendChange(() => doc.getMap('notes').set('b', 'kept too'));
    await appendChange(() => doc.getMap('notes').set('c', 'after the fold'));
    const snapshot = await store.snapshotThrough('table/e/t', through);
    expect(rebuild([snapshot]).getMap('notes').toJSON()).toEqual({ a: 'kept', b: 'kept too' });
    expect(snapshot.byteLength).toBeLessThan(1000); // the deleted note's 2,000 characters are not in it
    await store.close();
    await expect(store.snapshotThrough('table/e/t', through)).rejects.toThrow(StorageError);
  });

  it('commits appends from one tick together, in order, and a reopened store loads them back', async () => {
    const store = new SqliteStore(path);
    const seqs = await Promise.all([1, 2, 3].map((n) => store.append('event/a1', mapUpdate('meta', `k${n}`, n))));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await store.close();
    const reopened = new SqliteStore(path);
    const loaded = await reopened.load('event/a1');
    expect(loaded.logLength).toBe(3);
    expect(loaded.lastSeq).toBe(seqs[2]);
    expect(rebuild(loaded.updates).getMap('meta').toJSON()).toEqual({ k1: 1, k2: 2, k3: 3 });
    expect((await reopened.load('event/other')).updates).toEqual([]);
    expect(reopened.integrityCheck()).toBe('ok');
    await reopened.close();
  });

  it('an append that meets another process\'s lock waits off this thread, with sockets still served, and lands when the lock goes', async () => {
    const store = new SqliteStore(path, { busyTimeoutMs: 5000 });
    await store.append('event/a1', mapUpdate('meta', 'before', 1));
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    let settled = false;
    const appended = store.append('event/a1', mapUpdate('meta', 'during', 2)).finally(() => (settled = true));
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await sleep(400);
    clearInterval(ticker);
    expect(settled, 'not committed while the lock is held').toBe(false);
    expect(ticks, 'this thread kept turning while the append waited').toBeGreaterThan(20);
    other.exec('COMMIT');
    other.close();
    await appended;
    const loaded = await store.load('event/a1');
    expect(rebuild(loaded.updates).getMap('meta').toJSON()).toEqual({ before: 1, during: 2 });
    await store.close();
  });

  it('syncs a quiet trickle of appends on this thread, with no hop to another', async () => {
    const store = new SqliteStore(path);
    for (let index = 0; index < 10; index++) {
      await store.append('table/e/quiet', mapUpdate('notes', `q${index}`, index));
      await sleep(100);
    }
    expect(store.syncCounts()).toEqual({ onThread: 10, offThread: 0 });
    await store.close();
  });

  it('with every sync off the thread, appends resolve in order, batch what arrives meanwhile, and load back after a reopen', async () => {
    const store = new SqliteStore(path, { offThreadSyncShare: 0 });
    const seqs: number[] = [];
    for (let round = 0; round < 20; round++) {
      // Five appends from one tick: one batch, one sync.
      seqs.push(...(await Promise.all([0, 1, 2, 3, 4].map((n) => store.append(`table/e/t${n}`, mapUpdate('notes', `r${round}`, n))))));
    }
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const { onThread, offThread } = store.syncCounts();
    expect(onThread).toBe(0);
    expect(offThread, 'one sync per batch of five').toBe(20);
    await store.close();
    const reopened = new SqliteStore(path);
    expect(rebuild((await reopened.load('table/e/t4')).updates).getMap('notes').size).toBe(20);
    expect(reopened.integrityCheck()).toBe('ok');
    await reopened.close();
  });

  it('keeps the write-ahead log small while appends commit one by one (the writer thread checkpoints it)', async () => {
    const store = new SqliteStore(path);
    for (let index = 0; index < 1200; index++) await store.append(`table/e/t${index % 10}`, mapUpdate('notes', `n${index}`, 'x'.repeat(200)));
    await store.flush();
    // Unchecked, 1,200 commits of two or more 4 KiB pages each leave a log of 10 MB or more.
    expect(statSync(`${path}-wal`).size).toBeLessThan(4 * 1024 * 1024);
    expect((await store.load('table/e/t3')).logLength).toBe(120);
    await store.close();
  });

  it('compacts the log into a snapshot and keeps later entries', async () => {
    const store = new SqliteStore(path);
    const doc = new Y.Doc();
    let seq = 0;
    doc.on('update', (update: Uint8Array) => void store.append('table/a1/t1', update).then((value) => (seq = value)));
    for (let n = 0; n < 5; n++) doc.getMap('organisations').set(`o${n}`, n);
    await store.flush();
    await store.compact('table/a1/t1', Y.encodeStateAsUpdate(doc), seq);
    doc.getMap('organisations').set('late', 99);
    await store.flush();
    const loaded = await store.load('table/a1/t1');
    expect(loaded.logLength).toBe(1);
    expect(loaded.updates).toHaveLength(2);
    expect(rebuild(loaded.updates).getMap('organisations').toJSON()).toEqual({ o0: 0, o1: 1, o2: 2, o3: 3, o4: 4, late: 99 });
    await store.close();
  });

  it('keeps events by join code and refuses a duplicate code', async () => {
    const store = new SqliteStore(path);
    await store.createEvent({ eventId: 'e1', joinCode: 'ABCDEF', title: 'One', createdAt: 1 });
    expect(await store.findByJoinCode('ABCDEF')).toEqual({ eventId: 'e1', joinCode: 'ABCDEF', title: 'One', createdAt: 1 });
    expect(await store.findById('e1')).not.toBeNull();
    await expect(store.createEvent({ eventId: 'e2', joinCode: 'ABCDEF', title: 'Two', createdAt: 2 })).rejects.toThrow();
    expect(await store.findById('e2')).toBeNull();
    await store.close();
  });
});

/** A real SQLite store that can be told to fail, like a full disk or a locked database. */
class FlakyStore implements DocStore {
  failing = false;
  readonly inner: SqliteStore;
  constructor(inner: SqliteStore) {
    this.inner = inner;
  }
  load(name: string) {
    return this.failing ? Promise.reject(new StorageError('disk unavailable')) : this.inner.load(name);
  }
  append(name: string, update: Uint8Array) {
    return this.failing ? Promise.reject(new StorageError('disk full')) : this.inner.append(name, update);
  }
  compact(name: string, snapshot: Uint8Array, throughSeq: number) {
    return this.failing ? Promise.reject(new StorageError('disk full')) : this.inner.compact(name, snapshot, throughSeq);
  }
  flush() {
    return this.inner.flush();
  }
  close() {
    return this.inner.close();
  }
}

describe('DocRegistry on a failing store', () => {
  it('tells peers to retry (1013), relays nothing unsaved, drops the doc, and recovers when storage does', async () => {
    const dir = await tempDir();
    const store = new FlakyStore(new SqliteStore(join(dir.path, 'tablemap.sqlite')));
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => void lines.push(line) } });
    const registry = new DocRegistry({ store, logger, compactAfterUpdates: 100, idleUnloadMs: 50 });
    const ref = { kind: 'table' as const, eventId: 'e1', tableId: 't1' };
    const name = 'table/e1/t1';
    const received: Uint8Array[] = [];
    const closes: number[] = [];
    const peer: DocPeer = { send: (m) => void received.push(m), close: (code) => void closes.push(code), noteAwareness: () => {} };

    const entry = await registry.acquire(name, ref);
    entry.peers.add(peer);
    Y.applyUpdate(entry.doc, mapUpdate('organisations', 'saved', 1), 'someone-else');
    await entry.settled();
    expect(received.filter((m) => m[0] === 0)).toHaveLength(1);

    store.failing = true;
    Y.applyUpdate(entry.doc, mapUpdate('organisations', 'lost', 2), 'someone-else');
    await expect(entry.settled()).rejects.toThrow(StorageError);
    expect(closes).toEqual([1013]);
    expect(received.filter((m) => m[0] === 0)).toHaveLength(1);
    expect(registry.isLoaded(name)).toBe(false);
    expect(lines.join('\n')).toContain('storage failed');
    await expect(registry.acquire(name, ref)).rejects.toThrow(StorageError);
    expect(registry.isLoaded(name)).toBe(false);

    store.failing = false;
    const reloaded = await registry.acquire(name, ref);
    expect(reloaded.doc.getMap('organisations').toJSON()).toEqual({ saved: 1 });
    registry.release(reloaded);
    await registry.closeAll();
    await store.close();
    await dir.remove();
  });
});

describe('DocRegistry compaction', () => {
  /** One table doc on a real SQLite store, due for a fold after 5 log entries; `write` sets a note and waits for its commit. */
  async function openTable() {
    const dir = await tempDir();
    const store = new SqliteStore(join(dir.path, 'tablemap.sqlite'));
    const registry = new DocRegistry({ store, logger: createLogger({ level: 'error' }), compactAfterUpdates: 5, idleUnloadMs: 60_000 });
    const name = 'table/e1/t1';
    const entry = await registry.acquire(name, { kind: 'table', eventId: 'e1', tableId: 't1' });
    return {
      store,
      registry,
      name,
      entry,
      logLength: async () => (await store.load(name)).logLength,
      write: async (key: string, value: string) => {
        Y.applyUpdate(entry.doc, mapUpdate('notes', key, value), 'a-phone');
        await entry.settled();
      },
      async close() {
        registry.release(entry);
        await registry.closeAll();
        await store.close();
        await dir.remove();
      },
    };
  }

  it('folds a small doc after COMPACT_AFTER_UPDATES entries once the table pauses, and a large one only once its log is half its size', async () => {
    const { store, registry, name, entry, logLength, write, close } = await openTable();
    for (let n = 0; n < 5; n++) await write(`small${n}`, 'x');
    expect(await logLength()).toBe(5); // due, but the table is still busy
    await waitFor(() => entry.logLength === 0, 'the log folded after a pause');
    expect(await logLength()).toBe(0);

    // 40 KB of notes, folded into the snapshot by a rewrite: from now on the doc counts as large.
    await write('big', 'y'.repeat(40_000));
    await registry.rewriteStored(entry);
    for (let n = 0; n < 10; n++) await write(`after${n}`, 'z'.repeat(100));
    await sleep(700);
    expect(await logLength()).toBe(10);
    await write('half', 'w'.repeat(20_000));
    await waitFor(() => entry.logLength === 0, 'the large doc folded once its log was half its size');
    expect(await logLength()).toBe(0);
    expect(rebuild((await store.load(name)).updates).getMap('notes').size).toBe(17);
    await close();
  });

  it('folds a table of 1 MB at a pause only once its log is half its size, not after every 256 KiB', async () => {
    const { store, registry, name, entry, logLength, write, close } = await openTable();
    await write('big', 'y'.repeat(1_000_000));
    await registry.rewriteStored(entry);
    // 300 KB of edits, then a pause: each fold re-encodes the whole megabyte, so this is not yet worth one.
    for (let n = 0; n < 10; n++) await write(`a${n}`, 'z'.repeat(30_000));
    await sleep(700);
    expect(await logLength()).toBe(10);
    for (let n = 0; n < 7; n++) await write(`b${n}`, 'z'.repeat(30_000));
    await waitFor(() => entry.logLength === 0, 'the log folded once it was half the table');
    const stored = await store.load(name);
    expect(stored.logLength).toBe(0);
    expect(rebuild(stored.updates).getMap('notes').size).toBe(18);
    await close();
  });

  /** A store whose compactions take at least 100 ms (a slow disk) and that notes when each ran. */
  class SlowFoldStore extends SqliteStore {
    readonly folds: { name: string; startedAt: number; endedAt: number }[] = [];
    override async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
      const startedAt = performance.now();
      await sleep(100);
      await super.compact(name, snapshot, throughSeq);
      this.folds.push({ name, startedAt, endedAt: performance.now() });
    }
  }

  /** Two tables on a slow-folding store; each takes five notes (due), the second ones of `extraBytes` more. */
  async function twoTablesFallingDue(extraBytes = 0) {
    const dir = await tempDir();
    const store = new SlowFoldStore(join(dir.path, 'tablemap.sqlite'));
    const registry = new DocRegistry({ store, logger: createLogger({ level: 'error' }), compactAfterUpdates: 5, idleUnloadMs: 60_000 });
    const tables = await Promise.all(['t1', 't2'].map((tableId) => registry.acquire(`table/e1/${tableId}`, { kind: 'table', eventId: 'e1', tableId })));
    for (let n = 0; n < 5; n++) {
      for (const entry of tables) Y.applyUpdate(entry.doc, mapUpdate('notes', `n${n}`, 'x'), 'a-phone');
      await Promise.all(tables.map((entry) => entry.settled()));
    }
    if (extraBytes > 0) {
      Y.applyUpdate(tables[1]!.doc, mapUpdate('notes', 'long', 'y'.repeat(extraBytes)), 'a-phone');
      await tables[1]!.settled();
    }
    await waitFor(() => tables.every((entry) => entry.logLength === 0), 'both logs folded', 10_000);
    const [first, second] = store.folds;
    expect(store.folds.map((fold) => fold.name)).toEqual(['table/e1/t1', 'table/e1/t2']);
    return {
      took: first!.endedAt - first!.startedAt,
      gap: second!.startedAt - first!.endedAt,
      notesStored: async () => Promise.all(tables.map(async (entry) => rebuild((await store.load(entry.name)).updates).getMap('notes').size)),
      async close() {
        for (const entry of tables) registry.release(entry);
        await registry.closeAll();
        await store.close();
        await dir.remove();
      },
    };
  }

  it('rests between the folds of tables that fall due together, three times as long as each fold took', async () => {
    const { took, gap, notesStored, close } = await twoTablesFallingDue();
    // The registry times the whole fold (encoding included), so its rest is at least three times this.
    expect(gap).toBeGreaterThanOrEqual(3 * took - 5);
    expect(await notesStored()).toEqual([5, 5]);
    await close();
  });

  it('folds a waiting table at once, without the rest, when its log has passed 2 MiB', async () => {
    const { took, gap, notesStored, close } = await twoTablesFallingDue(2_200_000);
    // With the rest the gap is at least three folds long (the test above). Without it, the gap is the
    // second table's snapshot being built from storage, which on a slow machine came to one fold's length.
    expect(gap).toBeLessThan(2 * took);
    expect(await notesStored()).toEqual([5, 6]);
    await close();
  });

  it('folds a table that never pauses once its log is four times due', async () => {
    const { store, name, entry, logLength, write, close } = await openTable();
    // Edits come faster than the pause: the log grows past due (5) up to overdue (4 × 5) ...
    for (let n = 0; n < 19; n++) await write(`n${n}`, 'x');
    expect(await logLength()).toBe(19);
    // ... and the twentieth is folded at once.
    await write('n19', 'x');
    await waitFor(() => entry.logLength === 0, 'the overdue log folded');
    const stored = await store.load(name);
    expect(stored.logLength).toBe(0);
    expect(rebuild(stored.updates).getMap('notes').size).toBe(20);
    await close();
  });
});
