import * as v from 'valibot';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { IdSchema } from './schemas.ts';
import { parseInput, type ReadProblem } from './validate.ts';

/**
 * The facilitator's control-room state, kept in the event doc beside the phase and timer:
 * - `pause`: every phone frozen with a short message (distinct from a table lock);
 * - `doneTables`: tables that said "we're done" for a round (a round is the current prompt);
 * - `timerEnd`: what happens when the round timer reaches zero;
 * - `projectorSlide`: what the projector shows; `auto` follows the phase and the spotlight;
 * - `notesPrivate`, `revealedTables`, `privateAuthors`: a private round. Phones then write notes into their
 *   own private doc (see doc-names.ts), which only they and the facilitators can open; the server refuses
 *   new notes in a private table's shared doc, and on reveal copies the private notes into it.
 * Phones read these; only facilitators write the event doc, and "done" arrives through the server's
 * HTTP route, which checks the participant's token.
 */

const meta = (doc: Y.Doc) => doc.getMap<unknown>('meta');
const doneTables = (doc: Y.Doc) => doc.getMap<unknown>('doneTables');
const revealedTables = (doc: Y.Doc) => doc.getMap<unknown>('revealedTables');
/** `<tableId>/<participantId>` of every private notes doc opened, so the reveal knows which to copy. Ids only. */
const privateAuthors = (doc: Y.Doc) => doc.getMap<unknown>('privateAuthors');

export const PAUSE_MESSAGE_MAX = 140;
export const DEFAULT_PAUSE_MESSAGE = 'Pens down for a moment, please. Eyes on the front.';

export const PauseSchema = v.object({
  message: v.pipe(
    v.string('The pause message must be text'),
    v.trim(),
    v.minLength(1, 'Write a short message for the phones'),
    v.maxLength(PAUSE_MESSAGE_MAX, `The pause message must be at most ${PAUSE_MESSAGE_MAX} characters`),
  ),
  /** Server-clock milliseconds. */
  since: v.number(),
});
export type Pause = v.InferOutput<typeof PauseSchema>;

export const TIMER_END_ACTIONS = ['signal', 'lock'] as const;
export type TimerEndAction = (typeof TIMER_END_ACTIONS)[number];
const TimerEndActionSchema = v.picklist(TIMER_END_ACTIONS, 'When the timer ends, choose "signal" or "lock"');

export const PROJECTOR_SLIDES = ['auto', 'welcome', 'prompt', 'spotlight', 'votes', 'themes'] as const;
export type ProjectorSlide = (typeof PROJECTOR_SLIDES)[number];
const ProjectorSlideSchema = v.picklist(PROJECTOR_SLIDES, 'Choose a projector slide: auto, welcome, prompt, spotlight, votes or themes');

/** A round key names the round a "done" belongs to: the current prompt, or the phase when there is none. */
export const RoundKeySchema = v.pipe(v.string('round must be text'), v.minLength(1), v.maxLength(64));

export const DoneEntrySchema = v.object({ round: RoundKeySchema, at: v.number() });

export interface RoomControls {
  pause: Pause | null;
  /** tableId → the round it said "done" for. */
  doneTables: Record<string, string>;
  timerEnd: TimerEndAction;
  projectorSlide: ProjectorSlide;
  /** Notes in this round are private to their authors (and facilitators) until revealed. */
  notesPrivate: boolean;
  /** Tables revealed since the private round began. */
  revealedTables: Record<string, true>;
  /** tableId → participant ids with a private notes doc. */
  privateAuthors: Record<string, string[]>;
}

/** Freezes input on every phone with the facilitator's message; the server refuses table edits meanwhile. */
export function pauseAllPhones(doc: Y.Doc, message: string, serverNow: number): void {
  const pause = parseInput(PauseSchema, { message, since: serverNow }, 'pause');
  doc.transact(() => meta(doc).set('pause', pause));
}

export function resumeAllPhones(doc: Y.Doc): void {
  doc.transact(() => meta(doc).delete('pause'));
}

export function setTimerEndAction(doc: Y.Doc, action: TimerEndAction): void {
  const valid = parseInput(TimerEndActionSchema, action, 'timer end action');
  doc.transact(() => meta(doc).set('timerEnd', valid));
}

export function setProjectorSlide(doc: Y.Doc, slide: ProjectorSlide): void {
  const valid = parseInput(ProjectorSlideSchema, slide, 'projector slide');
  doc.transact(() => meta(doc).set('projectorSlide', valid));
}

/** The slide `auto` stands for: welcome before the rounds, votes while voting, then the spotlight or the prompt. */
export function resolveProjectorSlide(event: {
  projectorSlide: ProjectorSlide;
  phase: string;
  spotlightTableId: string | null;
}): Exclude<ProjectorSlide, 'auto'> {
  if (event.projectorSlide !== 'auto') return event.projectorSlide;
  if (event.phase === 'setup') return 'welcome';
  if (event.phase === 'voting') return 'votes';
  if (event.phase === 'closed') return 'themes';
  return event.spotlightTableId ? 'spotlight' : 'prompt';
}

/** Starts (or ends) a private round. Starting one forgets earlier reveals: every table starts private. */
export function setNotesPrivate(doc: Y.Doc, on: boolean): void {
  doc.transact(() => {
    meta(doc).set('notesPrivate', on);
    if (on) for (const key of [...revealedTables(doc).keys()]) revealedTables(doc).delete(key);
  });
}

/** Marks tables revealed; the server does this as it copies their private notes into the table docs. */
export function markTablesRevealed(doc: Y.Doc, tableIds: string[]): void {
  const ids = tableIds.map((id) => parseInput(IdSchema, id, 'table id'));
  doc.transact(() => {
    for (const id of ids) revealedTables(doc).set(id, true);
  });
}

/** Records that a participant has a private notes doc at a table (server only, at the doc's first opening). */
export function recordPrivateAuthor(doc: Y.Doc, tableId: string, participantId: string): boolean {
  const key = `${parseInput(IdSchema, tableId, 'table id')}/${parseInput(IdSchema, participantId, 'participant id')}`;
  if (privateAuthors(doc).has(key)) return false;
  doc.transact(() => privateAuthors(doc).set(key, true));
  return true;
}

/** Is a table's note-writing private right now? (A private round, and this table not yet revealed.) */
export function notesPrivateAt(event: { notesPrivate: boolean; revealedTables: Record<string, true> }, tableId: string): boolean {
  return event.notesPrivate && !event.revealedTables[tableId];
}

/** The round "done" refers to: the current prompt's id, or the phase when no prompt is set. */
export function currentRoundKey(event: { currentPromptId: string | null; phase: string }): string {
  return event.currentPromptId ?? `phase:${event.phase}`;
}

/** Marks (or unmarks) a table as done for a round. The server calls this for a phone's "We're done". */
export function setTableDone(doc: Y.Doc, tableId: string, round: string | null, at: number): void {
  const id = parseInput(IdSchema, tableId, 'table id');
  if (!doc.getMap('tables').has(id)) throw new ModelError('not_found', 'That table does not exist');
  if (round === null) {
    doc.transact(() => doneTables(doc).delete(id));
    return;
  }
  const entry = parseInput(DoneEntrySchema, { round, at }, 'done');
  doc.transact(() => doneTables(doc).set(id, entry));
}

/** Reads the control-room state, skipping malformed entries into `problems`. */
export function readRoomControls(doc: Y.Doc, problems: ReadProblem[]): RoomControls {
  const rawPause = meta(doc).get('pause');
  let pause: Pause | null = null;
  if (rawPause !== undefined && rawPause !== null) {
    const parsed = v.safeParse(PauseSchema, rawPause);
    // A malformed pause still pauses: failing open would let phones write while the room was asked to stop.
    pause = parsed.success ? parsed.output : { message: DEFAULT_PAUSE_MESSAGE, since: 0 };
    if (!parsed.success) problems.push({ collection: 'meta', key: 'pause', reason: 'malformed pause' });
  }
  const done: Record<string, string> = {};
  for (const [tableId, raw] of doneTables(doc).entries()) {
    const parsed = v.safeParse(DoneEntrySchema, raw);
    if (parsed.success) done[tableId] = parsed.output.round;
    else problems.push({ collection: 'doneTables', key: tableId.slice(0, 80), reason: 'malformed done entry' });
  }
  const timerEnd = v.safeParse(TimerEndActionSchema, meta(doc).get('timerEnd'));
  const slide = v.safeParse(ProjectorSlideSchema, meta(doc).get('projectorSlide'));
  const revealed: Record<string, true> = {};
  for (const [tableId, value] of revealedTables(doc).entries()) if (value === true) revealed[tableId] = true;
  const authors: Record<string, string[]> = {};
  for (const key of privateAuthors(doc).keys()) {
    const [tableId, participantId] = key.split('/');
    if (tableId && participantId) (authors[tableId] ??= []).push(participantId);
  }
  return {
    pause,
    doneTables: done,
    timerEnd: timerEnd.success ? timerEnd.output : 'signal',
    projectorSlide: slide.success ? slide.output : 'auto',
    // A malformed flag counts as private: failing open would show notes their authors were promised were private.
    notesPrivate: meta(doc).has('notesPrivate') ? meta(doc).get('notesPrivate') !== false : false,
    revealedTables: revealed,
    privateAuthors: authors,
  };
}

/** Tables done for the current round, as the dashboard counts them ("9 of 15 tables done"). */
export function tablesDoneNow(event: { currentPromptId: string | null; phase: string; tables: { id: string }[]; doneTables: Record<string, string> }): string[] {
  const round = currentRoundKey(event);
  return event.tables.filter((table) => event.doneTables[table.id] === round).map((table) => table.id);
}
