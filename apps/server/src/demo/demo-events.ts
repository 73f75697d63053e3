import { ModelError } from '@tablemap/model';
import { readFileSync } from 'node:fs';
import {
  castVote,
  createTableTheme,
  eventDocName,
  markDemoEvent,
  newId,
  readEvent,
  readTable,
  tableDocName,
  type Actor,
} from '@tablemap/model';
import type { TokenSigner } from '../auth.ts';
import { importEvent, type ImportedEvent } from '../exports/import-event.ts';
import type { Logger } from '../logger.ts';
import type { PrivacyService } from '../privacy/privacy-service.ts';
import type { PrivacyStore } from '../privacy/privacy-store.ts';
import type { EventIndex } from '../storage/doc-store.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import { SimulatedPhone } from './simulated-phone.ts';

/** The fictional Northshore event (6 tables; places, notes and themes all made up), as an event export. */
const DEMO_EXPORT: unknown = JSON.parse(readFileSync(new URL('./northshore-demo.json', import.meta.url), 'utf8'));
/** A demo left behind by a crash is removed by retention a day later. */
export const DEMO_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Tables whose pretend phones keep adding, and the phones at each. */
const LIVE_TABLES = ['t1', 't2'];
const PHONES_PER_TABLE = 2;
const PHONE_GROUPS = ['lived_experience', 'carer', 'vcse', 'housing'];
/** Table themes each table starts with, grouping its first notes (the affinity step already begun). */
const TABLE_THEMES = [
  { title: 'Getting help early', description: 'Where people first turn, and how long they wait.' },
  { title: 'Passed between services', description: 'Referrals and information that get lost.' },
];

export class DemoLimitError extends ModelError<'demo_limit'> {
  constructor(running: number) {
    super('demo_limit', `${running} demo events are already running; stop the server or delete one first`);
    this.name = 'DemoLimitError';
  }
}

export interface DemoEventsOptions {
  registry: DocRegistry;
  events: EventIndex;
  signer: TokenSigner;
  privacy: PrivacyService;
  privacyStore: PrivacyStore;
  logger: Logger;
  maxDocBytes: number;
  /** How many demo events may run at once (each has its pretend phones). */
  maxRunning?: number;
  /** Time between two additions of one pretend phone. */
  phoneIntervalMs?: number;
}

export type DemoEvent = ImportedEvent & { demo: true };

/**
 * Demo events to rehearse with: the Northshore event imported as a new event, marked as a demo in its event
 * doc (both apps show a banner, the report a watermark), given votes and table themes, and pretend phones
 * adding to two tables. They live as long as this server: `stop()` stops the phones and deletes every demo
 * event it made (the same deletion as a facilitator's), and retention removes any a crash left behind.
 */
export class DemoEvents {
  private readonly options: DemoEventsOptions;
  private readonly running = new Map<string, SimulatedPhone[]>();
  /** This server's own sync address; known once it listens. */
  wsBase = '';

  constructor(options: DemoEventsOptions) {
    this.options = options;
  }

  get eventIds(): string[] {
    return [...this.running.keys()];
  }

  async create(): Promise<DemoEvent> {
    const max = this.options.maxRunning ?? 3;
    if (this.running.size >= max) throw new DemoLimitError(this.running.size);
    const { registry, events, signer, maxDocBytes } = this.options;
    const created = await importEvent(DEMO_EXPORT, { registry, events, signer, maxDocBytes });
    const { eventId } = created;
    this.running.set(eventId, []);
    await this.options.privacyStore.setRetention(eventId, {
      deleteAfter: Date.now() + DEMO_RETENTION_MS,
      rosterRedactAfter: null,
    });
    const event = await registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => {
      markDemoEvent(entry.doc);
      return readEvent(entry.doc);
    });
    for (const table of event.tables) await this.seedTable(eventId, table.id, event.votesPerParticipant);
    this.running.set(eventId, await this.startPhones(eventId));
    this.options.logger.info({ eventId }, 'demo event created');
    return { ...created, demo: true };
  }

  /** Votes from three pretend participants and two table themes holding the first notes. */
  private async seedTable(eventId: string, tableId: string, votesPerParticipant: number): Promise<void> {
    await this.options.registry.withDoc(
      tableDocName(eventId, tableId),
      { kind: 'table', eventId, tableId },
      (entry) => {
        const notes = readTable(entry.doc).notes;
        if (notes.length === 0) return;
        for (let voter = 0; voter < 3; voter++) {
          const actor: Actor = { group: PHONE_GROUPS[voter % PHONE_GROUPS.length]!, participantId: newId() };
          for (let vote = 0; vote < Math.min(votesPerParticipant, notes.length); vote++) {
            castVote(entry.doc, notes[(voter + vote) % notes.length]!.id, actor, {
              votesPerParticipant,
              allowStackedVotes: false,
            });
          }
        }
        TABLE_THEMES.forEach((theme, index) => {
          const grouped = notes.filter((_, at) => at % TABLE_THEMES.length === index).map((note) => note.id);
          createTableTheme(entry.doc, theme, { group: 'other' }, grouped);
        });
      },
    );
  }

  private async startPhones(eventId: string): Promise<SimulatedPhone[]> {
    const phones: SimulatedPhone[] = [];
    for (const tableId of LIVE_TABLES) {
      for (let index = 0; index < PHONES_PER_TABLE; index++) {
        const participantId = newId();
        const group = PHONE_GROUPS[(phones.length + index) % PHONE_GROUPS.length]!;
        const token = await this.options.signer.sign({ eventId, role: 'participant', tableId, group, participantId });
        phones.push(
          new SimulatedPhone({
            wsBase: this.wsBase,
            docName: tableDocName(eventId, tableId),
            token,
            actor: { group, participantId },
            intervalMs: this.options.phoneIntervalMs ?? 4000,
          }),
        );
      }
    }
    return phones;
  }

  /** Stops every pretend phone (their sockets close with 1000); the events stay. */
  async stopPhones(): Promise<void> {
    await Promise.all([...this.running.values()].flat().map((phone) => phone.stop()));
    for (const eventId of this.running.keys()) this.running.set(eventId, []);
  }

  /** Stops the phones, then deletes every demo event this server made, for good. */
  async stop(): Promise<void> {
    await this.stopPhones();
    for (const eventId of this.running.keys()) {
      await this.options.privacy.deletion.delete(eventId);
      this.options.logger.info({ eventId }, 'demo event deleted as the server stops');
    }
    this.running.clear();
  }
}
