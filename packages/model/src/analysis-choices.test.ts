import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  clearMatchDecision,
  linkEarlierEvent,
  LINKED_EVENT_ROOT,
  MAX_PINNED_ROUTES,
  MATCH_DECISION_ROOT,
  PINNED_ROUTE_ROOT,
  pinRoute,
  readLinkedEvent,
  readMatchDecisions,
  readPinnedRoutes,
  setMatchDecision,
  unlinkEarlierEvent,
  unpinRoute,
} from './analysis-choices.ts';
import { ModelError } from './errors.ts';
import { checkUpdate } from './update-check.ts';
import { migrate } from './versions.ts';

const facilitator = { role: 'facilitator' as const, participantId: 'f1' };
const question = { id: 'q1', between: 'organisations' as const, from: 'name:eastfield gp', to: 'name:crisis housing', fromName: 'Eastfield GP', toName: 'Crisis Housing', kinds: ['refers_to' as const], directed: false, maxLength: 4, pinnedAt: 1000 };

/** Two laptops and the server, as Yjs sees them: what one writes, the other reads after the sync. */
function laptops() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (update: Uint8Array) => Y.applyUpdate(b, update));
  b.on('update', (update: Uint8Array) => Y.applyUpdate(a, update));
  return { a, b };
}

describe('match decisions for change over time', () => {
  it('reads back "same" as a confirmed match and "different" as kept apart, per earlier event, on another laptop', () => {
    const { a, b } = laptops();
    setMatchDecision(a, { earlierEvent: 'event:last-year', earlierId: 'name:eastfield surgery', decision: 'same', currentId: 'name:eastfield gp' });
    setMatchDecision(a, { earlierEvent: 'event:last-year', earlierId: 'name:riverside housing', decision: 'different' });
    setMatchDecision(a, { earlierEvent: 'file:kumu.json', earlierId: 'name:eastfield surgery', decision: 'different' });
    expect(readMatchDecisions(b, 'event:last-year')).toMatchObject({ confirmed: { 'name:eastfield surgery': 'name:eastfield gp' }, separate: ['name:riverside housing'] });
    expect(readMatchDecisions(b, 'file:kumu.json')).toMatchObject({ confirmed: {}, separate: ['name:eastfield surgery'] });
    expect(readMatchDecisions(b, 'event:other')).toEqual({ confirmed: {}, separate: [], decisions: [] });
  });

  it('replaces a decision about the same organisation, and undoes it', () => {
    const { a, b } = laptops();
    setMatchDecision(a, { earlierEvent: 'event:e1', earlierId: 'name:x', decision: 'same', currentId: 'name:y' });
    setMatchDecision(b, { earlierEvent: 'event:e1', earlierId: 'name:x', decision: 'different' });
    expect(readMatchDecisions(a, 'event:e1')).toMatchObject({ confirmed: {}, separate: ['name:x'] });
    expect(readMatchDecisions(a, 'event:e1').decisions).toHaveLength(1);
    clearMatchDecision(a, 'event:e1', 'name:x');
    expect(readMatchDecisions(b, 'event:e1')).toEqual({ confirmed: {}, separate: [], decisions: [] });
  });

  it('refuses a "same" decision without the current organisation, leaving the doc unchanged', () => {
    const doc = new Y.Doc();
    expect(() => setMatchDecision(doc, { earlierEvent: 'event:e1', earlierId: 'name:x', decision: 'same' } as never)).toThrow(ModelError);
    expect(() => setMatchDecision(doc, { earlierEvent: '', earlierId: 'name:x', decision: 'different' })).toThrow(/the earlier event is required/);
    expect(doc.share.has(MATCH_DECISION_ROOT)).toBe(false);
  });

  it('does not create the root when read', () => {
    const doc = new Y.Doc();
    readMatchDecisions(doc, 'event:e1');
    readPinnedRoutes(doc);
    expect(doc.share.size).toBe(0);
  });
});

describe('pinned route questions', () => {
  it('lists questions in the order they were pinned, on another laptop, and removes one', () => {
    const { a, b } = laptops();
    pinRoute(a, { ...question, id: 'q2', pinnedAt: 2000, between: 'sectors', from: 'primary_care', to: 'housing', fromName: 'Primary care', toName: 'Housing', kinds: [] });
    pinRoute(a, question);
    expect(readPinnedRoutes(b).map((route) => route.id)).toEqual(['q1', 'q2']);
    expect(readPinnedRoutes(b)[0]).toEqual(question);
    unpinRoute(b, 'q1');
    expect(readPinnedRoutes(a).map((route) => route.id)).toEqual(['q2']);
  });

  it('refuses a malformed question, a route with the same two ends, and more than the limit', () => {
    const doc = new Y.Doc();
    expect(() => pinRoute(doc, { ...question, maxLength: 9 })).toThrow(/at most 8 steps/);
    expect(() => pinRoute(doc, { ...question, kinds: ['teleports' as never] })).toThrow(/known relationship kinds/);
    expect(() => pinRoute(doc, { ...question, to: question.from })).toThrow(/two different ends/);
    expect(readPinnedRoutes(doc)).toEqual([]);
    for (let i = 0; i < MAX_PINNED_ROUTES; i++) pinRoute(doc, { ...question, id: `q${i}` });
    expect(() => pinRoute(doc, { ...question, id: 'one-more' })).toThrow(expect.objectContaining({ code: 'pin_limit' }));
    pinRoute(doc, { ...question, id: 'q0', maxLength: 2 });
    expect(readPinnedRoutes(doc)).toHaveLength(MAX_PINNED_ROUTES);
  });

  it('skips a malformed entry written straight into the doc', () => {
    const doc = new Y.Doc();
    pinRoute(doc, question);
    doc.getMap(PINNED_ROUTE_ROOT).set('bad', { id: 'bad', between: 'planets' });
    expect(readPinnedRoutes(doc).map((route) => route.id)).toEqual(['q1']);
  });
});

describe('the earlier event this event is linked to', () => {
  it('reads the link back on another laptop, replaces it, and removes it (keeping the match decisions)', () => {
    const { a, b } = laptops();
    expect(readLinkedEvent(b)).toBeNull();
    linkEarlierEvent(a, 'now', { eventId: 'last-year', title: '  Learning exchange 2025 ' });
    expect(readLinkedEvent(b)).toEqual({ eventId: 'last-year', title: 'Learning exchange 2025' });
    setMatchDecision(b, { earlierEvent: 'event:last-year', earlierId: 'name:x', decision: 'different' });
    linkEarlierEvent(b, 'now', { eventId: 'two-years-ago', title: 'Learning exchange 2024' });
    expect(readLinkedEvent(a)).toEqual({ eventId: 'two-years-ago', title: 'Learning exchange 2024' });
    unlinkEarlierEvent(a);
    expect(readLinkedEvent(b)).toBeNull();
    expect(readMatchDecisions(b, 'event:last-year').separate).toEqual(['name:x']);
  });

  it('refuses a malformed id, an empty or over-long title, a token, and the event itself, leaving the doc unchanged', () => {
    const doc = new Y.Doc();
    expect(() => linkEarlierEvent(doc, 'now', { eventId: '../other', title: 'x' })).toThrow(/id is malformed/);
    expect(() => linkEarlierEvent(doc, 'now', { eventId: 'e1', title: '   ' })).toThrow(/title is required/);
    expect(() => linkEarlierEvent(doc, 'now', { eventId: 'e1', title: 'x'.repeat(201) })).toThrow(/title is too long/);
    expect(() => linkEarlierEvent(doc, 'now', { eventId: 'e1', title: 'x', facilitatorToken: 'secret-token' } as never)).toThrow(ModelError);
    expect(() => linkEarlierEvent(doc, 'now', { eventId: 'now', title: 'This event' })).toThrow(/cannot be compared with itself/);
    expect(doc.share.has(LINKED_EVENT_ROOT)).toBe(false);
    linkEarlierEvent(doc, 'now', { eventId: 'e1', title: 'Kept' });
    expect(() => linkEarlierEvent(doc, 'now', { eventId: '', title: 'x' })).toThrow(ModelError);
    expect(readLinkedEvent(doc)).toEqual({ eventId: 'e1', title: 'Kept' });
  });

  it('reads a malformed stored link as no link, and removing a missing link changes nothing', () => {
    const doc = new Y.Doc();
    unlinkEarlierEvent(doc);
    expect(doc.share.size).toBe(0);
    doc.getMap(LINKED_EVENT_ROOT).set('earlier', { eventId: 'e1' });
    expect(readLinkedEvent(doc)).toBeNull();
  });
});

describe('the server’s check of a report-doc update', () => {
  function update(write: (doc: Y.Doc) => void) {
    const server = new Y.Doc();
    migrate(server, 'report');
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const before = Y.encodeStateVector(client);
    write(client);
    return checkUpdate(server, 'report', Y.encodeStateAsUpdate(client, before), facilitator);
  }

  it('accepts decisions and questions written through the model', () => {
    expect(update((doc) => setMatchDecision(doc, { earlierEvent: 'event:e1', earlierId: 'name:x', decision: 'same', currentId: 'name:y' })).ok).toBe(true);
    expect(update((doc) => pinRoute(doc, question)).ok).toBe(true);
    expect(update((doc) => linkEarlierEvent(doc, 'now', { eventId: 'e1', title: 'Last year' })).ok).toBe(true);
    expect(update((doc) => unlinkEarlierEvent(doc)).ok).toBe(true);
  });

  it('refuses a malformed decision or question written straight into the doc', () => {
    expect(update((doc) => doc.getMap(MATCH_DECISION_ROOT).set('k', { earlierEvent: 'e', earlierId: 'x', decision: 'maybe' }))).toMatchObject({ ok: false, code: 'bad_shape' });
    expect(update((doc) => doc.getMap(MATCH_DECISION_ROOT).set('k', { earlierEvent: 'e', earlierId: 'x', decision: 'different', extra: '<script>' }))).toMatchObject({ ok: false, code: 'bad_shape' });
    expect(update((doc) => doc.getMap(PINNED_ROUTE_ROOT).set('q1', { ...question, maxLength: 99 }))).toMatchObject({ ok: false, code: 'bad_shape' });
  });

  it('refuses a link carrying a token, under another key, or without a title', () => {
    expect(update((doc) => doc.getMap(LINKED_EVENT_ROOT).set('earlier', { eventId: 'e1', title: 'Last year', facilitatorToken: 'eyJ.secret' }))).toMatchObject({ ok: false, code: 'bad_shape' });
    expect(update((doc) => doc.getMap(LINKED_EVENT_ROOT).set('second', { eventId: 'e1', title: 'Last year' }))).toMatchObject({ ok: false, code: 'bad_shape' });
    expect(update((doc) => doc.getMap(LINKED_EVENT_ROOT).set('earlier', { eventId: 'e1' }))).toMatchObject({ ok: false, code: 'bad_shape' });
  });
});
