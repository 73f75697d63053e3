/**
 * Sync throughput benchmark: N participant clients across T tables each add M organisations;
 * a facilitator client per table watches. Prints time to full convergence, updates/s through the
 * server (each stored before it is relayed), and the SQLite file size.
 *   node src/bench/sync-bench.ts --size ci|full
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { addOrganisation, readTable } from '@tablemap/model';
import { connectProvider, createEvent, joinTable, startServer, tempDir, waitFor, waitForSync } from '../testing.ts';

const SIZES = {
  ci: { tables: 2, perTable: 5, updatesPerClient: 10 },
  full: { tables: 12, perTable: 10, updatesPerClient: 50 },
} as const;

const sizeArg = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'ci';
const size = SIZES[sizeArg === 'full' ? 'full' : 'ci'];

process.setMaxListeners(0); // each y-websocket provider adds an exit listener
const dir = await tempDir();
const server = await startServer(dir.path, { limits: { maxConnectionsPerToken: 1000, joinBurstPerCode: 10_000 } });
const event = await createEvent(server.url, size.tables);
const clients: ReturnType<typeof connectProvider>[] = [];
const watchers: ReturnType<typeof connectProvider>[] = [];
for (const table of event.tables) {
  watchers.push(connectProvider(server.wsBase, `table/${event.eventId}/${table.id}`, event.facilitatorToken));
  for (let index = 0; index < size.perTable; index++) {
    const token = await joinTable(server.url, event.joinCode, table.id);
    clients.push(connectProvider(server.wsBase, `table/${event.eventId}/${table.id}`, token));
  }
}
await Promise.all([...clients, ...watchers].map((client) => waitForSync(client.provider, 30_000)));

const started = performance.now();
for (let round = 0; round < size.updatesPerClient; round++) {
  clients.forEach((client, index) =>
    addOrganisation(client.doc, { name: `Org ${index}-${round}`, sector: 'vcse' }, { group: 'carer', participantId: `p${index}` }),
  );
  await new Promise((resolve) => setImmediate(resolve));
}
const expectedPerTable = size.perTable * size.updatesPerClient;
await waitFor(() => watchers.every((watcher) => readTable(watcher.doc).organisations.length === expectedPerTable), 'convergence', 120_000);
const elapsedMs = performance.now() - started;
const total = clients.length * size.updatesPerClient;

for (const client of [...clients, ...watchers]) client.provider.destroy();
await server.close();
const file = await stat(join(dir.path, 'tablemap.sqlite'));
console.log(
  JSON.stringify(
    {
      size: sizeArg,
      clients: clients.length,
      tables: size.tables,
      updates: total,
      convergenceMs: Math.round(elapsedMs),
      updatesPerSecond: Math.round((total / elapsedMs) * 1000),
      sqliteBytes: file.size,
    },
    null,
    2,
  ),
);
await dir.remove();
process.exit(0);
