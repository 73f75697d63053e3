/**
 * Soak: waves of clients connect, edit and leave; after each wave the docs must unload and, after a
 * forced GC, heap and RSS must stay flat (within 10% between the 2nd and the last wave).
 *
 *   node --expose-gc src/soak/soak.ts --minutes 10 --clients 200      (pnpm --filter @tablemap/server soak -- …)
 *   node --expose-gc src/soak/soak.ts --waves 4 --clients 30 --json   (the CI size, used by soak.test.ts)
 *
 * Server and clients share this process, so a leak on either side shows up; clients are fully
 * destroyed between waves, so only what the server keeps should remain.
 */
import { parseArgs } from 'node:util';
import { addNote, addOrganisation, castVote, readTable } from '@tablemap/model';
import { connectProvider, createEvent, postJson, sleep, startServer, tempDir, waitFor, waitForSync } from '../testing.ts';

export interface WaveFigures {
  wave: number;
  clients: number;
  edits: number;
  seconds: number;
  heapMiB: number;
  rssMiB: number;
  /** V8 heap reserved, and memory outside it (Buffers, SQLite): to tell a heap leak from allocator slack. */
  heapTotalMiB: number;
  externalMiB: number;
  loadedDocs: number;
  connections: number;
}

export interface SoakResult {
  waves: WaveFigures[];
  /** (last − 2nd) / 2nd, as a fraction. */
  heapGrowth: number;
  rssGrowth: number;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let round = 0; round < 3; round++) gc();
}

type Server = Awaited<ReturnType<typeof startServer>>;
type Seat = { docName: string; token: string; participantId: string };

/** One wave: every seat connects, makes its edits (with presence), waits for the server, and leaves. */
async function runWave(server: Server, seats: Seat[], wave: number, editsPerClient: number): Promise<{ edits: number; clients: number }> {
  const clients = seats.map((seat) => ({ seat, ...connectProvider(server.wsBase, seat.docName, seat.token) }));
  await Promise.all(clients.map((client) => waitForSync(client.provider, 30_000)));
  let edits = 0;
  for (let round = 0; round < editsPerClient; round++) {
    for (const client of clients) {
      const actor = { group: 'carer', participantId: client.seat.participantId };
      const kind = (round + edits) % 3;
      try {
        if (kind === 0) addOrganisation(client.doc, { name: `Org w${wave} r${round} ${client.seat.participantId}`, sector: 'vcse' }, actor);
        else if (kind === 1) addNote(client.doc, { text: `Wave ${wave} note ${round}`, kind: 'idea' }, actor);
        else {
          const note = readTable(client.doc).notes.at(-1);
          if (note) castVote(client.doc, note.id, actor, { votesPerParticipant: 1000, allowStackedVotes: true });
        }
        edits++;
      } catch {
        // a refused model change (duplicate name) is fine here
      }
      client.provider.awareness.setLocalStateField('user', { group: 'carer', round });
    }
    await sleep(20);
  }
  // Give the last edits a moment to reach the server before everyone leaves.
  await waitFor(() => server.sync.connectionCount >= clients.length, 'all sockets to be counted', 30_000);
  await sleep(100);
  for (const client of clients) {
    client.provider.destroy();
    client.doc.destroy();
  }
  return { edits, clients: clients.length };
}

export interface SoakOptions {
  clients: number;
  waves?: number;
  minutes?: number;
  tables?: number;
  editsPerClient?: number;
  /** Reuse one event, so its tables grow every wave (RSS then also follows the docs' size). */
  sameEvent?: boolean;
  onWave?: (wave: WaveFigures) => void;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const tables = options.tables ?? Math.max(1, Math.ceil(options.clients / 8));
  const editsPerClient = options.editsPerClient ?? 5;
  const deadline = options.minutes ? Date.now() + options.minutes * 60_000 : Infinity;
  const maxWaves = options.waves ?? Infinity;
  process.setMaxListeners(0); // each y-websocket provider adds a process exit listener while it lives
  const dir = await tempDir();
  const server = await startServer(dir.path, { limits: { idleUnloadMs: 200, joinBurstPerCode: options.clients + 10, compactAfterUpdates: 200 } });
  const figures: WaveFigures[] = [];
  try {
    // One seat per client. By default every wave is a new session (a new event, as in a day of
    // workshops); with sameEvent the same seats come back to the same, ever-growing tables.
    const seats: Seat[] = [];
    const takeSeats = async () => {
      seats.length = 0;
      const event = await createEvent(server.url, tables);
      for (let index = 0; index < options.clients; index++) {
        const tableId = event.tables[index % tables]!.id;
        const joined = await postJson(`${server.url}/api/join`, { joinCode: event.joinCode, tableId, group: 'carer', consent: true });
        if (joined.status !== 200) throw new Error(`join failed: ${joined.status} ${joined.text}`);
        seats.push({ docName: `table/${event.eventId}/${tableId}`, token: joined.json.token as string, participantId: joined.json.participantId as string });
      }
    };
    await takeSeats();
    for (let wave = 1; wave <= maxWaves && (wave <= 3 || Date.now() < deadline); wave++) {
      const started = Date.now();
      if (wave > 1 && !options.sameEvent) await takeSeats();
      // In its own function, so the wave's client docs are out of reach when the heap is measured.
      const { edits, clients } = await runWave(server, seats, wave, editsPerClient);
      await waitFor(() => server.sync.connectionCount === 0 && server.registry.loadedCount === 0, 'every doc to unload once idle', 30_000);
      await sleep(50);
      forceGc();
      const memory = process.memoryUsage();
      const figure: WaveFigures = {
        wave,
        clients,
        edits,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        heapMiB: mib(memory.heapUsed),
        rssMiB: mib(memory.rss),
        heapTotalMiB: mib(memory.heapTotal),
        externalMiB: mib(memory.external),
        loadedDocs: server.registry.loadedCount,
        connections: server.sync.connectionCount,
      };
      figures.push(figure);
      options.onWave?.(figure);
    }
  } finally {
    await server.close();
    await dir.remove();
  }
  const second = figures[1] ?? figures[0]!;
  const last = figures.at(-1)!;
  return { waves: figures, heapGrowth: (last.heapMiB - second.heapMiB) / second.heapMiB, rssGrowth: (last.rssMiB - second.rssMiB) / second.rssMiB };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      minutes: { type: 'string' },
      waves: { type: 'string' },
      clients: { type: 'string', default: '200' },
      edits: { type: 'string', default: '5' },
      'same-event': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json ?? false;
  const result = await runSoak({
    clients: Number(values.clients),
    editsPerClient: Number(values.edits),
    sameEvent: values['same-event'] ?? false,
    ...(values.minutes ? { minutes: Number(values.minutes) } : {}),
    ...(values.waves ? { waves: Number(values.waves) } : !values.minutes ? { waves: 5 } : {}),
    onWave: (wave) => {
      if (!json) console.log(`wave ${wave.wave}: ${wave.clients} clients, ${wave.edits} edits in ${wave.seconds} s; after GC heap ${wave.heapMiB} MiB (reserved ${wave.heapTotalMiB}), external ${wave.externalMiB} MiB, RSS ${wave.rssMiB} MiB; docs loaded ${wave.loadedDocs}`);
    },
  });
  if (json) console.log(JSON.stringify(result));
  else {
    const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
    console.log(`2nd → last wave: heap ${percent(result.heapGrowth)}, RSS ${percent(result.rssGrowth)} (limit +10%)`);
  }
  // Growth is what matters; memory handed back (a negative figure) is fine.
  process.exit(result.heapGrowth <= 0.1 && result.rssGrowth <= 0.1 ? 0 : 1);
}
