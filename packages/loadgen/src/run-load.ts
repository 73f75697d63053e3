import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as Y from 'yjs';
import { addNote, addOrganisation, linkOrganisations, DEFAULT_STAKEHOLDER_GROUPS } from '@tablemap/model';
import { openDoc, type SyncedDoc } from '@tablemap/sync-client';
import WebSocket from 'ws';
import { ApiError } from '@tablemap/sync-client';
import { createEvent, createScribe, joinTable, lookupGroups, type CreatedEvent } from './api.ts';
import { inProcessGroup, workerGroup, type GroupHandle } from './group-handle.ts';
import { sleep, type GroupStats } from './phone-group.ts';
import { hashEditIds } from './light-phone.ts';
import { addCounters, editIdsIn, emptyCounters, hashTable, withTimeout, type PhoneClient, type PhoneSpec, type TrafficCounters } from './phone.ts';
import { nowMs } from './markers.ts';
import { ProcSampler, type ProcSummary } from './proc-stats.ts';
import { distribution, type Distribution } from './stats.ts';

export interface LoadOptions {
  clients: number;
  tables: number;
  durationMs: number;
  editIntervalMs: number;
  presenceIntervalMs: number;
  /** Worker threads for the phones; 0 runs them in this thread. */
  workers: number;
  /** Whether every phone also opens the event doc (read-only, with presence). */
  eventDoc: boolean;
  /** Entries written into one extra table before the run; a late joiner then syncs it. */
  bigTableEntries: number;
  settleTimeoutMs: number;
  connectTimeoutMs: number;
  /** `light` phones (raw protocol, no shared doc held) or `full` y-websocket clients. */
  client: PhoneClient;
}

/** A server under test: Tablemap (auth through the HTTP API) or the classic y-websocket server (no auth). */
export interface Target {
  label: string;
  kind: 'tablemap' | 'classic';
  url: string;
  /** Server process id for CPU and RSS; null when it runs elsewhere (`--url`). */
  pid: number | null;
}

export interface LoadResult {
  target: string;
  kind: Target['kind'];
  /** Which repeat of the interleaved sequence this run was (1-based). */
  repeat: number;
  client: PhoneClient;
  clients: number;
  connected: number;
  tables: number;
  durationS: number;
  editIntervalS: number;
  eventDoc: boolean;
  join: { viaJoinApi: number; viaScribeApi: number; rateLimited: boolean; httpMs: Distribution } | null;
  connectMs: Distribution;
  connectFailures: string[];
  latencyMs: Distribution;
  editsSent: number;
  editErrors: number;
  editsPerSecond: number;
  deliveriesExpected: number;
  deliveries: number;
  deliveriesPerSecond: number;
  traffic: TrafficSummary;
  /** Worst event-loop delay among the phone threads during the edit phase. */
  clientLoopDelayMs: { p99: number; max: number };
  workers: number;
  server: ProcSummary | null;
  /** `error` set when the late joiner did not sync within 60 s (e.g. a server swamped by presence fan-out). */
  lateJoiner: { entries: number; docBytes: number; ms: number | null; joins?: number[]; error?: string } | null;
  verification: { tablesChecked: number; divergedClients: number; lostEdits: number; missingDeliveries: number };
  lostEdits: boolean;
}

export interface TrafficSummary {
  /** Everything clients received, per second during the edit phase. */
  messagesPerSecond: number;
  bytesPerSecond: number;
  /** Broken down: [doc kind][message type] → per second. */
  byDoc: Record<string, Record<string, { messagesPerSecond: number; bytesPerSecond: number }>>;
  /** Presence messages each phone received per second on the event doc (the quadratic fan-out). */
  eventPresencePerClientPerSecond: number;
}

const GROUP_IDS = DEFAULT_STAKEHOLDER_GROUPS.map((group) => group.id);

export interface Provisioned {
  specs: PhoneSpec[];
  tableDocs: string[];
  bigTableDoc: string;
  /** Token with access to every table (facilitator), or a placeholder for the classic server. */
  adminToken: string;
  join: LoadResult['join'];
}

export async function runLoad(target: Target, options: LoadOptions, log: (line: string) => void = () => {}): Promise<LoadResult> {
  const provisioned = await provision(target, options, log);
  const sampler = target.pid ? new ProcSampler(target.pid, 500) : null;

  if (options.bigTableEntries > 0) {
    log(`  writing ${options.bigTableEntries} entries into the big table`);
    await fillTable(target.url, provisioned.bigTableDoc, provisioned.adminToken, options.bigTableEntries);
  }

  const groups = phoneGroups(options.workers);
  try {
    log(`  connecting ${provisioned.specs.length} phones${options.eventDoc ? ' (table + event doc each)' : ''}`);
    const connected = await connectPhones(groups, provisioned.specs, options.connectTimeoutMs);
    const connectMs = connected.flatMap((result) => result.connectMs);
    const connectFailures = connected.flatMap((result) => result.failures);

    log(`  edit phase: ${options.durationMs / 1000} s, one edit per phone every ${options.editIntervalMs / 1000} s`);
    sampler?.mark();
    const plan = { startAt: nowMs() + 300, durationMs: options.durationMs, editIntervalMs: options.editIntervalMs, presenceIntervalMs: options.presenceIntervalMs };
    await Promise.all(groups.map((group) => group.run(plan)));
    const server = sampler?.window() ?? null;
    const phaseStats = await Promise.all(groups.map((group) => group.stats()));

    const phonesPerTable = new Map<string, number>();
    for (const snapshot of provisioned.specs) phonesPerTable.set(snapshot.tableDoc, (phonesPerTable.get(snapshot.tableDoc) ?? 0) + 1);
    const editsByTable = mergeEdits(phaseStats);
    const editsSent = [...editsByTable.values()].reduce((sum, edits) => sum + edits.length, 0);
    const deliveriesExpected = [...editsByTable].reduce((sum, [doc, edits]) => sum + edits.length * ((phonesPerTable.get(doc) ?? 1) - 1), 0);

    // Let the last edits arrive before counting what was delivered.
    const settleUntil = Date.now() + options.settleTimeoutMs;
    let delivered = 0;
    while (Date.now() < settleUntil) {
      delivered = (await Promise.all(groups.map((group) => group.progress()))).reduce((sum, progress) => sum + progress.deliveries, 0);
      if (delivered >= deliveriesExpected) break;
      await sleep(200);
    }
    const finalStats = await Promise.all(groups.map((group) => group.stats()));
    const latencies = concat(finalStats.map((stats) => stats.latencies));
    delivered = finalStats.reduce((sum, stats) => sum + stats.deliveries, 0);

    await Promise.all(groups.map((group) => group.closeEventDocs()));
    const lateJoiner = options.bigTableEntries > 0 ? await timeLateJoiner(target.url, provisioned.bigTableDoc, provisioned.adminToken) : null;
    const snapshots = (await Promise.all(groups.map((group) => group.snapshots()))).flat();
    await Promise.all(groups.map((group) => group.close()));
    const serverEnd = sampler?.window() ?? null;
    sampler?.stop();

    log('  verifying every table against a fresh client');
    const verification = await verifyTables(target.url, provisioned, snapshots, editsByTable, options.client);
    const counters = emptyCounters();
    for (const stats of phaseStats) addCounters(counters, stats.counters);
    const seconds = options.durationMs / 1000;
    return {
      target: target.label,
      kind: target.kind,
      repeat: 1,
      client: options.client,
      clients: options.clients,
      connected: connectMs.length,
      tables: options.tables,
      durationS: seconds,
      editIntervalS: options.editIntervalMs / 1000,
      eventDoc: options.eventDoc,
      join: provisioned.join,
      connectMs: distribution(connectMs),
      connectFailures: connectFailures.slice(0, 10),
      latencyMs: distribution(latencies),
      editsSent,
      editErrors: phaseStats.reduce((sum, stats) => sum + stats.editErrors, 0),
      editsPerSecond: round1(editsSent / seconds),
      deliveriesExpected,
      deliveries: delivered,
      deliveriesPerSecond: round1(delivered / seconds),
      clientLoopDelayMs: {
        p99: Math.max(...phaseStats.map((stats) => stats.loopDelayMs.p99)),
        max: Math.max(...phaseStats.map((stats) => stats.loopDelayMs.max)),
      },
      workers: options.workers,
      traffic: summariseTraffic(counters, seconds, options.eventDoc ? connectMs.length : 0),
      server: server && serverEnd ? { ...server, rssPeakMb: Math.max(server.rssPeakMb, serverEnd.rssPeakMb), rssEndMb: serverEnd.rssEndMb } : null,
      lateJoiner,
      verification: { ...verification, missingDeliveries: Math.max(0, deliveriesExpected - delivered) },
      lostEdits: verification.lostEdits > 0 || verification.divergedClients > 0 || connectFailures.length > 0,
    };
  } finally {
    sampler?.stop();
    await Promise.allSettled(groups.map((group) => group.close()));
  }
}

/** Tokens and doc names for the phones: through the HTTP API on Tablemap, plain names on classic. */
export function provision(target: Target, options: LoadOptions, log: (line: string) => void): Promise<Provisioned> {
  return target.kind === 'tablemap' ? provisionTablemap(target, options, log) : Promise.resolve(provisionClassic(target, options));
}

/** The threads that drive the phones: `workers` worker threads, or this thread when 0. */
export function phoneGroups(workers: number): GroupHandle[] {
  return Array.from({ length: Math.max(1, workers) }, () => (workers > 0 ? workerGroup() : inProcessGroup()));
}

/** Spreads the phones round-robin over the groups and connects them all. */
export function connectPhones(groups: GroupHandle[], specs: PhoneSpec[], timeoutMs: number) {
  const share = (index: number) => specs.filter((_, specIndex) => specIndex % groups.length === index);
  return Promise.all(groups.map((group, index) => group.connect(share(index), timeoutMs)));
}

async function provisionTablemap(target: Target, options: LoadOptions, log: (line: string) => void): Promise<Provisioned> {
  const event = await createEvent(target.url, options.tables + (options.bigTableEntries > 0 ? 1 : 0));
  const groups = await lookupGroups(target.url, event.joinCode);
  const tableIds = event.tables.slice(0, options.tables).map((table) => table.id);
  const bigTableId = event.tables[options.tables]?.id ?? tableIds[0]!;
  const specs: PhoneSpec[] = [];
  const httpMs: number[] = [];
  let viaJoinApi = 0;
  let viaScribeApi = 0;
  let rateLimited = false;
  log(`  joining ${options.clients} phones through POST /api/join`);
  // Join in small parallel batches, like a room scanning a QR code. Once the per-code limit answers 429,
  // the rest get facilitator-issued scribe tokens (the server's other route to a table token).
  for (let start = 0; start < options.clients; start += 10) {
    const batch = Array.from({ length: Math.min(10, options.clients - start) }, (_, offset) => start + offset);
    await Promise.all(
      batch.map(async (index) => {
        const tableId = tableIds[index % tableIds.length]!;
        const group = groups[index % groups.length] ?? GROUP_IDS[0]!;
        const started = performance.now();
        let token: string;
        let tokenGroup = group;
        if (!rateLimited) {
          try {
            token = (await joinTable(target.url, event.joinCode, tableId, group)).token;
            viaJoinApi++;
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 429)) throw error;
            rateLimited = true;
            token = await scribeToken(target.url, event, tableId);
            tokenGroup = 'other';
            viaScribeApi++;
          }
        } else {
          token = await scribeToken(target.url, event, tableId);
          tokenGroup = 'other';
          viaScribeApi++;
        }
        httpMs.push(performance.now() - started);
        specs.push({ id: index, serverUrl: target.url, tableDoc: `table/${event.eventId}/${tableId}`, eventDoc: options.eventDoc ? `event/${event.eventId}` : null, token, group: tokenGroup, client: options.client });
      }),
    );
  }
  if (rateLimited) log(`  join limit reached after ${viaJoinApi} joins (429); ${viaScribeApi} phones got scribe tokens instead`);
  specs.sort((a, b) => a.id - b.id);
  return {
    specs,
    tableDocs: tableIds.map((id) => `table/${event.eventId}/${id}`),
    bigTableDoc: `table/${event.eventId}/${bigTableId}`,
    adminToken: event.facilitatorToken,
    join: { viaJoinApi, viaScribeApi, rateLimited, httpMs: distribution(httpMs) },
  };
}

async function scribeToken(url: string, event: CreatedEvent, tableId: string): Promise<string> {
  return (await createScribe(url, event, tableId)).token;
}

/** The classic server has no API and no auth: phones go straight to plain doc names. */
function provisionClassic(target: Target, options: LoadOptions): Provisioned {
  const eventId = `ev${Math.random().toString(36).slice(2, 10)}`;
  const tableDocs = Array.from({ length: options.tables }, (_, index) => `table/${eventId}/t${index + 1}`);
  const specs = Array.from({ length: options.clients }, (_, index) => ({
    id: index,
    serverUrl: target.url,
    tableDoc: tableDocs[index % tableDocs.length]!,
    eventDoc: options.eventDoc ? `event/${eventId}` : null,
    token: 'none',
    group: GROUP_IDS[index % GROUP_IDS.length]!,
    client: options.client,
  }));
  return { specs, tableDocs, bigTableDoc: `table/${eventId}/big`, adminToken: 'none', join: null };
}

export function openClient(url: string, docName: string, token: string): SyncedDoc {
  return openDoc({ serverUrl: url, docName, token, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true });
}

/** Writes organisations, links and notes one transaction each (as people would), then waits until a fresh client sees them all. */
export async function fillTable(url: string, docName: string, token: string, entries: number): Promise<void> {
  const writer = openClient(url, docName, token);
  await withTimeout(writer.ready, 30_000, `filling ${docName}`);
  const actor = { group: 'vcse', participantId: 'benchfill' };
  const organisations: string[] = [];
  for (let index = 0; index < entries; index++) {
    const kind = index < 2 ? 0 : index % 4;
    if (kind <= 1) organisations.push(addOrganisation(writer.doc, { name: `Filled org ${index}`, sector: 'vcse', remit: 'A local service used in the benchmark' }, actor));
    else if (kind === 2) linkOrganisations(writer.doc, { source: organisations[index % organisations.length]!, target: organisations[(index + 1) % organisations.length]!, kind: 'refers_to' }, actor);
    else addNote(writer.doc, { text: `Filled note ${index}: people wait too long between services`, kind: 'observation' }, actor);
    if (index % 200 === 199) await sleep(20); // let the socket drain, as a long session would
  }
  const expected = Y.decodeStateVector(Y.encodeStateVector(writer.doc));
  const checker = openClient(url, docName, token);
  try {
    await withTimeout(checker.ready, 30_000, `checking ${docName}`);
    const deadline = Date.now() + 30_000;
    // "Holds everything the writer wrote", not "equals": a server may add its own change on load (the
    // model's migration of a doc without schema meta, e.g. when another instance loads it).
    while (!covers(Y.decodeStateVector(Y.encodeStateVector(checker.doc)), expected)) {
      if (Date.now() > deadline) throw new Error(`the server did not receive all ${entries} entries of ${docName}`);
      await sleep(100);
    }
  } finally {
    checker.destroy();
    writer.destroy();
  }
}

/** Timed late joins per run; the figure is their median. */
const LATE_JOINS = 9;

/** After a forced collection, time for its concurrent sweeping to finish before the join shares the cores. */
const SWEEP_REST_MS = 200;
let collectGarbage: (() => void) | null = null;

async function settleThisProcess(): Promise<void> {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  await sleep(SWEEP_REST_MS);
}

/**
 * A late joiner opens the big table and waits until it is synced. The client decoding 550 KB is most of
 * that time, and the first decode in this process runs before the JIT has warmed up to it: one untimed
 * join goes first, then the median of LATE_JOINS timed ones, so whichever target runs first is not the one
 * that pays for the warm-up.
 *
 * Each join starts from a collected heap (`settleThisProcess`). Left alone, this process's collector
 * reclaimed the previous joiner's doc inside every other join, so five joins swung between two modes and
 * the median measured where the pauses fell, not the server.
 */
async function timeLateJoiner(url: string, docName: string, token: string): Promise<LoadResult['lateJoiner']> {
  let entries = 0;
  let docBytes = 0;
  const times: number[] = [];
  for (let join = 0; join <= LATE_JOINS; join++) {
    await settleThisProcess();
    const started = performance.now();
    const client = openClient(url, docName, token);
    try {
      const failed = await withTimeout(client.ready, 60_000, `late joiner on ${docName} did not sync`).then(
        () => null,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      if (failed !== null) return { entries: 0, docBytes: 0, ms: null, error: failed };
      if (join > 0) times.push(performance.now() - started);
      if (join < LATE_JOINS) continue;
      const map = (name: string) => client.doc.getMap(name).size;
      entries = map('organisations') + map('links') + map('notes');
      docBytes = Y.encodeStateAsUpdate(client.doc).byteLength;
    } finally {
      client.destroy();
    }
  }
  return { entries, docBytes, ms: round1(distribution(times).p50), joins: times.map(round1) };
}

/** Opens a fresh client per table and compares its state with every phone's, and with every edit sent. */
async function verifyTables(
  url: string,
  provisioned: Provisioned,
  snapshots: { phoneId: number; tableDoc: string; hash: string }[],
  editsByTable: Map<string, string[]>,
  client: PhoneClient,
): Promise<{ tablesChecked: number; divergedClients: number; lostEdits: number }> {
  let divergedClients = 0;
  let lostEdits = 0;
  for (const docName of provisioned.tableDocs) {
    const fresh = openClient(url, docName, provisioned.adminToken);
    try {
      await withTimeout(fresh.ready, 30_000, `verifying ${docName}`);
      const present = editIdsIn(fresh.doc);
      // Full phones hold the whole table, light phones only the edit ids: compare like with like.
      const serverHash = client === 'full' ? hashTable(fresh.doc) : hashEditIds(present);
      lostEdits += (editsByTable.get(docName) ?? []).filter((editId) => !present.has(editId)).length;
      divergedClients += snapshots.filter((snapshot) => snapshot.tableDoc === docName && snapshot.hash !== serverHash).length;
    } finally {
      fresh.destroy();
    }
  }
  return { tablesChecked: provisioned.tableDocs.length, divergedClients, lostEdits };
}

function mergeEdits(stats: GroupStats[]): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const group of stats) {
    for (const [doc, edits] of Object.entries(group.editsByTable)) merged.set(doc, [...(merged.get(doc) ?? []), ...edits]);
  }
  return merged;
}

function summariseTraffic(counters: TrafficCounters, seconds: number, eventDocClients: number): TrafficSummary {
  let messages = 0;
  let bytes = 0;
  const byDoc: TrafficSummary['byDoc'] = {};
  for (const [doc, kinds] of Object.entries(counters)) {
    byDoc[doc] = {};
    for (const [kind, counter] of Object.entries(kinds)) {
      messages += counter.messages;
      bytes += counter.bytes;
      byDoc[doc][kind] = { messagesPerSecond: round1(counter.messages / seconds), bytesPerSecond: Math.round(counter.bytes / seconds) };
    }
  }
  return {
    messagesPerSecond: round1(messages / seconds),
    bytesPerSecond: Math.round(bytes / seconds),
    byDoc,
    eventPresencePerClientPerSecond: eventDocClients ? round1(counters.event.awareness.messages / seconds / eventDocClients) : 0,
  };
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

function covers(held: Map<number, number>, wanted: Map<number, number>): boolean {
  for (const [client, clock] of wanted) if ((held.get(client) ?? 0) < clock) return false;
  return true;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
