import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { DEFAULT_SECTORS, NOTE_KINDS, RELATIONSHIP_KIND_IDS, addNote, addOrganisation, createTableTheme, linkOrganisations, readTable } from '@tablemap/model';
import { openDoc, type SyncedDoc } from '@tablemap/sync-client';
import { marker, nowMs, parseMarker } from './markers.ts';

/** What the orchestrator hands a worker for one simulated phone. */
export interface PhoneSpec {
  id: number;
  serverUrl: string;
  tableDoc: string;
  /** null: this phone does not open the event doc. */
  eventDoc: string | null;
  token: string;
  group: string;
  /** `light`: raw protocol, no shared doc held (load runs); `full`: the apps' y-websocket client (correctness runs). */
  client: PhoneClient;
}

export type PhoneClient = 'light' | 'full';

/** What the phone threads drive, whichever client a phone runs. */
export interface SimulatedPhone {
  readonly spec: PhoneSpec;
  readonly connected: boolean;
  connectMs: number;
  editsSent: string[];
  connect(timeoutMs: number): Promise<void>;
  edit(): void;
  updatePresence(): void;
  closeEventDoc(): void;
  /** A fingerprint of what this phone holds of its table, compared with the server's afterwards. */
  snapshotHash(): string;
  destroy(): void;
}

export type DocKindCounted = 'table' | 'event';
export type MessageKind = 'sync' | 'awareness' | 'other';

/** Messages and bytes received by clients, by doc kind and message type: what the server sent out. */
export type TrafficCounters = Record<DocKindCounted, Record<MessageKind, { messages: number; bytes: number }>>;

export function emptyCounters(): TrafficCounters {
  const kinds = (): Record<MessageKind, { messages: number; bytes: number }> => ({
    sync: { messages: 0, bytes: 0 },
    awareness: { messages: 0, bytes: 0 },
    other: { messages: 0, bytes: 0 },
  });
  return { table: kinds(), event: kinds() };
}

export function addCounters(into: TrafficCounters, from: TrafficCounters): void {
  for (const doc of ['table', 'event'] as const) {
    for (const kind of ['sync', 'awareness', 'other'] as const) {
      into[doc][kind].messages += from[doc][kind].messages;
      into[doc][kind].bytes += from[doc][kind].bytes;
    }
  }
}

/** A `ws` WebSocket that counts what it receives; y-websocket constructs it through `WebSocketPolyfill`. */
export function countingWebSocket(counters: () => TrafficCounters, doc: DocKindCounted): typeof WebSocket {
  class CountingWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      this.on('message', (data: ArrayBuffer | Buffer) => {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
        const type = bytes[0];
        const kind: MessageKind = type === 0 ? 'sync' : type === 1 ? 'awareness' : 'other';
        const slot = counters()[doc][kind];
        slot.messages++;
        slot.bytes += bytes.byteLength;
      });
    }
  }
  return CountingWebSocket as unknown as typeof WebSocket;
}

const SECTOR_IDS = DEFAULT_SECTORS.map((sector) => sector.id);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

export interface Receipt {
  latencyMs: number;
}

/** Where the phones of one worker put what they measure. */
export interface PhoneSink {
  counters(): TrafficCounters;
  onReceipt(latencyMs: number): void;
}

/** One simulated participant with the apps' own client: a full Y.Doc per doc, with presence. */
export class Phone implements SimulatedPhone {
  readonly spec: PhoneSpec;
  table: SyncedDoc | null = null;
  event: SyncedDoc | null = null;
  connectMs = 0;
  editsSent: string[] = [];
  private seq = 0;
  private readonly seen = new Set<string>();
  private readonly sink: PhoneSink;

  constructor(spec: PhoneSpec, sink: PhoneSink) {
    this.spec = spec;
    this.sink = sink;
  }

  get connected(): boolean {
    return this.table !== null;
  }

  async connect(timeoutMs: number): Promise<void> {
    const started = performance.now();
    this.table = this.open(this.spec.tableDoc, 'table');
    this.watchIncomingEdits(this.table.doc);
    if (this.spec.eventDoc) this.event = this.open(this.spec.eventDoc, 'event');
    const ready = Promise.all([this.table.ready, this.event?.ready]);
    await withTimeout(ready, timeoutMs, `phone ${this.spec.id} did not sync ${this.spec.tableDoc}`);
    this.connectMs = performance.now() - started;
    this.updatePresence();
  }

  private open(docName: string, kind: DocKindCounted): SyncedDoc {
    return openDoc({
      serverUrl: this.spec.serverUrl,
      docName,
      token: this.spec.token,
      WebSocketPolyfill: countingWebSocket(() => this.sink.counters(), kind),
      disableBroadcastChannel: true,
    });
  }

  /** Records the latency of every edit made elsewhere the first time it arrives here. */
  private watchIncomingEdits(doc: Y.Doc): void {
    const watch = (mapName: string, field: string) => {
      const map = doc.getMap<Y.Map<unknown>>(mapName);
      map.observe((event) => {
        if (event.transaction.local) return;
        const receivedAt = nowMs();
        event.changes.keys.forEach((change, key) => {
          if (change.action !== 'add') return;
          const entry = map.get(key);
          const found = entry instanceof Y.Map ? parseMarker(entry.get(field)) : null;
          if (!found || this.seen.has(found.editId)) return;
          this.seen.add(found.editId);
          this.sink.onReceipt(receivedAt - found.sentAt);
        });
      });
    };
    for (const [mapName, field] of MARKED_FIELDS) watch(mapName, field);
  }

  /** One edit, like a person (`pickEdit`): an organisation, a link, a note, or a theme grouping own notes. */
  edit(): void {
    const doc = this.table?.doc;
    if (!doc) return;
    const editId = `${this.spec.id}.${this.seq++}`;
    const actor = { group: this.spec.group, participantId: participantIdOf(this.spec.token) ?? `bench${this.spec.id}` };
    const organisationIds = [...doc.getMap('organisations').keys()];
    const text = marker(nowMs(), editId);
    const kind = pickEdit(organisationIds.length);
    if (kind === 'organisation') {
      addOrganisation(doc, { name: `Org ${editId}`, sector: pick(SECTOR_IDS), remit: text }, actor);
    } else if (kind === 'link') {
      const source = pick(organisationIds);
      let target = pick(organisationIds);
      if (target === source) target = organisationIds.find((id) => id !== source)!;
      linkOrganisations(doc, { source, target, kind: pick(RELATIONSHIP_KIND_IDS), note: text }, actor);
    } else if (kind === 'note') {
      addNote(doc, { text, kind: pick(NOTE_KINDS) }, actor);
    } else {
      createTableTheme(doc, { title: text }, actor, unsortedNotesOf(doc, actor.participantId).slice(0, 2));
    }
    this.editsSent.push(editId);
  }

  updatePresence(): void {
    const organisationIds = this.table ? [...this.table.doc.getMap('organisations').keys()] : [];
    const state = { group: this.spec.group, role: 'participant', editingOrganisationId: organisationIds.length ? pick(organisationIds) : null };
    this.table?.awareness.setLocalState(state);
    this.event?.awareness.setLocalState({ group: this.spec.group, role: 'participant' });
  }

  closeEventDoc(): void {
    this.event?.destroy();
    this.event = null;
  }

  snapshotHash(): string {
    return this.table ? hashTable(this.table.doc) : '';
  }

  destroy(): void {
    this.table?.destroy();
    this.event?.destroy();
    this.table = null;
    this.event = null;
  }
}

/** A stable fingerprint of a table's visible state (`readTable`), independent of key order. */
export function hashTable(doc: Y.Doc): string {
  return createHash('sha1').update(canonicalJson(readTable(doc))).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).sort().join(',')}]`;
  if (value instanceof Map) return canonicalJson(Object.fromEntries(value));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** Where each kind of edit carries its marker: the root map of the table doc and the free-text field. */
const MARKED_FIELDS = [
  ['organisations', 'remit'],
  ['links', 'note'],
  ['notes', 'text'],
  ['tableThemes', 'title'],
] as const;

/** Every edit id found in a table doc's markers. */
export function editIdsIn(doc: Y.Doc): Set<string> {
  const ids = new Set<string>();
  for (const [mapName, field] of MARKED_FIELDS) {
    for (const entry of doc.getMap<Y.Map<unknown>>(mapName).values()) {
      const found = entry instanceof Y.Map ? parseMarker(entry.get(field)) : null;
      if (found) ids.add(found.editId);
    }
  }
  return ids;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The token holder's anonymous id (the server refuses notes signed with any other); null for the unauthenticated baseline server. */
export function participantIdOf(token: string): string | null {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { participantId?: unknown };
    return typeof claims.participantId === 'string' ? claims.participantId : null;
  } catch {
    return null;
  }
}

export type EditKind = 'organisation' | 'link' | 'note' | 'theme';

/**
 * The mix of a table's work over a learning exchange: organisations (always while the phone has fewer than
 * two to link), links, notes, and themes on the table's own board, each grouping up to two unsorted notes.
 * The theme board's edits go through the server's board rules, as they do at a real event.
 */
export function pickEdit(organisations: number, roll = Math.random()): EditKind {
  if (organisations < 2 || roll < 0.35) return 'organisation';
  if (roll < 0.6) return 'link';
  if (roll < 0.85) return 'note';
  return 'theme';
}

/** This participant's notes that sit in no theme yet. */
function unsortedNotesOf(doc: Y.Doc, participantId: string): string[] {
  const placed = doc.getMap('notePlacements');
  const notes = doc.getMap<Y.Map<unknown>>('notes');
  return [...notes.entries()].filter(([id, note]) => note.get('authorId') === participantId && !placed.has(id)).map(([id]) => id);
}
