import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrate } from './versions.ts';
import {
  addPrompt,
  addTable,
  initEventDoc,
  publishConsentCounts,
  readEvent,
  removePrompt,
  renameTable,
  setCurrentPrompt,
  setEventDetails,
  setPhase,
  setPriorityGroups,
  setSpotlight,
  setTableFeatures,
  setTableLocked,
  setTranslation,
  translatedText,
  setVocabulary,
  startTimer,
  tableEditBlockedCode,
  tableEditBlockedReason,
  timerRemainingMs,
  updatePrompt,
} from './event-doc.ts';
import { codeOf, freshEvent } from './test-support.ts';

describe('event doc', () => {
  it('starts with the default vocabularies, seed 003 prompts and N named tables', () => {
    const event = readEvent(freshEvent(3));
    expect(event).toMatchObject({ eventId: 'ev1', title: 'Riverside learning exchange', phase: 'setup', schemaVersion: CURRENT_SCHEMA_VERSION });
    expect(event.tables.map((table) => table.name)).toEqual(['Table 1', 'Table 2', 'Table 3']);
    expect(event.groups.map((group) => group.id)).toContain('lived_experience');
    expect(event.sectors.map((sector) => sector.id)).not.toContain('carer');
    expect(event.sectors.map((sector) => sector.id)).toContain('peer_led');
    expect(event.prompts.map((prompt) => prompt.text)).toEqual([
      'Communities and connections',
      'Physical and mental health',
      'Use of local services',
    ]);
  });

  it.each([
    ['zero tables', { tableCount: 0 }],
    ['61 tables', { tableCount: 61 }],
    ['a fractional count', { tableCount: 2.5 }],
    ['an empty title', { title: '  ' }],
  ])('refuses to create an event with %s', (_label, patch) => {
    const doc = new Y.Doc();
    expect(codeOf(() => initEventDoc(doc, { eventId: 'ev1', title: 'T', tableCount: 2, ...patch }))).toBe('invalid_input');
    expect(doc.getMap('tables').size).toBe(0);
  });

  it('edits details, phase, prompt and spotlight, validating each', () => {
    const doc = freshEvent();
    setEventDetails(doc, { venue: 'Town hall', date: '2026-12-01', votesPerParticipant: 5 });
    setPhase(doc, 'voting');
    const promptId = readEvent(doc).prompts[1]!.id;
    setCurrentPrompt(doc, promptId);
    setSpotlight(doc, 't2');
    expect(readEvent(doc)).toMatchObject({ venue: 'Town hall', votesPerParticipant: 5, phase: 'voting', currentPromptId: promptId, spotlightTableId: 't2' });
    expect(codeOf(() => setPhase(doc, 'dancing' as never))).toBe('invalid_input');
    expect(codeOf(() => setEventDetails(doc, { votesPerParticipant: 0 }))).toBe('invalid_input');
    expect(codeOf(() => setCurrentPrompt(doc, 'nope'))).toBe('not_found');
    expect(codeOf(() => setSpotlight(doc, 'nope'))).toBe('not_found');
    expect(readEvent(doc).phase).toBe('voting');
  });

  it('adds, edits and removes prompts, clearing the current prompt if it goes', () => {
    const doc = freshEvent();
    const id = addPrompt(doc, 'Digital exclusion', 15);
    updatePrompt(doc, id, { durationMinutes: 25 });
    setCurrentPrompt(doc, id);
    expect(readEvent(doc).prompts.at(-1)).toMatchObject({ text: 'Digital exclusion', durationMinutes: 25 });
    removePrompt(doc, id);
    expect(readEvent(doc).currentPromptId).toBeNull();
    expect(codeOf(() => addPrompt(doc, ''))).toBe('invalid_input');
  });

  it('adds and renames tables, refusing duplicate names', () => {
    const doc = freshEvent(2);
    const added = addTable(doc, 'Garden room');
    expect(codeOf(() => addTable(doc, 'garden ROOM'))).toBe('duplicate');
    expect(codeOf(() => renameTable(doc, 't1', 'Table 2'))).toBe('duplicate');
    renameTable(doc, 't1', 'Window table');
    expect(readEvent(doc).tables.map((table) => table.name)).toEqual(['Window table', 'Table 2', 'Garden room']);
    expect(added.id).toBe('t3');
  });

  it('locks one or all tables and explains why editing is blocked', () => {
    const doc = freshEvent(2);
    expect(tableEditBlockedReason(readEvent(doc), 't1')).toBeNull();
    setTableLocked(doc, 't1', true);
    expect(tableEditBlockedReason(readEvent(doc), 't1')).toMatch(/locked/);
    expect(tableEditBlockedCode(readEvent(doc), 't1')).toBe('table_locked');
    expect(tableEditBlockedReason(readEvent(doc), 't2')).toBeNull();
    expect(tableEditBlockedCode(readEvent(doc), 'gone')).toBe('table_removed');
    setTableLocked(doc, 'all', true);
    expect(readEvent(doc).tables.every((table) => table.locked)).toBe(true);
    setTableLocked(doc, 'all', false);
    setPhase(doc, 'closed');
    expect(tableEditBlockedReason(readEvent(doc), 't2')).toMatch(/closed/);
    expect(tableEditBlockedCode(readEvent(doc), 't2')).toBe('event_closed');
    expect(codeOf(() => setTableLocked(doc, 'zz', true))).toBe('not_found');
  });

  it('records seating features of a table', () => {
    const doc = freshEvent(2);
    setTableFeatures(doc, 't2', { stepFree: true, hasScribe: true });
    expect(readEvent(doc).tables.map((table) => [table.id, table.stepFree, table.hasScribe])).toEqual([
      ['t1', false, false],
      ['t2', true, true],
    ]);
    expect(codeOf(() => setTableFeatures(doc, 't2', { stepFree: 'yes' as never }))).toBe('invalid_input');
    expect(codeOf(() => setTableFeatures(doc, 't9', { stepFree: true }))).toBe('not_found');
  });

  it('records a hearing loop, a seat near the exit and the languages spoken at a table', () => {
    const doc = freshEvent(2);
    setTableFeatures(doc, 't1', { hearingLoop: true, nearExit: true, languages: ['Urdu', ' urdu ', 'Cymraeg'] });
    expect(readEvent(doc).tables[0]).toMatchObject({ hearingLoop: true, nearExit: true, languages: ['Urdu', 'Cymraeg'], stepFree: false });
    expect(readEvent(doc).tables[1]).toMatchObject({ hearingLoop: false, nearExit: false, languages: [] });
    const before = readEvent(doc).tables;
    expect(codeOf(() => setTableFeatures(doc, 't1', { languages: [''] }))).toBe('invalid_input');
    expect(codeOf(() => setTableFeatures(doc, 't1', { languages: Array(7).fill('Polish') }))).toBe('invalid_input');
    expect(codeOf(() => setTableFeatures(doc, 't1', { hearingLoop: 1 as never }))).toBe('invalid_input');
    expect(readEvent(doc).tables).toEqual(before);
  });

  it('spreads lived experience and carers first by default; the facilitator can change the list', () => {
    const doc = freshEvent();
    expect(readEvent(doc).priorityGroups).toEqual(['lived_experience', 'carer']);
    setPriorityGroups(doc, ['lived_experience', 'housing']);
    expect(readEvent(doc).priorityGroups).toEqual(['lived_experience', 'housing']);
    expect(codeOf(() => setPriorityGroups(doc, ['nobody_here']))).toBe('invalid_input');
    expect(codeOf(() => setPriorityGroups(doc, ['Not An Id']))).toBe('invalid_input');
    expect(readEvent(doc).priorityGroups).toEqual(['lived_experience', 'housing']);
    setPriorityGroups(doc, []);
    expect(readEvent(doc).priorityGroups).toEqual([]);
  });

  it('keeps the facilitator translations of prompts and group names, by language', () => {
    const doc = freshEvent();
    const prompt = readEvent(doc).prompts[0]!;
    setTranslation(doc, { locale: 'ur', kind: 'prompt', id: prompt.id, text: 'برادریاں اور روابط' });
    setTranslation(doc, { locale: 'cy', kind: 'group', id: 'carer', text: ' Gofalwyr a theulu ' });
    const event = readEvent(doc);
    expect(event.translations).toEqual({ ur: { prompts: { [prompt.id]: 'برادریاں اور روابط' }, groups: {} }, cy: { prompts: {}, groups: { carer: 'Gofalwyr a theulu' } } });
    expect(translatedText(event, 'ur', 'prompt', prompt.id, prompt.text)).toBe('برادریاں اور روابط');
    expect(translatedText(event, 'pl', 'prompt', prompt.id, prompt.text)).toBe(prompt.text);
    expect(codeOf(() => setTranslation(doc, { locale: 'Urdu!', kind: 'prompt', id: prompt.id, text: 'x' }))).toBe('invalid_input');
    expect(codeOf(() => setTranslation(doc, { locale: 'ur', kind: 'prompt', id: 'nope', text: 'x' }))).toBe('not_found');
    expect(codeOf(() => setTranslation(doc, { locale: 'ur', kind: 'group', id: 'nobody', text: 'x' }))).toBe('not_found');
    expect(codeOf(() => setTranslation(doc, { locale: 'ur', kind: 'prompt', id: prompt.id, text: 'x'.repeat(201) }))).toBe('invalid_input');
    expect(readEvent(doc).translations).toEqual(event.translations);
    setTranslation(doc, { locale: 'cy', kind: 'group', id: 'carer', text: '' });
    expect(readEvent(doc).translations.cy).toBeUndefined();
    doc.getMap('translations').set('junk', 42);
    expect(readEvent(doc).problems.map((problem) => problem.collection)).toContain('translations');
  });

  it('migrates an event made before priority voices and table attributes', () => {
    const doc = new Y.Doc();
    migrate(doc, 'event', MIGRATIONS.slice(0, 1));
    doc.getArray('groups').push([{ id: 'lived_experience', label: 'Lived experience' }, { id: 'carer', label: 'Carers' }]);
    doc.getMap('tables').set('t1', { id: 't1', name: 'Table 1', order: 0, locked: false, stepFree: true, hasScribe: false });
    expect(migrate(doc, 'event').applied).toEqual(['v2-table-theme-boards', 'v3-priority-voices-and-table-attributes']);
    expect(doc.getMap('tables').get('t1')).toEqual({
      id: 't1', name: 'Table 1', order: 0, locked: false, stepFree: true, hasScribe: false, hearingLoop: false, nearExit: false, languages: [],
    });
    expect(readEvent(doc).priorityGroups).toEqual(['lived_experience', 'carer']);
  });

  it('replaces vocabularies, refusing duplicate ids and empty lists', () => {
    const doc = freshEvent();
    setVocabulary(doc, 'groups', [{ id: 'carer', label: 'Carers' }, { id: 'peer', label: 'Peer workers' }]);
    expect(readEvent(doc).groups).toEqual([{ id: 'carer', label: 'Carers' }, { id: 'peer', label: 'Peer workers' }]);
    expect(codeOf(() => setVocabulary(doc, 'groups', [{ id: 'a', label: 'A' }, { id: 'a', label: 'B' }]))).toBe('duplicate');
    expect(codeOf(() => setVocabulary(doc, 'sectors', []))).toBe('invalid_input');
  });

  it('computes the timer from server time, so a device with a wrong clock still agrees', () => {
    const doc = freshEvent();
    const serverNow = 1_800_000_000_000;
    startTimer(doc, 10 * 60_000, serverNow);
    const timer = readEvent(doc).timer;
    expect(timerRemainingMs(timer, serverNow + 60_000)).toBe(9 * 60_000);
    expect(timerRemainingMs(timer, serverNow + 11 * 60_000)).toBe(0);
    expect(timerRemainingMs(null, serverNow)).toBeNull();
  });

  it('publishes consent counts by table and group, never who', () => {
    const doc = new Y.Doc();
    initEventDoc(doc, { eventId: 'e1', title: 'Consent', tableCount: 2 });
    publishConsentCounts(doc, 't1', { carer: 2, vcse: 1 });
    expect(readEvent(doc).consentByTable).toEqual({ t1: { carer: 2, vcse: 1 } });
    expect(() => publishConsentCounts(doc, 't1', { 'Not a group': 1 })).toThrow(ModelError);
    expect(readEvent(doc).consentByTable.t1).toEqual({ carer: 2, vcse: 1 });
  });
});
