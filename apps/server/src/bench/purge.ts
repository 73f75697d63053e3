/**
 * Purge cost on SQLite: how long deleting one event takes (the one transaction, then the scrub with VACUUM)
 * and how long the lighter scrub after a withdrawal takes (WAL checkpoint only), in a database that also
 * holds other events. The VACUUM rewrites the whole file and node:sqlite runs it on the event loop, so
 * every other doc waits meanwhile: that is why only event deletion uses it.
 *   node src/bench/purge.ts --size ci|full [--check] [--record]
 * ci: 5 events × 12 tables × 100 entries; full: 40 events × 12 tables × 300 entries.
 * Goals, judged at full size only (bench-kit: no verdict on a busy machine): an event deleted, scrub
 * included, in under 5 s; a withdrawal's rewrite and scrub under 100 ms.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import { addNote, addOrganisation, eventDocName, initEventDoc, migrate, tableDocName } from '@tablemap/model';
import { SqliteStore } from '../storage/sqlite-store.ts';

const size = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'full';
const events = size === 'ci' ? 5 : 40;
const tables = 12;
const entriesPerTable = size === 'ci' ? 100 : 300;
const GOAL_DELETE_MS = 5000;
const GOAL_LIGHT_SCRUB_MS = 100;

async function writeEvent(store: SqliteStore, eventId: string, index: number): Promise<void> {
  const pending: Promise<number>[] = [];
  const record = (name: string, doc: Y.Doc) => doc.on('update', (update: Uint8Array) => pending.push(store.append(name, update)));
  const event = new Y.Doc();
  record(eventDocName(eventId), event);
  initEventDoc(event, { eventId, title: `Purge bench ${eventId}`, tableCount: tables });
  await store.createEvent({ eventId, joinCode: `C${String(index).padStart(5, '0')}`, title: `Purge bench ${eventId}`, createdAt: Date.now() });
  for (let table = 1; table <= tables; table++) {
    const doc = new Y.Doc();
    record(tableDocName(eventId, `t${table}`), doc);
    migrate(doc, 'table');
    const actor = { group: 'carer', participantId: `p${table}` };
    for (let entry = 0; entry < entriesPerTable; entry++) {
      if (entry % 2 === 0) addOrganisation(doc, { name: `Organisation ${eventId} ${table}-${entry}`, sector: 'vcse', remit: 'Peer support and advice' }, actor);
      else addNote(doc, { text: `Waiting lists are long for people at ${eventId} ${table}-${entry}`, kind: 'gap' }, actor);
    }
  }
  await Promise.all(pending);
}

const run = new BenchRun({ bench: 'server-purge', size: size ?? 'full', ...benchFlags() });
await run.waitForQuiet();
const dir = mkdtempSync(join(tmpdir(), 'tablemap-purge-'));
try {
  const path = join(dir, 'tablemap.sqlite');
  const store = new SqliteStore(path);
  for (let index = 0; index < events; index++) await writeEvent(store, `event${index}`, index);
  await store.flush();
  await store.privacy.scrub({ rebuild: false }); // fold the WAL in, so the file size is the data's
  const megabytes = statSync(path).size / 1024 / 1024;

  run.startMeasuring();
  await store.privacy.markDeleted('event0', Date.now());
  const started = performance.now();
  await store.privacy.purgeEvent('event0');
  const deleteMs = performance.now() - started;

  // A withdrawal: one table doc of another event rewritten as a single snapshot, then the light scrub.
  const name = tableDocName('event1', 't1');
  const stored = await store.load(name);
  const doc = new Y.Doc();
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  const lightStarted = performance.now();
  await store.compact(name, Y.encodeStateAsUpdate(doc), stored.lastSeq);
  await store.privacy.scrub({ rebuild: false });
  const lightMs = performance.now() - lightStarted;
  const after = statSync(path).size / 1024 / 1024;
  await store.close();

  console.log(
    `purge on SQLite (${size}): ${events} events × ${tables} tables × ${entriesPerTable} entries, ${megabytes.toFixed(1)} MB → ${after.toFixed(1)} MB. ` +
      `Delete one event (transaction + secure_delete + WAL checkpoint + VACUUM): ${deleteMs.toFixed(0)} ms; ` +
      `withdrawal (one table doc rewritten + WAL checkpoint): ${lightMs.toFixed(1)} ms`,
  );
  run.figure('delete one event, scrub included', deleteMs, 'ms');
  run.figure('withdrawal rewrite and light scrub', lightMs, 'ms');
  run.details({ events, tables, entriesPerTable, megabytesBefore: megabytes, megabytesAfter: after });
  run.goal({ name: 'delete one event, scrub included', size: 'full', limit: GOAL_DELETE_MS, unit: 'ms' }, deleteMs);
  run.goal({ name: "a withdrawal's rewrite and scrub", size: 'full', limit: GOAL_LIGHT_SCRUB_MS, unit: 'ms' }, lightMs);
  run.finish();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
