/**
 * The SQLite writer thread, on its own connection. Compactions and WAL checkpoints are committed here, so
 * their writes and fsyncs never block the main thread's sockets, and so are the batches of appends the main
 * thread does not commit itself (while this thread writes, while the database is locked by another
 * process, or after a slow commit: see sqlite-inline-commit.ts). The main thread sends one batch at a time
 * and collects the next while this one commits. Messages are typed in sqlite-store.ts (WriterRequest,
 * WriterReply).
 *
 * Plain JavaScript on purpose: a worker that loads a .ts file loads Node's type stripper again in its own
 * isolate, about 18 MB of resident memory for a thread that runs a dozen lines.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { path, busyTimeoutMs } = workerData;
const db = new DatabaseSync(path);
// secure_delete is per connection: the update rows a compaction deletes (a withdrawal's rewrite among them)
// are overwritten with zeros here too, as on the main connection (sqlite-privacy.ts).
db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;`);
const insertUpdate = db.prepare('INSERT INTO doc_updates (name, data, created_at) VALUES (?, ?, ?)');
const upsertSnapshot = db.prepare(
  `INSERT INTO doc_snapshots (name, snapshot, through_seq, updated_at) VALUES (?, ?, ?, ?)
   ON CONFLICT(name) DO UPDATE SET snapshot = excluded.snapshot, through_seq = excluded.through_seq, updated_at = excluded.updated_at`,
);
const deleteThrough = db.prepare('DELETE FROM doc_updates WHERE name = ? AND seq <= ?');

function inTransaction(work) {
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

const port = parentPort;
port.on('message', (request) => {
  try {
    if (request.kind === 'append') {
      const now = Date.now();
      const { docs, docOf, ends, bytes } = request.batch;
      const data = new Uint8Array(bytes);
      const seqs = inTransaction(() => {
        const inserted = new Array(ends.length);
        for (let index = 0, start = 0; index < ends.length; start = ends[index++]) {
          inserted[index] = Number(insertUpdate.run(docs[docOf[index]], data.subarray(start, ends[index]), now).lastInsertRowid);
        }
        return inserted;
      });
      port.postMessage({ id: request.id, seqs });
    } else if (request.kind === 'compact') {
      inTransaction(() => {
        upsertSnapshot.run(request.name, request.snapshot, request.throughSeq, Date.now());
        deleteThrough.run(request.name, request.throughSeq);
      });
      port.postMessage({ id: request.id });
    } else if (request.kind === 'checkpoint') {
      // Passive: copies what no reader still needs into the database file, without blocking writers.
      db.exec('PRAGMA wal_checkpoint(PASSIVE)');
      port.postMessage({ id: request.id });
    } else {
      db.close();
      port.postMessage({ id: request.id });
      port.close();
    }
  } catch (error) {
    port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
