import { createEvent } from './api.ts';
import { fillTable, openClient } from './run-load.ts';
import { removeDataDir, startTablemap } from './servers.ts';
import { withTimeout } from './phone.ts';
import { distribution, type Distribution } from './stats.ts';

export interface ColdLoadResult {
  tables: number;
  entriesPerTable: number;
  /** Open the event doc and every table doc at once after a restart, until all are synced. */
  allDocsMs: number;
  perDocMs: Distribution;
  goalMs: number;
  pass: boolean;
}

/** Writes `tables` table docs through clients, restarts the server on the same data, and times loading them all. */
export async function runColdLoad(tables: number, entriesPerTable: number, log: (line: string) => void = () => {}): Promise<ColdLoadResult> {
  const first = await startTablemap();
  const dataDir = first.dataDir!;
  let restarted: Awaited<ReturnType<typeof startTablemap>> | null = null;
  try {
    const event = await createEvent(first.url, tables);
    log(`  cold load: writing ${tables} tables × ${entriesPerTable} entries`);
    for (let start = 0; start < event.tables.length; start += 10) {
      await Promise.all(
        event.tables.slice(start, start + 10).map((table) => fillTable(first.url, `table/${event.eventId}/${table.id}`, event.facilitatorToken, entriesPerTable)),
      );
    }
    await first.stop();
    restarted = await startTablemap({ dataDir });
    const docNames = [`event/${event.eventId}`, ...event.tables.map((table) => `table/${event.eventId}/${table.id}`)];
    const started = performance.now();
    const perDoc: number[] = [];
    const clients = docNames.map((docName) => openClient(restarted!.url, docName, event.facilitatorToken));
    try {
      await withTimeout(
        Promise.all(clients.map((client) => client.ready.then(() => perDoc.push(performance.now() - started)))),
        30_000,
        'cold load of every doc',
      );
    } finally {
      for (const client of clients) client.destroy();
    }
    const allDocsMs = Math.round((performance.now() - started) * 10) / 10;
    return { tables, entriesPerTable, allDocsMs, perDocMs: distribution(perDoc), goalMs: 300, pass: allDocsMs < 300 };
  } finally {
    await first.stop();
    if (restarted) await restarted.stop();
    await removeDataDir(first);
    void dataDir;
  }
}
