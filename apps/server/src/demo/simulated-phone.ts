import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { Awareness } from 'y-protocols/awareness';
import { WebSocket } from 'ws';
import { addNote, addOrganisation, castVote, linkOrganisations, readTable, type Actor } from '@tablemap/model';
import { MESSAGE_SYNC, awarenessMessage, syncStep1Message, syncUpdateMessage } from '../sync/messages.ts';

/** Made-up things a demo phone adds: Northshore's fictional places, and notes anyone at such an event might write. */
const ORGANISATIONS = [
  { name: 'Northshore Crisis Café', sector: 'vcse' },
  { name: 'Harbour Lane Surgery', sector: 'primary_care' },
  { name: 'Northshore Carers Centre', sector: 'vcse' },
  { name: 'Seafront Housing Advice', sector: 'housing' },
  { name: 'Northshore Recovery Café', sector: 'peer_led' },
  { name: 'Lighthouse Family Hub', sector: 'social_care' },
  { name: 'Northshore College Wellbeing Team', sector: 'education' },
  { name: 'Quayside Food Bank', sector: 'faith_community' },
] as const;
const NOTES = [
  'People wait weeks for a first appointment and give up.',
  'The drop-in is the only place open in the evening.',
  'Carers are rarely asked what they already know.',
  'Nobody tells you what happens after a referral.',
  'Peer workers made the difference for my neighbour.',
  'Housing and mental health teams should sit in the same room.',
  'Buses stop early, so evening groups are out of reach.',
  'Young people fall through the gap at eighteen.',
] as const;
const LINK_KINDS = ['refers_to', 'collaborates', 'shares_information', 'informal'] as const;

export interface SimulatedPhoneOptions {
  /** `ws://127.0.0.1:<port>` (or wss) of this server. */
  wsBase: string;
  docName: string;
  token: string;
  actor: Actor;
  /** Time between two additions, jittered ±50%. */
  intervalMs: number;
  random?: () => number;
}

/**
 * A pretend phone for the demo: it speaks the same y-websocket protocol as the app, with a participant token
 * the server signed, so everything it adds goes through the same checks (token, rules, budgets) as a real
 * phone's. Every few seconds it adds an organisation, a link, a note or a vote. If the server closes it (a
 * deleted event, a refused change) it simply stops; it never reconnects.
 */
export class SimulatedPhone {
  private readonly options: SimulatedPhoneOptions;
  private readonly doc = new Y.Doc();
  private readonly presence = new Awareness(this.doc);
  private readonly socket: WebSocket;
  private timer: NodeJS.Timeout | null = null;
  private step = 0;
  readonly closed: Promise<void>;

  constructor(options: SimulatedPhoneOptions) {
    this.options = options;
    this.socket = new WebSocket(
      `${options.wsBase}/sync/${options.docName}?token=${encodeURIComponent(options.token)}`,
      { rejectUnauthorized: false },
    );
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('error', () => this.socket.terminate());
    this.socket.once('close', () => {
      this.clearTimer();
      this.presence.destroy();
    });
    // Present at the table by group, as the app announces itself, so the dashboard shows who is "here";
    // y-protocols renews the state every 15 s, and each renewal is sent like any presence change.
    this.presence.on('update', ({ added, updated }: { added: number[]; updated: number[] }) => {
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(awarenessMessage(this.presence, [...added, ...updated]));
    });
    this.socket.on('open', () => {
      this.socket.send(syncStep1Message(this.doc));
      this.presence.setLocalState({ group: options.actor.group, role: 'participant' });
    });
    this.socket.on('message', (data: Buffer) => this.receive(new Uint8Array(data)));
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this && this.socket.readyState === WebSocket.OPEN) this.socket.send(syncUpdateMessage(update));
    });
  }

  private receive(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
    if (encoding.length(encoder) > 1) this.socket.send(encoding.toUint8Array(encoder));
    // The server's step 2 means this phone holds the table: start adding.
    if (kind === syncProtocol.messageYjsSyncStep2 && !this.timer) this.schedule();
  }

  private schedule(): void {
    const random = this.options.random ?? Math.random;
    const delay = this.options.intervalMs * (0.5 + random());
    this.timer = setTimeout(() => {
      this.addSomething();
      this.schedule();
    }, delay);
    this.timer.unref();
  }

  /** One addition, in turn: an organisation, a link, a note, a vote. Model errors (a full budget) are skipped. */
  private addSomething(): void {
    const random = this.options.random ?? Math.random;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const table = readTable(this.doc);
    const actor = this.options.actor;
    try {
      const kind = this.step++ % 4;
      if (kind === 0) {
        const organisation = pick(ORGANISATIONS);
        addOrganisation(
          this.doc,
          { name: organisation.name, sector: organisation.sector, locality: 'Northshore' },
          actor,
        );
      } else if (kind === 1 && table.organisations.length >= 2) {
        const source = pick(table.organisations);
        const target = pick(table.organisations.filter((organisation) => organisation.id !== source.id));
        linkOrganisations(this.doc, { source: source.id, target: target.id, kind: pick(LINK_KINDS) }, actor);
      } else if (kind === 2 || table.notes.length === 0) {
        addNote(this.doc, { text: pick(NOTES), kind: 'observation' }, actor);
      } else {
        castVote(this.doc, pick(table.notes).id, actor, { votesPerParticipant: 3, allowStackedVotes: false });
      }
    } catch {
      // A rule said no (no votes left, a duplicate link): this round adds nothing.
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops adding and closes the socket (1000); resolves once it is closed. */
  stop(): Promise<void> {
    this.clearTimer();
    if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN)
      this.socket.close(1000, 'demo stopped');
    return this.closed;
  }
}
