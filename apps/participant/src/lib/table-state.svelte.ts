import { m } from '#lib/paraglide/messages.js';
import { getLocale } from '#lib/paraglide/runtime.js';
import * as Y from 'yjs';
import {
  CLOSE_CODES,
  castThemeVote,
  checkUpdate,
  clearInfluence,
  rateInfluence,
  castVote,
  eventDocName,
  observeEvent,
  moveAuthorNotes,
  notesPrivateAt,
  observeSynthesis,
  observeTable,
  privateDocName,
  readEvent,
  readSynthesis,
  readTable,
  retractThemeVote,
  retractVote,
  setPositions,
  synthesisDocName,
  tableDocName,
  tableEditBlockedCode,
  timerRemainingMs,
  translatedText,
  type Actor,
  type EventSnapshot,
  type Note,
  type Position,
  type SynthesisSnapshot,
  type TableSnapshot,
  type VotingRules,
} from '@tablemap/model';
import {
  EditingTracker,
  forgetOfflineCopy,
  groupsPresent,
  measureServerClockOffset,
  measureSocketRoundTrip,
  openDoc,
  presenceSummary,
  type ConnectionState,
  type PresenceState,
  type SyncedDoc,
} from '@tablemap/sync-client';
import type { Session } from './session.ts';
import { blockedText } from './table-words.ts';
import { vocabularyLabel } from './vocabulary.ts';

/** How often a phone re-measures its round trip for the facilitator's dashboard. */
const ROUND_TRIP_EVERY_MS = 3 * 60_000;

/** What a table state reopened after a refused change starts from: the old local copy and why it was refused. */
export interface RefusedCopy {
  doc: Y.Doc;
  /** The server's reason, shown to the person. */
  reason: string;
}

/** How often to retry reading the server clock if the first try fails (e.g. the phone is offline). */
const CLOCK_RETRY_MS = 15_000;
const CLOCK_SAMPLES = 3;
/** How often to look again at who is working on what (a quiet editor's mark clears after 30 s). */
const EDITING_RECHECK_MS = 5_000;
/** A busy person's phone tells the others at most this often that they are still at it. */
const ACTIVITY_EVERY_MS = 5_000;

/**
 * Everything the table screen needs, live: the table and event snapshots, connection state,
 * presence, edit permission and a per-user undo history. Created in the browser only.
 */
export class TableState {
  readonly session: Session;
  readonly actor: Actor;
  readonly table: SyncedDoc;
  readonly event: SyncedDoc;
  /** The facilitators' themes, read-only for participants. */
  readonly synthesis: SyncedDoc;
  readonly undo: Y.UndoManager;

  snapshot: TableSnapshot = $state.raw(readTable(new Y.Doc()));
  /** My notes in a private round, held in my own private doc until the facilitator reveals them. */
  privateNotes: Note[] = $state.raw([]);
  #privateDoc: SyncedDoc | null = null;
  eventSnapshot: EventSnapshot = $state.raw(readEvent(new Y.Doc()));
  synthesisSnapshot: SynthesisSnapshot = $state.raw(readSynthesis(new Y.Doc()));
  /** Add to `Date.now()` to get the server's time; null until measured (the device clock is used meanwhile). */
  clockOffsetMs: number | null = $state(null);
  /** Device time, refreshed every second while a timer runs, so the countdown re-renders. */
  deviceNow = $state(Date.now());
  connection: ConnectionState = $state.raw({ status: 'connecting', pendingChanges: 0, closeCode: null, closeReason: '' });
  presence: string = $state('');
  /** How many people are at the table now (this phone included). */
  presentCount = $state(0);
  /** Organisations that someone else at the table is editing or has selected. */
  othersEditing: string[] = $state.raw([]);
  canUndo = $state(false);
  canRedo = $state(false);
  loaded = $state(false);
  /** Set after a refused change was dropped and the table reloaded: what the person is told. */
  recoveredNotice: string | null = $state(null);

  readonly #cleanups: (() => void)[] = [];
  readonly #editing = new EditingTracker();
  #lastActivity = 0;
  #destroyed = false;
  /** The organisers deleted the event: its sockets closed with 4410, or its join code is gone. */
  eventDeleted = $state(false);

  /** `refused`: reopening after the server refused a change (4422); this phone's other edits are carried over. */
  constructor(session: Session, refused?: RefusedCopy) {
    this.session = session;
    this.actor = { group: session.group, participantId: session.participantId };
    const serverUrl = location.origin;
    const author = { role: session.role, participantId: session.participantId, group: session.group };
    let serverVotingRules: VotingRules | null = null;
    this.event = openDoc({ serverUrl, docName: eventDocName(session.eventId), token: session.token, offlineCache: true });
    this.table = openDoc({
      serverUrl,
      docName: tableDocName(session.eventId, session.tableId),
      token: session.token,
      offlineCache: true,
      ...(refused
        ? {
            carryOverFrom: {
              doc: refused.doc,
              kind: 'table' as const,
              // The vote budget as the server holds it now: the one cached when the change was refused may be old.
              after: this.event.synced,
              accept: (fresh: Y.Doc, update: Uint8Array) =>
                checkUpdate(fresh, 'table', update, { ...author, votingRules: (serverVotingRules ??= votingRulesOf(readEvent(this.event.doc))) }).ok,
              onDone: () => (this.recoveredNotice = m.table_change_not_saved({ reason: refused.reason })),
            },
          }
        : {}),
    });
    // Read-only and not cached: a stale local copy could hold changes the server would refuse (4403).
    this.synthesis = openDoc({ serverUrl, docName: synthesisDocName(session.eventId), token: session.token, offlineCache: false });
    // Participants only read the event and synthesis docs: never announce presence there.
    this.event.awareness.setLocalState(null);
    this.synthesis.awareness.setLocalState(null);

    const tableDoc = this.table.doc;
    // Scoped to this user's own edits: remote and cached updates carry other origins and are not tracked.
    this.undo = new Y.UndoManager(
      ['organisations', 'links', 'notes', 'positions', 'tableThemes', 'notePlacements'].map((name) => tableDoc.getMap(name)),
      { captureTimeout: 0 },
    );
    const refreshUndo = () => {
      this.canUndo = this.undo.canUndo();
      this.canRedo = this.undo.canRedo();
    };
    for (const name of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) this.undo.on(name, refreshUndo);

    this.#cleanups.push(observeTable(tableDoc, (snapshot) => (this.snapshot = snapshot)));
    this.#cleanups.push(
      observeEvent(this.event.doc, (snapshot) => {
        this.eventSnapshot = snapshot;
        this.deviceNow = Date.now();
        this.#readPresence();
        this.#resumeWhenUnblocked();
        this.#followPrivateRound();
      }),
    );
    this.#cleanups.push(observeSynthesis(this.synthesis.doc, (snapshot) => (this.synthesisSnapshot = snapshot)));
    this.#cleanups.push(
      this.table.onState((state) => {
        this.connection = state;
        this.#resumeWhenUnblocked();
        if (state.closeCode === CLOSE_CODES.eventDeleted) this.eventDeleted = true;
      }),
    );
    this.#cleanups.push(
      this.event.onState((state) => {
        if (state.closeCode === CLOSE_CODES.eventDeleted) this.eventDeleted = true;
      }),
    );
    this.#measureClock(serverUrl);
    this.#tickEverySecond();

    this.table.awareness.setLocalState({ group: session.group, role: session.role, editingOrganisationId: null } satisfies PresenceState);
    const onAwareness = () => this.#readPresence();
    this.table.awareness.on('change', onAwareness);
    this.#cleanups.push(() => this.table.awareness.off('change', onAwareness));
    this.#readPresence();
    const recheck = setInterval(() => this.#readPresence(), EDITING_RECHECK_MS);
    this.#cleanups.push(() => clearInterval(recheck));
    this.#reportRoundTrip(serverUrl);

    Promise.all([this.table.ready, this.event.ready]).then(() => (this.loaded = true));
  }

  /**
   * The server closed the table socket with 4423 (an edit reached it while the table was locked or the
   * room paused; typically offline edits sent on reconnection). That close is final for y-websocket, so we
   * reconnect ourselves as soon as the event doc says editing is allowed again. Both the event update and
   * the close can arrive first (they travel on different sockets), so both call this. The check reads the
   * event doc only: the 4423 itself must not count as "still blocked", or the phone never reconnects.
   * A short jittered delay keeps a disagreement with the server from turning into a tight loop.
   */
  #resumeWhenUnblocked(): void {
    if (this.connection.closeCode !== CLOSE_CODES.tableLocked || this.#resumeTimer || !this.eventLoaded) return;
    if (tableEditBlockedCode(this.eventSnapshot, this.session.tableId)) return;
    this.#resumeTimer = setTimeout(() => {
      this.#resumeTimer = undefined;
      if (this.connection.closeCode === CLOSE_CODES.tableLocked && !tableEditBlockedCode(this.eventSnapshot, this.session.tableId)) this.table.reconnect();
    }, 200 + Math.random() * 800);
  }

  #resumeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Is this table's note-writing private right now (a private round not yet revealed here)? */
  get notesPrivate(): boolean {
    return notesPrivateAt(this.eventSnapshot, this.session.tableId);
  }

  /** The doc a new note goes into: my private doc in a private round, else the table's shared doc. */
  get notesDoc(): Y.Doc {
    return this.notesPrivate && this.#privateDoc ? this.#privateDoc.doc : this.table.doc;
  }

  /** The doc holding a note, for editing or deleting it. */
  docOfNote(noteId: string): Y.Doc {
    return this.#privateDoc && this.privateNotes.some((note) => note.id === noteId) ? this.#privateDoc.doc : this.table.doc;
  }

  /**
   * Opens my private doc when a private round starts here. After the reveal the server moves my notes into
   * the table doc; if it could not (this phone was offline), I move what is left myself. Note ids make the
   * two moves the same move.
   */
  #followPrivateRound(): void {
    if (this.notesPrivate && !this.#privateDoc) {
      const { eventId, tableId, participantId, token } = this.session;
      const synced = openDoc({ serverUrl: location.origin, docName: privateDocName(eventId, tableId, participantId), token, offlineCache: true });
      synced.awareness.setLocalState(null);
      this.#privateDoc = synced;
      this.#cleanups.push(observeTable(synced.doc, (snapshot) => (this.privateNotes = snapshot.notes)));
      this.#cleanups.push(() => synced.destroy());
    }
    if (!this.notesPrivate && this.#privateDoc && this.privateNotes.length > 0 && !this.blockedReason) {
      moveAuthorNotes(this.#privateDoc.doc, this.table.doc, this.session.participantId);
    }
  }

  /**
   * Measures the server clock once on load. A few samples, keeping the one with the shortest round trip:
   * a reply that waited on a busy main thread (page still starting up) skews the midpoint estimate.
   * Retries while the server cannot be reached.
   */
  #measureClock(serverUrl: string): void {
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const attempt = async () => {
      try {
        let best: { offset: number; roundTrip: number } | null = null;
        for (let sample = 0; sample < CLOCK_SAMPLES && !stopped; sample++) {
          const sentAt = performance.now();
          const offset = await measureServerClockOffset(serverUrl);
          const roundTrip = performance.now() - sentAt;
          if (!best || roundTrip < best.roundTrip) best = { offset, roundTrip };
        }
        if (!stopped && best) this.clockOffsetMs = best.offset;
      } catch {
        if (!stopped) retry = setTimeout(attempt, CLOCK_RETRY_MS);
      }
    };
    void attempt();
    this.#cleanups.push(() => {
      stopped = true;
      clearTimeout(retry);
    });
  }

  /**
   * Measures this phone's round trip to the server now and every few minutes, and puts it in the table
   * presence (only this phone's own state), so the facilitator's dashboard can tell how the room's Wi-Fi is doing.
   */
  #reportRoundTrip(serverUrl: string): void {
    let stopped = false;
    const measure = async () => {
      try {
        const { roundTripMs } = await measureSocketRoundTrip(serverUrl, { count: 3 });
        if (!stopped && this.table.awareness.getLocalState()) this.table.awareness.setLocalStateField('roundTripMs', roundTripMs);
      } catch {
        // Offline or blocked: nothing to report; the next measurement tries again.
      }
    };
    void measure();
    const every = setInterval(() => void measure(), ROUND_TRIP_EVERY_MS);
    this.#cleanups.push(() => {
      stopped = true;
      clearInterval(every);
    });
  }

  /**
   * Refreshes `deviceNow` (only the countdown reads it) just after each whole second of the countdown,
   * so "04:59" turns into "04:58" on time rather than up to a second late.
   */
  #tickEverySecond(): void {
    let next: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      this.deviceNow = Date.now();
      const remaining = this.timerRemainingMs;
      const untilNextSecond = remaining ? remaining % 1000 || 1000 : 1000;
      next = setTimeout(tick, untilNextSecond + 15);
    };
    tick();
    this.#cleanups.push(() => clearTimeout(next));
  }

  /** Milliseconds left on the round timer by the server's clock, or null when there is no timer. */
  get timerRemainingMs(): number | null {
    return timerRemainingMs(this.eventSnapshot.timer, this.deviceNow + (this.clockOffsetMs ?? 0));
  }

  #readPresence(): void {
    const states = this.table.awareness.getStates();
    const labelOf = (id: string) => this.groupLabel(id);
    this.presence = presenceSummary(states.values(), labelOf);
    this.presentCount = [...groupsPresent(states.values()).values()].reduce((sum, count) => sum + count, 0);
    const editing = this.#editing.active(states, this.table.awareness.clientID, Date.now());
    if (editing.join() !== this.othersEditing.join()) this.othersEditing = editing;
  }

  /** Tell the table which organisation this person is working on (a subtle highlight for the others). */
  setEditing(organisationId: string | null): void {
    const current = this.table.awareness.getLocalState();
    if (current && current.editingOrganisationId !== organisationId) {
      this.table.awareness.setLocalStateField('editingOrganisationId', organisationId);
    }
  }

  /**
   * The person tapped or typed: while they work on an organisation, tell the others now and then that they
   * are still at it, so their "working on this" mark does not go quiet (it clears after 30 s without this).
   */
  noteActivity(): void {
    const current = this.table.awareness.getLocalState();
    const now = Date.now();
    if (!current?.editingOrganisationId || now - this.#lastActivity < ACTIVITY_EVERY_MS) return;
    this.#lastActivity = now;
    this.table.awareness.setLocalStateField('activity', ((current.activity as number | undefined) ?? 0) + 1);
  }

  get eventLoaded(): boolean {
    return this.eventSnapshot.tables.length > 0;
  }

  /** Why editing is off right now (closed event, locked table, expired place), or null. */
  get blockedReason(): string | null {
    if (this.connection.closeCode === CLOSE_CODES.tokenExpired) return m.blocked_place_expired();
    if (this.eventLoaded) {
      const code = tableEditBlockedCode(this.eventSnapshot, this.session.tableId);
      if (code) return blockedText(code, this.eventSnapshot.pause?.message ?? '');
    }
    if (this.connection.closeCode === CLOSE_CODES.tableLocked) return m.blocked_table_locked();
    return null;
  }

  get tableName(): string {
    return this.eventSnapshot.tables.find((table) => table.id === this.session.tableId)?.name ?? m.join_your_table();
  }

  get currentPrompt(): string | null {
    const id = this.eventSnapshot.currentPromptId;
    const prompt = this.eventSnapshot.prompts.find((entry) => entry.id === id);
    // The facilitator's translation for this phone's language, when there is one.
    return prompt ? translatedText(this.eventSnapshot, getLocale(), 'prompt', prompt.id, prompt.text) : null;
  }

  /** The event's sectors, default names in the phone's language. */
  get sectors() {
    return this.eventSnapshot.sectors.map((sector) => ({ id: sector.id, label: vocabularyLabel(sector) }));
  }

  groupLabel(id: string): string {
    const group = this.eventSnapshot.groups.find((entry) => entry.id === id);
    const label = group ? vocabularyLabel(group) : id.replaceAll('_', ' ');
    return translatedText(this.eventSnapshot, getLocale(), 'group', id, label);
  }

  get votingOpen(): boolean {
    return this.eventSnapshot.phase === 'voting' && !this.blockedReason;
  }

  get votesUsed(): number {
    return this.snapshot.votesByVoter[this.session.participantId] ?? 0;
  }

  get votesLeft(): number {
    return Math.max(0, this.eventSnapshot.votesPerParticipant - this.votesUsed);
  }

  /** My votes on one note (read straight from the doc: tallies are by group, not by person). */
  myVotesOn(noteId: string): number {
    const key = `${this.actor.group}|${this.actor.participantId}|${noteId}`;
    // Depend on the snapshot so the UI refreshes when votes change.
    void this.snapshot;
    const value = this.table.doc.getMap<number>('votes').get(key);
    return typeof value === 'number' ? value : 0;
  }

  get votingRules(): VotingRules {
    return votingRulesOf(this.eventSnapshot);
  }

  vote(noteId: string): void {
    castVote(this.table.doc, noteId, this.actor, this.votingRules);
  }

  unvote(noteId: string): void {
    retractVote(this.table.doc, noteId, this.actor);
  }

  /** My votes on one theme (the same one-person budget as note votes). */
  myVotesOnTheme(themeId: string): number {
    const key = `${this.actor.group}|${this.actor.participantId}|${themeId}`;
    void this.snapshot;
    const value = this.table.doc.getMap<number>('themeVotes').get(key);
    return typeof value === 'number' ? value : 0;
  }

  voteTheme(themeId: string): void {
    castThemeVote(this.table.doc, themeId, this.actor, this.votingRules);
  }

  unvoteTheme(themeId: string): void {
    retractThemeVote(this.table.doc, themeId, this.actor);
  }

  /** Shares where the map placed organisations; with its own origin, so the undo history leaves it out. */
  sharePlacements(placed: Readonly<Record<string, Position>>): void {
    setPositions(this.table.doc, placed, 'shared-layout');
  }

  /** The power round: each person rates each organisation's influence 0..5 (read-only when the table is locked). */
  get powerRound(): boolean {
    return this.eventSnapshot.phase === 'power';
  }

  /** My influence rating of an organisation, or null when I have not rated it. */
  myInfluence(organisationId: string): number | null {
    return this.snapshot.influence[organisationId]?.ratings[this.session.participantId] ?? null;
  }

  /** How many organisations on the map I have rated. */
  get ratedCount(): number {
    return this.snapshot.organisations.filter((org) => this.myInfluence(org.id) !== null).length;
  }

  rateInfluence(organisationId: string, rating: number): void {
    rateInfluence(this.table.doc, organisationId, rating, this.actor);
  }

  clearInfluence(organisationId: string): void {
    clearInfluence(this.table.doc, organisationId, this.actor);
  }

  /** Did the server refuse one of this phone's changes (4422)? Then the page reopens the table with `detachRefused`. */
  get changeRefused(): boolean {
    return this.connection.closeCode === CLOSE_CODES.changeRefused;
  }

  /** Stops everything and hands back the table's local copy (offline copy deleted), to carry its valid edits over. */
  async detachRefused(): Promise<RefusedCopy> {
    const reason = this.connection.closeReason.replace(/^refused: /, '') || 'it broke a rule of the table';
    const doc = await this.table.detach();
    this.#stopAllBut();
    return { doc, reason };
  }

  #stopAllBut(): void {
    for (const cleanup of this.#cleanups) cleanup();
    this.undo.destroy();
    this.event.destroy();
    this.synthesis.destroy();
  }

  /** Closes everything and removes this phone's offline copies of the event (after a withdrawal or deletion). */
  async forgetEverything(): Promise<void> {
    this.destroy();
    const names = [this.table.docName, this.event.docName, this.synthesis.docName];
    await Promise.all(names.map((name) => forgetOfflineCopy(name).catch(() => {})));
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearTimeout(this.#resumeTimer);
    for (const cleanup of this.#cleanups) cleanup();
    // Say goodbye while the socket is still open, so "working on this" clears on the other phones at once.
    this.table.awareness.setLocalState(null);
    this.undo.destroy();
    this.table.destroy();
    this.event.destroy();
    this.synthesis.destroy();
  }
}

function votingRulesOf(event: EventSnapshot): VotingRules {
  return { votesPerParticipant: event.votesPerParticipant, allowStackedVotes: event.allowStackedVotes };
}
