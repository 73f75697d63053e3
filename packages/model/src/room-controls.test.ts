import { describe, expect, it } from 'vitest';
import { readEvent, setCurrentPrompt, setPhase, setSpotlight, setTableLocked, tableEditBlockedCode, tableEditBlockedReason } from './event-doc.ts';
import { parseDocName } from './doc-names.ts';
import { docAccess, type TokenClaims } from './roles.ts';
import {
  PAUSE_MESSAGE_MAX,
  currentRoundKey,
  markTablesRevealed,
  notesPrivateAt,
  pauseAllPhones,
  recordPrivateAuthor,
  resolveProjectorSlide,
  resumeAllPhones,
  setNotesPrivate,
  setProjectorSlide,
  setTableDone,
  setTimerEndAction,
  tablesDoneNow,
  type ProjectorSlide,
  type TimerEndAction,
} from './room-controls.ts';
import { codeOf, freshEvent } from './test-support.ts';


describe('pause all phones', () => {
  it('blocks every table with the facilitator message, and one call releases it', () => {
    const doc = freshEvent();
    pauseAllPhones(doc, '  Eyes on the front for the next speaker  ', 1000);
    const paused = readEvent(doc);
    expect(paused.pause).toEqual({ message: 'Eyes on the front for the next speaker', since: 1000 });
    expect(tableEditBlockedReason(paused, 't1')).toBe('Eyes on the front for the next speaker');
    expect(tableEditBlockedReason(paused, 't3')).toBe('Eyes on the front for the next speaker');
    expect(tableEditBlockedCode(paused, 't3')).toBe('paused');
    expect(paused.tables.every((table) => !table.locked)).toBe(true);
    resumeAllPhones(doc);
    expect(readEvent(doc).pause).toBeNull();
    expect(tableEditBlockedReason(readEvent(doc), 't1')).toBeNull();
  });

  it('refuses an empty or over-long message and leaves the event unpaused', () => {
    const doc = freshEvent();
    expect(codeOf(() => pauseAllPhones(doc, '   ', 1))).toBe('invalid_input');
    expect(codeOf(() => pauseAllPhones(doc, 'x'.repeat(PAUSE_MESSAGE_MAX + 1), 1))).toBe('invalid_input');
    expect(readEvent(doc).pause).toBeNull();
  });

  it('a malformed pause written by a broken client still pauses (it fails closed) and is reported', () => {
    const doc = freshEvent();
    doc.getMap('meta').set('pause', { message: 42 });
    const event = readEvent(doc);
    expect(event.pause?.message).toMatch(/pens down/i);
    expect(event.problems.some((problem) => problem.key === 'pause')).toBe(true);
  });
});

describe('tables done for the round', () => {
  it('counts a table done only for the round it said so in', () => {
    const doc = freshEvent(3);
    const [first, second] = readEvent(doc).prompts;
    setCurrentPrompt(doc, first!.id);
    const round = currentRoundKey(readEvent(doc));
    setTableDone(doc, 't1', round, 10);
    setTableDone(doc, 't3', round, 11);
    expect(tablesDoneNow(readEvent(doc))).toEqual(['t1', 't3']);
    setTableDone(doc, 't3', null, 12);
    expect(tablesDoneNow(readEvent(doc))).toEqual(['t1']);
    setCurrentPrompt(doc, second!.id);
    expect(tablesDoneNow(readEvent(doc))).toEqual([]);
  });

  it('refuses an unknown table or a bad round and changes nothing', () => {
    const doc = freshEvent(2);
    expect(codeOf(() => setTableDone(doc, 't9', 'r', 1))).toBe('not_found');
    expect(codeOf(() => setTableDone(doc, '../t1', 'r', 1))).toBe('invalid_input');
    expect(codeOf(() => setTableDone(doc, 't1', '', 1))).toBe('invalid_input');
    expect(readEvent(doc).doneTables).toEqual({});
  });

  it('skips malformed done entries when reading', () => {
    const doc = freshEvent(2);
    doc.getMap('doneTables').set('t1', 'yes');
    const event = readEvent(doc);
    expect(event.doneTables).toEqual({});
    expect(event.problems.some((problem) => problem.collection === 'doneTables')).toBe(true);
  });
});

describe('timer end action', () => {
  it('defaults to a signal, can lock, and refuses anything else', () => {
    const doc = freshEvent();
    expect(readEvent(doc).timerEnd).toBe('signal');
    setTimerEndAction(doc, 'lock');
    expect(readEvent(doc).timerEnd).toBe('lock');
    expect(codeOf(() => setTimerEndAction(doc, 'explode' as TimerEndAction))).toBe('invalid_input');
    expect(readEvent(doc).timerEnd).toBe('lock');
  });

  it('a lock and a pause are separate: releasing the pause leaves a locked table locked', () => {
    const doc = freshEvent();
    setTableLocked(doc, 't2', true);
    pauseAllPhones(doc, 'Break', 1);
    resumeAllPhones(doc);
    expect(tableEditBlockedReason(readEvent(doc), 't2')).toMatch(/locked/);
    expect(tableEditBlockedReason(readEvent(doc), 't1')).toBeNull();
  });
});

describe('projector slide', () => {
  it('auto follows the phase and spotlight; a chosen slide sticks; junk is refused', () => {
    const doc = freshEvent();
    expect(resolveProjectorSlide(readEvent(doc))).toBe('welcome');
    setPhase(doc, 'mapping');
    expect(resolveProjectorSlide(readEvent(doc))).toBe('prompt');
    setSpotlight(doc, 't2');
    expect(resolveProjectorSlide(readEvent(doc))).toBe('spotlight');
    setPhase(doc, 'voting');
    expect(resolveProjectorSlide(readEvent(doc))).toBe('votes');
    setProjectorSlide(doc, 'themes');
    expect(resolveProjectorSlide(readEvent(doc))).toBe('themes');
    expect(codeOf(() => setProjectorSlide(doc, 'disco' as ProjectorSlide))).toBe('invalid_input');
    expect(readEvent(doc).projectorSlide).toBe('themes');
  });
});

describe('private rounds', () => {
  it('a private round keeps every table private until it is revealed, and a new private round starts afresh', () => {
    const doc = freshEvent(3);
    expect(notesPrivateAt(readEvent(doc), 't1')).toBe(false);
    setNotesPrivate(doc, true);
    expect(notesPrivateAt(readEvent(doc), 't1')).toBe(true);
    markTablesRevealed(doc, ['t1']);
    expect(notesPrivateAt(readEvent(doc), 't1')).toBe(false);
    expect(notesPrivateAt(readEvent(doc), 't2')).toBe(true);
    setNotesPrivate(doc, true);
    expect(notesPrivateAt(readEvent(doc), 't1')).toBe(true);
    expect(codeOf(() => markTablesRevealed(doc, ['../x']))).toBe('invalid_input');
  });

  it('records each private author once, by ids only', () => {
    const doc = freshEvent(2);
    expect(recordPrivateAuthor(doc, 't1', 'abc12345')).toBe(true);
    expect(recordPrivateAuthor(doc, 't1', 'abc12345')).toBe(false);
    expect(readEvent(doc).privateAuthors).toEqual({ t1: ['abc12345'] });
    expect(codeOf(() => recordPrivateAuthor(doc, 't1', 'no/slash'))).toBe('invalid_input');
  });

  it('only the author and the facilitators may open a private notes doc', () => {
    const ref = parseDocName('private/ev1/t1/abc12345')!;
    expect(ref).toEqual({ kind: 'private', eventId: 'ev1', tableId: 't1', participantId: 'abc12345' });
    const claims = (role: TokenClaims['role'], participantId: string, tableId?: string): TokenClaims => ({ eventId: 'ev1', role, participantId, ...(tableId ? { tableId } : {}) });
    expect(docAccess(claims('participant', 'abc12345', 't1'), ref)).toBe('write');
    expect(docAccess(claims('participant', 'other123', 't1'), ref)).toBe('none');
    expect(docAccess(claims('participant', 'abc12345', 't2'), ref)).toBe('none');
    expect(docAccess(claims('observer', 'obs12345'), ref)).toBe('none');
    expect(docAccess(claims('facilitator', 'fac12345'), ref)).toBe('write');
    expect(parseDocName('private/ev1/t1')).toBeNull();
    expect(parseDocName('private/ev1/t1/../x')).toBeNull();
  });
});
