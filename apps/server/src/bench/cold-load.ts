/**
 * Cold load: how long the server takes to bring an event with 50 tables back from SQLite into memory
 * (what happens on the first connections after a restart). Goal (the sync service level after a restart): under 300 ms.
 *   node src/bench/cold-load.ts --size ci|full
 * ci: 10 tables × 40 entries; full: 50 tables × 120 entries (organisations, links and notes, each its own
 * logged update, as phones write them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { addNote, addOrganisation, eventDocName, initEventDoc, linkOrganisations, migrate, tableDocName } from '@tablemap/model';
import { SqliteStore } from '../storage/sqlite-store.ts';

const size = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'full';
const tables = size === 'ci' ? 10 : 50;
const entriesPerTable = size === 'ci' ? 40 : 120;
const eventId = 'coldload';

async function writeEvent(store: SqliteStore): Promise<string[]> {
  const names: string[] = [];
  const pending: Promise<number>[] = [];
  const record = (name: string, doc: Y.Doc) => doc.on('update', (update: Uint8Array) => pending.push(store.append(name, update)));
  const event = new Y.Doc();
  record(eventDocName(eventId), event);
  initEventDoc(event, { eventId, title: 'Cold load', tableCount: tables });
  names.push(eventDocName(eventId));
  for (let table = 1; table <= tables; table++) {
    const name = tableDocName(eventId, `t${table}`);
    const doc = new Y.Doc();
    record(name, doc);
    migrate(doc, 'table');
    const actor = { group: 'carer', participantId: `p${table}` };
    const organisations: string[] = [];
    for (let entry = 0; entry < entriesPerTable; entry++) {
      if (entry % 3 === 0 || organisations.length < 2) {
        organisations.push(addOrganisation(doc, { name: `Organisation ${table}-${entry}`, sector: 'vcse', remit: 'Peer support and advice' }, actor));
      } else if (entry % 3 === 1) {
        linkOrganisations(doc, { source: organisations.at(-1)!, target: organisations.at(-2)!, kind: 'refers_to' }, actor);
      } else {
        addNote(doc, { text: `Waiting lists are long at ${table}-${entry}`, kind: 'gap' }, actor);
      }
    }
    names.push(name);
  }
  await Promise.all(pending);
  return names;
}

async function loadAll(store: SqliteStore, names: string[]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    names.map(async (name) => {
      const stored = await store.load(name);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.mergeUpdates(stored.updates));
      return doc;
    }),
  );
  return performance.now() - started;
}

const dir = mkdtempSync(join(tmpdir(), 'tablemap-cold-'));
try {
  const path = join(dir, 'tablemap.sqlite');
  const writer = new SqliteStore(path);
  const names = await writeEvent(writer);
  await writer.close();
  const timings: number[] = [];
  for (let run = 0; run < 5; run++) {
    const reader = new SqliteStore(path); // a fresh connection each time, as after a restart
    timings.push(await loadAll(reader, names));
    await reader.close();
  }
  timings.sort((a, b) => a - b);
  const median = timings[Math.floor(timings.length / 2)]!;
  console.log(
    `cold load from SQLite (${size}): event doc + ${tables} tables × ${entriesPerTable} logged entries: median ${median.toFixed(1)} ms over 5 runs [${timings.map((t) => t.toFixed(0)).join(', ')}]; goal < 300 ms at 50 tables — ${median < 300 ? 'met' : 'NOT met'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
