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
 * - `projectorSlide`: what the projector shows; `auto` follows the phase and the spotlight.
 * Phones read these; only facilitators write the event doc, and "done" arrives through the server's
 * HTTP route, which checks the participant's token.
 */

const meta = (doc: Y.Doc) => doc.getMap<unknown>('meta');
const doneTables = (doc: Y.Doc) => doc.getMap<unknown>('doneTables');

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

const DoneEntrySchema = v.object({ round: RoundKeySchema, at: v.number() });

export interface RoomControls {
  pause: Pause | null;
  /** tableId → the round it said "done" for. */
  doneTables: Record<string, string>;
  timerEnd: TimerEndAction;
  projectorSlide: ProjectorSlide;
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
  return { pause, doneTables: done, timerEnd: timerEnd.success ? timerEnd.output : 'signal', projectorSlide: slide.success ? slide.output : 'auto' };
}

/** Tables done for the current round, as the dashboard counts them ("9 of 15 tables done"). */
export function tablesDoneNow(event: { currentPromptId: string | null; phase: string; tables: { id: string }[]; doneTables: Record<string, string> }): string[] {
  const round = currentRoundKey(event);
  return event.tables.filter((table) => event.doneTables[table.id] === round).map((table) => table.id);
}
