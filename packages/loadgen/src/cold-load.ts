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
  /** The same opening again right after, with every doc already in memory: what is connection cost, not SQLite. */
  warmAllDocsMs: number;
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
    const cold = await openAll(restarted.url, docNames, event.facilitatorToken);
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the server count the closed sockets off the token
    const warm = await openAll(restarted.url, docNames, event.facilitatorToken);
    return { tables, entriesPerTable, allDocsMs: cold.allMs, perDocMs: distribution(cold.perDoc), warmAllDocsMs: warm.allMs, goalMs: 300, pass: cold.allMs < 300 };
  } finally {
    await first.stop();
    if (restarted) await restarted.stop();
    await removeDataDir(first);
  }
}

/**
 * Opens every doc at once and waits until all are synced, then closes them. The warm pass comes right after
 * the cold one, well within the server's idle-unload delay, so its docs are still in memory; the clients are
 * closed first because all of them share one token and the server caps sockets per token.
 */
async function openAll(url: string, docNames: string[], token: string): Promise<{ allMs: number; perDoc: number[] }> {
  const started = performance.now();
  const perDoc: number[] = [];
  const clients = docNames.map((docName) => openClient(url, docName, token));
  try {
    await withTimeout(Promise.all(clients.map((client) => client.ready.then(() => perDoc.push(performance.now() - started)))), 60_000, 'opening every doc');
  } finally {
    for (const client of clients) client.destroy();
  }
  return { allMs: Math.round((performance.now() - started) * 10) / 10, perDoc };
}
