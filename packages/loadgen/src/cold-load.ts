import { spread, type Spread } from '@tablemap/bench-kit';
import { createEvent } from './api.ts';
import { fillTable, openClient } from './run-load.ts';
import { removeDataDir, startTablemap, type RunningServer } from './servers.ts';
import { withTimeout } from './phone.ts';
import { distribution, type Distribution } from './stats.ts';

export interface ColdLoadResult {
  tables: number;
  entriesPerTable: number;
  /** Per restart: open the event doc and every table doc at once over WebSocket, until all are synced. */
  allDocsMs: Spread;
  runsMs: number[];
  /** Per-doc times of the median restart. */
  perDocMs: Distribution;
  /** The same opening again right after, with every doc in memory: the share that is connection cost, not loading. */
  warmAllDocsMs: Spread;
}

/**
 * End to end, as after a real restart: `tables` table docs are written through clients, then `restarts`
 * times the server process is restarted on the same data and the event doc plus every table doc are opened
 * at once (one client each, as a facilitator's dashboard does). Goal: the median under 300 ms.
 */
export async function runColdLoad(tables: number, entriesPerTable: number, restarts = 1, log: (line: string) => void = () => {}): Promise<ColdLoadResult> {
  const first = await startTablemap();
  const dataDir = first.dataDir!;
  let current: RunningServer = first;
  try {
    const event = await createEvent(first.url, tables);
    log(`cold load: writing ${tables} tables × ${entriesPerTable} entries`);
    for (let start = 0; start < event.tables.length; start += 10) {
      await Promise.all(
        event.tables.slice(start, start + 10).map((table) => fillTable(first.url, `table/${event.eventId}/${table.id}`, event.facilitatorToken, entriesPerTable)),
      );
    }
    const docNames = [`event/${event.eventId}`, ...event.tables.map((table) => `table/${event.eventId}/${table.id}`)];
    const cold: { allMs: number; perDoc: number[] }[] = [];
    const warm: number[] = [];
    for (let restart = 0; restart < restarts; restart++) {
      await current.stop();
      current = await startTablemap({ dataDir });
      const opened = await openAll(current.url, docNames, event.facilitatorToken);
      cold.push(opened);
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the server count the closed sockets off the token
      warm.push((await openAll(current.url, docNames, event.facilitatorToken)).allMs);
      log(`cold load #${restart + 1}: ${opened.allMs} ms (warm ${warm.at(-1)} ms)`);
    }
    const all = spread(cold.map((run) => run.allMs));
    const medianRun = [...cold].sort((a, b) => a.allMs - b.allMs)[Math.floor((cold.length - 1) / 2)]!;
    return { tables, entriesPerTable, allDocsMs: all, runsMs: cold.map((run) => run.allMs), perDocMs: distribution(medianRun.perDoc), warmAllDocsMs: spread(warm) };
  } finally {
    await current.stop();
    await first.stop();
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
