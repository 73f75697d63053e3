import { createHash } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { DEFAULT_SECTORS, NOTE_KINDS, RELATIONSHIP_KIND_IDS, addNote, addOrganisation, createTableTheme, linkOrganisations } from '@tablemap/model';
import { presenceFrame, toSyncUrl } from '@tablemap/sync-client';
import { marker, nowMs, parseMarker } from './markers.ts';
import { participantIdOf, pickEdit, withTimeout, type DocKindCounted, type MessageKind, type PhoneSink, type PhoneSpec, type SimulatedPhone } from './phone.ts';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
const MARKER_PREFIX = Buffer.from('bench|');
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

const SECTOR_IDS = DEFAULT_SECTORS.map((sector) => sector.id);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * A phone that speaks the y-websocket protocol itself and holds no copy of the shared doc: only a small
 * Y.Doc of its own writes (so its edits are real model mutations with a stable client id), and the set of
 * edit ids it has seen. Arriving updates are not applied anywhere: their bytes are searched for edit
 * markers, which is all the benchmark needs. 1,000 of these fit in the phone threads without the GC
 * pauses that 1,000 full y-websocket clients (each with a whole Y.Doc per doc) cause, so a `large` run
 * measures the server. The full client (`Phone`) stays for correctness runs.
 */
export class LightPhone implements SimulatedPhone {
  readonly spec: PhoneSpec;
  connectMs = 0;
  editsSent: string[] = [];
  private readonly sink: PhoneSink;
  private readonly own = new Y.Doc();
  private readonly ownOrganisations: string[] = [];
  /** Own notes not yet grouped on the theme board. */
  private readonly unsortedNotes: string[] = [];
  private readonly seen = new Set<string>();
  private table: WebSocket | null = null;
  private event: WebSocket | null = null;
  private presenceClock = 0;
  private seq = 0;
  /** The token holder's anonymous id: the server refuses entries signed with any other. */
  private readonly participantId: string;

  constructor(spec: PhoneSpec, sink: PhoneSink) {
    this.spec = spec;
    this.sink = sink;
    this.participantId = participantIdOf(spec.token) ?? `bench${spec.id}`;
    // Every own write goes out as one update message, like y-websocket does.
    this.own.on('update', (update: Uint8Array) => this.sendOn(this.table, syncMessage(SYNC_UPDATE, update)));
  }

  get connected(): boolean {
    return this.table !== null;
  }

  async connect(timeoutMs: number): Promise<void> {
    const started = performance.now();
    const table = this.open(this.spec.tableDoc, 'table');
    const event = this.spec.eventDoc ? this.open(this.spec.eventDoc, 'event') : null;
    this.table = table.socket;
    this.event = event?.socket ?? null;
    await withTimeout(Promise.all([table.synced, event?.synced]), timeoutMs, `phone ${this.spec.id} did not sync ${this.spec.tableDoc}`);
    this.connectMs = performance.now() - started;
    this.updatePresence();
  }

  private open(docName: string, kind: DocKindCounted): { socket: WebSocket; synced: Promise<void> } {
    const url = `${toSyncUrl(this.spec.serverUrl)}/${docName}?token=${encodeURIComponent(this.spec.token)}`;
    const socket = new WebSocket(url);
    socket.binaryType = 'nodebuffer';
    const synced = new Promise<void>((resolve, reject) => {
      socket.once('open', () => socket.send(syncMessage(SYNC_STEP1, EMPTY_STATE_VECTOR)));
      socket.once('close', (code) => reject(new Error(`${docName} closed with ${code}`)));
      socket.once('error', reject);
      socket.on('message', (data: Buffer) => {
        if (this.onMessage(socket, data, kind)) resolve();
      });
    });
    synced.catch(() => {});
    return { socket, synced };
  }

  /** Handles one frame; returns true when it was the server's sync step 2 (the doc is synced). */
  private onMessage(socket: WebSocket, data: Buffer, kind: DocKindCounted): boolean {
    const type = data[0];
    const messageKind: MessageKind = type === MESSAGE_SYNC ? 'sync' : type === MESSAGE_AWARENESS ? 'awareness' : 'other';
    const slot = this.sink.counters()[kind][messageKind];
    slot.messages++;
    slot.bytes += data.byteLength;
    if (type !== MESSAGE_SYNC) return false;
    const decoder = decoding.createDecoder(data);
    decoding.readVarUint(decoder);
    const subtype = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (subtype === SYNC_STEP1) {
      // The server asks for what we hold: our own writes (nothing on the read-only event doc).
      const update = kind === 'table' ? Y.encodeStateAsUpdate(this.own, payload) : Y.encodeStateAsUpdate(new Y.Doc());
      this.sendOn(socket, syncMessage(SYNC_STEP2, update));
      return false;
    }
    if (kind === 'table') this.findMarkers(payload, subtype === SYNC_UPDATE);
    return subtype === SYNC_STEP2;
  }

  /**
   * Finds edit markers in an update's bytes without decoding it: every string in a Yjs update is written
   * as its UTF-8 length (one byte below 128) followed by the bytes, so the byte before "bench|" gives the
   * marker's length. Markers in the initial sync are history: remembered, not timed.
   */
  private findMarkers(payload: Uint8Array, timed: boolean): void {
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const receivedAt = nowMs();
    for (let at = bytes.indexOf(MARKER_PREFIX); at > 0; at = bytes.indexOf(MARKER_PREFIX, at + 1)) {
      const length = bytes[at - 1]!;
      if (length >= 128) continue;
      const found = parseMarker(bytes.toString('latin1', at, at + length));
      if (!found || this.seen.has(found.editId)) continue;
      this.seen.add(found.editId);
      if (timed) this.sink.onReceipt(receivedAt - found.sentAt);
    }
  }

  private sendOn(socket: WebSocket | null, message: Uint8Array): void {
    if (socket?.readyState === WebSocket.OPEN) socket.send(message);
  }

  /** One edit, as a person makes them (`pickEdit`): an organisation, a link between two of ours, a note, or a theme. */
  edit(): void {
    if (!this.table) return;
    const editId = `${this.spec.id}.${this.seq++}`;
    this.seen.add(editId); // the classic server echoes a sender's own update back to it
    const actor = { group: this.spec.group, participantId: this.participantId };
    const text = marker(nowMs(), editId);
    const kind = pickEdit(this.ownOrganisations.length);
    if (kind === 'organisation') {
      this.ownOrganisations.push(addOrganisation(this.own, { name: `Org ${editId}`, sector: pick(SECTOR_IDS), remit: text }, actor));
    } else if (kind === 'link') {
      const source = pick(this.ownOrganisations);
      const target = pick(this.ownOrganisations.filter((id) => id !== source));
      linkOrganisations(this.own, { source, target, kind: pick(RELATIONSHIP_KIND_IDS), note: text }, actor);
    } else if (kind === 'note') {
      this.unsortedNotes.push(addNote(this.own, { text, kind: pick(NOTE_KINDS) }, actor));
    } else {
      createTableTheme(this.own, { title: text }, actor, this.unsortedNotes.splice(0, 2));
    }
    this.editsSent.push(editId);
  }

  /** Presence written straight in the awareness wire format (no Awareness instance, no doc behind it). */
  updatePresence(): void {
    this.presenceClock++;
    const editing = this.ownOrganisations.length ? pick(this.ownOrganisations) : null;
    this.sendOn(this.table, presenceFrame(this.own.clientID, { group: this.spec.group, role: 'participant', editingOrganisationId: editing }, this.presenceClock));
    this.sendOn(this.event, presenceFrame(this.own.clientID, { group: this.spec.group, role: 'participant' }, this.presenceClock));
  }

  closeEventDoc(): void {
    this.event?.close();
    this.event = null;
  }

  /** Every edit id this phone knows its table holds: its own and every one it received. */
  snapshotHash(): string {
    return hashEditIds(this.seen);
  }

  destroy(): void {
    this.table?.close();
    this.event?.close();
    this.table = null;
    this.event = null;
    this.own.destroy();
  }
}

/** The fingerprint light phones are compared by: the sorted edit ids a table holds. */
export function hashEditIds(ids: Set<string>): string {
  return createHash('sha1').update([...ids].sort().join('\n')).digest('hex');
}

function syncMessage(subtype: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, subtype);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}
