/**
 * The snapshot thread: folds a doc's stored snapshot and log (through a given sequence number) into one new
 * snapshot, reading on its own connection (WAL lets it read while the writer writes). Building and encoding
 * a large doc takes tens of milliseconds; here the sockets' event loop does not wait for it. The doc is
 * built with garbage collection on, as the server's own docs are, so deleted content leaves the snapshot.
 * Requests and replies are typed in sqlite-store.ts (`snapshotThrough`).
 *
 * Plain JavaScript for the same reason as sqlite-writer.js: no second type stripper in this isolate.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';

const { path, busyTimeoutMs } = workerData;
const db = new DatabaseSync(path, { readOnly: true });
db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs};`);
const snapshotOf = db.prepare('SELECT snapshot, through_seq FROM doc_snapshots WHERE name = ?');
const logBetween = db.prepare('SELECT data FROM doc_updates WHERE name = ? AND seq > ? AND seq <= ? ORDER BY seq');

function snapshotThrough(name, throughSeq) {
  const doc = new Y.Doc({ gc: true });
  try {
    // One read transaction: the snapshot and the log rows after it come from the same moment.
    db.exec('BEGIN');
    try {
      const stored = snapshotOf.get(name);
      const rows = logBetween.all(name, stored ? stored.through_seq : 0, throughSeq);
      doc.transact(() => {
        if (stored) Y.applyUpdate(doc, stored.snapshot);
        for (const row of rows) Y.applyUpdate(doc, row.data);
      });
    } finally {
      db.exec('COMMIT');
    }
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

parentPort.on('message', ({ id, request }) => {
  try {
    const result = snapshotThrough(request.name, request.throughSeq);
    parentPort.postMessage({ id, result }, [result.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: { name: 'Error', message: error instanceof Error ? error.message : String(error), details: [] } });
  }
});
