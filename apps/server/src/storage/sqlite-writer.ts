/**
 * The SQLite writer thread. Every append and compaction is committed here, on its own connection, so the
 * fsync of a COMMIT (synchronous=FULL) never blocks the main thread's sockets. The main thread sends one
 * batch at a time and collects the next while this one commits (group commit, pipelined).
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

export type WriterRequest =
  | { id: number; kind: 'append'; items: { name: string; update: Uint8Array }[] }
  | { id: number; kind: 'compact'; name: string; snapshot: Uint8Array; throughSeq: number }
  | { id: number; kind: 'close' };

export type WriterReply = { id: number; seqs?: number[]; error?: string };

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const db = new DatabaseSync(path);
db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;`);
const insertUpdate = db.prepare('INSERT INTO doc_updates (name, data, created_at) VALUES (?, ?, ?)');
const upsertSnapshot = db.prepare(
  `INSERT INTO doc_snapshots (name, snapshot, through_seq, updated_at) VALUES (?, ?, ?, ?)
   ON CONFLICT(name) DO UPDATE SET snapshot = excluded.snapshot, through_seq = excluded.through_seq, updated_at = excluded.updated_at`,
);
const deleteThrough = db.prepare('DELETE FROM doc_updates WHERE name = ? AND seq <= ?');

function inTransaction<T>(work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      if (db.isTransaction) db.exec('ROLLBACK');
    } catch {
      // The rollback failing leaves nothing more to undo; the original error is what matters.
    }
    throw error;
  }
}

const port = parentPort!;
port.on('message', (request: WriterRequest) => {
  try {
    if (request.kind === 'append') {
      const now = Date.now();
      const seqs = inTransaction(() => request.items.map((item) => Number(insertUpdate.run(item.name, item.update, now).lastInsertRowid)));
      port.postMessage({ id: request.id, seqs } satisfies WriterReply);
    } else if (request.kind === 'compact') {
      inTransaction(() => {
        upsertSnapshot.run(request.name, request.snapshot, request.throughSeq, Date.now());
        deleteThrough.run(request.name, request.throughSeq);
      });
      port.postMessage({ id: request.id } satisfies WriterReply);
    } else {
      db.close();
      port.postMessage({ id: request.id } satisfies WriterReply);
      port.close();
    }
  } catch (error) {
    port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies WriterReply);
  }
});
