/** Helpers shared by the server's tests: real servers on temp dirs, real WebSocket clients. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { SignJWT } from 'jose';
import { addNote } from '@tablemap/model';
import { WebsocketProvider } from 'y-websocket';
import { createLogger, createServer, type Limits, type ServerOptions, type TablemapServer } from './index.ts';

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'tablemap-server-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Captures every log line so tests can assert what (not) gets logged. */
export function logCapture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

export async function startServer(
  dataDir: string,
  overrides: Partial<Omit<ServerOptions, 'limits'>> & { limits?: Partial<Limits> } = {},
): Promise<TablemapServer & { wsBase: string }> {
  const server = await createServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    appHandlers: { participant: null, facilitator: null },
    logger: overrides.logger ?? createLogger({ level: 'silent' }),
    ...overrides,
  });
  return { ...server, close: server.close, wsBase: server.url.replace(/^http/, 'ws') };
}

/** Servers on temp dirs for one describe block: `start` one per test, `stopAll` (in afterEach) closes them and removes their dirs. */
export function serverPool() {
  const cleanups: (() => Promise<void>)[] = [];
  return {
    async start(overrides: Parameters<typeof startServer>[1] = {}) {
      const dir = await tempDir();
      const started = await startServer(dir.path, overrides);
      cleanups.push(async () => {
        await started.close();
        await dir.remove();
      });
      return started;
    },
    async stopAll() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // left empty: the test asserts on status
  }
  return { status: response.status, headers: response.headers, json, text };
}

export interface CreatedEvent {
  eventId: string;
  joinCode: string;
  facilitatorToken: string;
  observerToken: string;
  tables: { id: string; name: string }[];
}

export async function createEvent(baseUrl: string, tableCount = 2, headers: Record<string, string> = {}): Promise<CreatedEvent> {
  const result = await postJson(`${baseUrl}/api/events`, { title: 'Learning exchange', tableCount }, headers);
  if (result.status !== 201) throw new Error(`create event failed: ${result.status} ${result.text}`);
  return result.json as unknown as CreatedEvent;
}

export async function joinTable(baseUrl: string, joinCode: string, tableId: string, group = 'carer'): Promise<string> {
  const result = await postJson(`${baseUrl}/api/join`, { joinCode, tableId, group, consent: true });
  if (result.status !== 200) throw new Error(`join failed: ${result.status} ${result.text}`);
  return result.json.token as string;
}

/** A y-websocket 3 client, as the apps use it, but without BroadcastChannel so it really goes through the server. */
export function connectProvider(wsBase: string, docName: string, token: string, doc = new Y.Doc()) {
  const provider = new WebsocketProvider(`${wsBase}/sync`, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
  });
  return { doc, provider };
}

export function waitForSync(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('provider did not sync')), timeoutMs);
    provider.on('sync', (synced: boolean) => {
      if (synced) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw WebSocket client that records every frame it receives and how it was closed. */
export interface RawClient {
  ws: WebSocket;
  received: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
  isClosed: () => boolean;
}

export function openRaw(wsBase: string, docName: string, token: string): Promise<RawClient> {
  const ws = new WebSocket(`${wsBase}/sync/${docName}?token=${encodeURIComponent(token)}`);
  const received: Uint8Array[] = [];
  let done = false;
  ws.on('message', (data: Buffer) => received.push(new Uint8Array(data)));
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      done = true;
      resolve({ code, reason: reason.toString() });
    }),
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, received, closed, isClosed: () => done }));
    ws.once('unexpected-response', (_req, res) => reject(new UpgradeRefused(res.statusCode ?? 0)));
  });
}

export class UpgradeRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`upgrade refused with ${status}`);
    this.status = status;
  }
}

/** The HTTP status a refused upgrade got, or 101 if it was accepted. */
export async function upgradeStatus(wsBase: string, docPath: string): Promise<number> {
  try {
    const client = await openRaw(wsBase, docPath.split('?')[0]!, new URLSearchParams(docPath.split('?')[1] ?? '').get('token') ?? '');
    client.ws.close();
    return 101;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
}

/** `[messageSync, messageYjsUpdate, update]`, the frame a client sends for a local change. */
export function updateFrame(update: Uint8Array, subtype = 2): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, subtype);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An update that sets `key` on the root map `map` of a fresh doc. */
export function mapUpdate(map: string, key: string, value: unknown): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap(map).set(key, value);
  return Y.encodeStateAsUpdate(doc);
}

/** The claims a token carries (read without checking the signature: tests only). */
export function claimsOf(token: string): { participantId: string; group?: string; eventId: string; role: string; tableId?: string } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** An update adding `count` valid notes signed by the token's holder, from a fresh client (no dependencies). */
export function notesUpdate(token: string, count: number, text = 'A note'): Uint8Array {
  const { participantId, group } = claimsOf(token);
  const doc = new Y.Doc();
  for (let index = 0; index < count; index++) {
    addNote(doc, { text, kind: 'observation' }, { participantId, group: group ?? 'carer' });
  }
  return Y.encodeStateAsUpdate(doc);
}

/**
 * A write every role with write access may make to a doc of this kind under the model's rules: a
 * position on a table doc (anyone at the table may move a node), a meta value elsewhere (facilitators).
 * Returns the update and the root it writes.
 */
export function probeUpdate(kind: 'event' | 'table' | 'roster' | 'synthesis', key: string): { update: Uint8Array; root: string } {
  if (kind === 'table') return { update: mapUpdate('positions', key, { x: 1, y: 2 }), root: 'positions' };
  return { update: mapUpdate('meta', key, 1), root: 'meta' };
}

/** Sends messageQueryAwareness and waits for the server's answer: proof the previous frame was processed. */
export async function roundTrip(client: RawClient, timeoutMs = 3000): Promise<'answered' | 'closed'> {
  if (client.isClosed()) return 'closed';
  const before = client.received.length;
  client.ws.send(new Uint8Array([3]));
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (client.isClosed()) return 'closed';
    if (client.received.slice(before).some((frame) => frame[0] === 1)) return 'answered';
    await sleep(5);
  }
  throw new Error('no answer to a query-awareness round trip');
}

/** Reads a doc as the server stored it, straight from SQLite, once the commits already under way returned. */
export async function storedDoc(server: TablemapServer, name: string): Promise<Y.Doc> {
  await server.store.flush();
  const stored = await server.store.load(name);
  const doc = new Y.Doc();
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

/** `[messageAwareness, update]` announcing one client id with a JSON state. */
export { presenceFrame } from '@tablemap/sync-client';

/** `[messageSync, syncStep1, stateVector]`: asks the server for everything after `stateVector`. */
export function step1Frame(stateVector: Uint8Array = Y.encodeStateVector(new Y.Doc())): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarUint8Array(encoder, stateVector);
  return encoding.toUint8Array(encoder);
}

/** Applies every sync-step-2 and update frame a raw client received to a fresh doc: what it could read. */
export function docFromFrames(frames: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const frame of frames) {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== 0) continue;
    const subtype = decoding.readVarUint(decoder);
    if (subtype === 1 || subtype === 2) Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  }
  return doc;
}

/** Awareness client ids carried by the awareness frames a raw client received. */
export function presenceIdsIn(frames: Uint8Array[]): Set<number> {
  const ids = new Set<number>();
  for (const frame of frames) {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== 1) continue;
    const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(inner);
    for (let index = 0; index < count; index++) {
      const id = decoding.readVarUint(inner);
      decoding.readVarUint(inner);
      const state = decoding.readVarString(inner);
      if (state !== 'null') ids.add(id);
    }
  }
  return ids;
}

/** Signs claims with the server's own key (read from DATA_DIR), e.g. to make an already expired token. */
export async function signWithServerKey(dataDir: string, claims: Record<string, unknown>, expiresAtSeconds: number): Promise<string> {
  const secret = Buffer.from((await readFile(join(dataDir, 'secret.key'), 'utf8')).trim(), 'hex');
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresAtSeconds).sign(secret);
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface Child {
  process: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `node src/main.ts` as a real child process and reads its port from the printed URL. */
export function startMain(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(https?):\/\/localhost:(\d+)\/facilitate/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, url: `${match[1]}://127.0.0.1:${match[2]}`, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited early (${code}):\n${output}`)));
  });
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, ms: Date.now() - started })));
}

