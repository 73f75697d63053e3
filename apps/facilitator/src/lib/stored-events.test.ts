import { describe, expect, it } from 'vitest';
import { facilitatorLink, findKnownEvent, forgetEvent, listKnownEvents, projectorLink, projectorSecrets, readHashSecrets, rememberEvent, rememberProjectorSecrets, type KeyValueStore } from './stored-events.ts';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const TOKEN = 'header.payload.signature';

describe('known events on this browser', () => {
  it('remembers an event and merges later details without losing earlier ones', () => {
    const store = memoryStore();
    rememberEvent(store, { eventId: 'ev1', title: 'Sefton', facilitatorToken: TOKEN, joinCode: 'ABC234', observerToken: 'obs.token.x' });
    rememberEvent(store, { eventId: 'ev1', facilitatorToken: TOKEN });
    const known = findKnownEvent(store, 'ev1');
    expect(known).toMatchObject({ title: 'Sefton', joinCode: 'ABC234', observerToken: 'obs.token.x' });
    forgetEvent(store, 'ev1');
    expect(listKnownEvents(store)).toEqual([]);
  });

  it('ignores corrupt or hand-edited storage instead of crashing', () => {
    const store = memoryStore({ 'tablemap:facilitator:events': '[{"eventId":"../x","facilitatorToken":1},"junk",{"eventId":"ok1","title":"Fine","facilitatorToken":"aaaaaaaaaaaa","savedAt":1}]' });
    expect(listKnownEvents(store).map((event) => event.eventId)).toEqual(['ok1']);
    expect(listKnownEvents(memoryStore({ 'tablemap:facilitator:events': '{not json' }))).toEqual([]);
  });

  it('refuses to store an event id that could escape the URL path', () => {
    expect(() => rememberEvent(memoryStore(), { eventId: '../admin', facilitatorToken: TOKEN })).toThrow();
  });
});

describe('links and the URL fragment', () => {
  it('round-trips the facilitator link secrets through the fragment', () => {
    const store = memoryStore();
    const known = rememberEvent(store, { eventId: 'ev2', title: 'T', facilitatorToken: TOKEN, joinCode: 'XYZ789', observerToken: 'obs.tok.en' });
    const link = facilitatorLink('http://192.168.1.5:3000', known);
    expect(link.startsWith('http://192.168.1.5:3000/facilitate/ev2#')).toBe(true);
    expect(readHashSecrets(new URL(link).hash)).toEqual({ token: TOKEN, joinCode: 'XYZ789', observerToken: 'obs.tok.en' });
  });

  it('treats an empty fragment as carrying nothing', () => {
    expect(readHashSecrets('')).toEqual({ token: undefined, joinCode: undefined, observerToken: undefined });
    expect(readHashSecrets('#token=')).toEqual({ token: undefined, joinCode: undefined, observerToken: undefined });
  });
});

describe('projector secrets', () => {
  it('keep the join code with the token, and still read a bare token stored by an older version', () => {
    const store = memoryStore();
    rememberProjectorSecrets(store, 'ev1', { token: 'tok', joinCode: 'K7PM3Q' });
    expect(projectorSecrets(store, 'ev1')).toEqual({ token: 'tok', joinCode: 'K7PM3Q' });
    store.setItem('tablemap:projector:ev2', 'bare-token');
    expect(projectorSecrets(store, 'ev2')).toEqual({ token: 'bare-token' });
    expect(projectorSecrets(store, 'ev3')).toBeNull();
    expect(projectorLink('https://x.test', 'ev1', 'tok', 'K7PM3Q')).toBe('https://x.test/facilitate/ev1/projector#token=tok&code=K7PM3Q');
  });
});
