import { observeRoster, readRoster, type RosterSnapshot } from '@tablemap/roster';
import {
  eventDocName,
  rosterDocName,
  observeEvent,
  observeTable,
  readTable,
  tableDocName,
  type EventSnapshot,
  type TableSnapshot,
} from '@tablemap/model';
import { groupsPresent, measureServerClockOffset, openDoc, roundTripOf, type ConnectionState, type SyncedDoc } from '@tablemap/sync-client';
import { latestCreation } from './table-activity.ts';
import { LiveSynthesis } from './live-synthesis.svelte.ts';
import { LiveReport } from './live-report.svelte.ts';

export interface LiveTable {
  snapshot: TableSnapshot;
  /** People present now, by stakeholder group. */
  present: Map<string, number>;
  lastActivity: number | null;
  connection: ConnectionState;
  /** Round trips (ms) the table's phones measured and put in their presence. */
  roundTripsMs: number[];
}

export interface LiveEventOptions {
  eventId: string;
  token: string;
  serverUrl: string;
  /** Which table docs to keep open: all of them (dashboard), some (projector), or none. */
  watchTables: (event: EventSnapshot) => string[];
  /** Facilitators also open the roster doc (names and seating); nobody else can. */
  withRoster?: boolean;
  /** A facilitator console's name, shown to the other facilitators (presence on the event doc). */
  presenceLabel?: string;
}

/** Presence a facilitator console shares on the event doc: a name for the laptop, never a person's record. */
interface FacilitatorPresence {
  facilitator: string;
}

/**
 * One event doc plus the table docs a screen needs, kept as plain reactive snapshots.
 * Watching never sets awareness on a table doc, so the facilitator never appears as a table member.
 */
export class LiveEvent {
  event = $state.raw<EventSnapshot | null>(null);
  connection = $state.raw<ConnectionState>({ status: 'connecting', pendingChanges: 0, closeCode: null, closeReason: '' });
  tables = $state.raw<Record<string, LiveTable>>({});
  /** Add to Date.now() to get the server's time. */
  clockOffset = $state(0);
  clockKnown = $state(false);
  roster = $state.raw<RosterSnapshot | null>(null);
  /** Other facilitator consoles open on this event now, by the name each shows. */
  otherFacilitators = $state.raw<string[]>([]);
  readonly rosterDoc: SyncedDoc | null = null;

  readonly eventId: string;
  readonly eventDoc: SyncedDoc;
  private readonly options: LiveEventOptions;
  // Plain bookkeeping of open sockets, never read by the UI: a reactive SvelteMap would only add overhead.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly tableDocs = new Map<string, { synced: SyncedDoc; stop: () => void }>();
  private readonly stops: (() => void)[] = [];
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private synthesisHandle: LiveSynthesis | null = null;
  private reportHandle: LiveReport | null = null;

  constructor(options: LiveEventOptions) {
    this.options = options;
    this.eventId = options.eventId;
    this.eventDoc = openDoc({ serverUrl: options.serverUrl, docName: eventDocName(options.eventId), token: options.token });
    const awareness = this.eventDoc.awareness;
    awareness.setLocalState(options.presenceLabel ? ({ facilitator: options.presenceLabel } satisfies FacilitatorPresence) : null);
    const readFacilitators = () => {
      this.otherFacilitators = [...awareness.getStates().entries()]
        .filter(([clientId]) => clientId !== awareness.clientID)
        .map(([, state]) => (state as Partial<FacilitatorPresence>).facilitator)
        .filter((label): label is string => typeof label === 'string')
        .map((label) => label.slice(0, 60));
    };
    awareness.on('change', readFacilitators);
    this.stops.push(() => awareness.off('change', readFacilitators));
    this.stops.push(this.eventDoc.onState((state) => (this.connection = state)));
    this.stops.push(
      observeEvent(this.eventDoc.doc, (snapshot) => {
        // An empty doc before the first sync reads as "Untitled"; wait for the real thing.
        if (!snapshot.eventId && this.event === null) return;
        this.event = snapshot;
        this.syncTableDocs(snapshot);
      }),
    );
    if (options.withRoster) {
      const rosterDoc = openDoc({ serverUrl: options.serverUrl, docName: rosterDocName(options.eventId), token: options.token });
      rosterDoc.awareness.setLocalState(null);
      this.rosterDoc = rosterDoc;
      let synced = false;
      const stopRoster = observeRoster(rosterDoc.doc, (snapshot) => {
        if (synced) this.roster = snapshot;
      });
      void rosterDoc.ready.then(() => {
        synced = true;
        this.roster = readRoster(rosterDoc.doc);
      });
      this.stops.push(stopRoster, () => rosterDoc.destroy());
    }
    void this.measureClock();
    this.clockTimer = setInterval(() => void this.measureClock(), 60_000);
  }

  /** Every open table's latest snapshot by table id: what the analysis screens read (reactive inside `$derived`). */
  get tableSnapshots(): Record<string, TableSnapshot> {
    return Object.fromEntries(Object.entries(this.tables).map(([id, table]) => [id, table.snapshot]));
  }

  /** The synthesis doc, opened the first time a screen asks for it and kept while the console is open. */
  synthesis(): LiveSynthesis {
    this.synthesisHandle ??= new LiveSynthesis({ serverUrl: this.options.serverUrl, eventId: this.eventId, token: this.options.token });
    return this.synthesisHandle;
  }

  /** The report doc (the organisers' narrative), opened the first time the composer asks for it. */
  report(): LiveReport {
    this.reportHandle ??= new LiveReport({ serverUrl: this.options.serverUrl, eventId: this.eventId, token: this.options.token });
    return this.reportHandle;
  }

  /** The token this screen connects with, for the facilitator's download endpoints. */
  get token(): string {
    return this.options.token;
  }

  serverNow(): number {
    return Date.now() + this.clockOffset;
  }

  tableDoc(tableId: string): SyncedDoc | null {
    return this.tableDocs.get(tableId)?.synced ?? null;
  }

  /** Opens a table doc on demand (e.g. the projector's spotlight), even if `watchTables` did not ask for it. */
  private openTable(tableId: string): void {
    if (this.tableDocs.has(tableId)) return;
    const synced = openDoc({
      serverUrl: this.options.serverUrl,
      docName: tableDocName(this.eventId, tableId),
      token: this.options.token,
    });
    synced.awareness.setLocalState(null);
    let initialised = false;
    let current: LiveTable = {
      snapshot: readTable(synced.doc),
      present: groupsPresent([]),
      roundTripsMs: [],
      lastActivity: null,
      connection: synced.state(),
    };
    const publish = (patch: Partial<LiveTable>) => {
      current = { ...current, ...patch };
      this.tables = { ...this.tables, [tableId]: current };
    };
    const stopSnapshot = observeTable(synced.doc, (snapshot) => {
      const lastActivity = initialised && synced.state().status === 'live' ? Date.now() : (latestCreation(snapshot) ?? current.lastActivity);
      publish({ snapshot, lastActivity });
    });
    void synced.ready.then(() => {
      initialised = true;
      publish({ lastActivity: latestCreation(current.snapshot) ?? current.lastActivity });
    });
    const onAwareness = () => {
      const others = [...synced.awareness.getStates().entries()]
        .filter(([clientId]) => clientId !== synced.awareness.clientID)
        .map(([, state]) => state);
      publish({ present: groupsPresent(others), roundTripsMs: others.map(roundTripOf).filter((trip) => trip !== null) });
    };
    synced.awareness.on('change', onAwareness);
    const stopState = synced.onState((connection) => publish({ connection }));
    this.tableDocs.set(tableId, {
      synced,
      stop: () => {
        stopSnapshot();
        stopState();
        synced.awareness.off('change', onAwareness);
        synced.destroy();
      },
    });
  }

  private syncTableDocs(event: EventSnapshot): void {
    const wanted = this.options.watchTables(event);
    for (const tableId of wanted) this.openTable(tableId);
    for (const [tableId, entry] of this.tableDocs) {
      if (wanted.includes(tableId)) continue;
      entry.stop();
      this.tableDocs.delete(tableId);
      const { [tableId]: _removed, ...rest } = this.tables;
      this.tables = rest;
    }
  }

  private async measureClock(): Promise<void> {
    try {
      this.clockOffset = await measureServerClockOffset(this.options.serverUrl);
      this.clockKnown = true;
    } catch {
      // Keep the last offset; the next attempt may succeed once the network is back.
    }
  }

  destroy(): void {
    if (this.clockTimer) clearInterval(this.clockTimer);
    for (const stop of this.stops) stop();
    for (const entry of this.tableDocs.values()) entry.stop();
    this.tableDocs.clear();
    this.synthesisHandle?.destroy();
    this.reportHandle?.destroy();
    this.eventDoc.destroy();
  }
}

