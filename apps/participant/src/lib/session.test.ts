import { describe, expect, it } from 'vitest';
import { memoryStore } from './memory-store.ts';
import { clearSession, loadSession, saveSession, sessionFromScribeToken, type Session } from './session.ts';
import { normaliseJoinCode } from './api.ts';

const session: Session = {
  token: 'header.payload.signature',
  eventId: 'ev1abc',
  tableId: 't1',
  participantId: 'p1xyz',
  group: 'carer',
  role: 'participant',
  joinCode: 'K7PM3Q',
};

function fakeJwt(claims: object): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${encode({ alg: 'HS256' })}.${encode(claims)}.sig`;
}

describe('session storage', () => {
  it('round-trips a session and clears it on leave', () => {
    const store = memoryStore();
    saveSession(session, store);
    expect(loadSession(store)).toEqual(session);
    clearSession(store);
    expect(loadSession(store)).toBeNull();
  });

  it('treats malformed or tampered data as no session', () => {
    const store = memoryStore();
    store.setItem('tablemap:session', '{not json');
    expect(loadSession(store)).toBeNull();
    store.setItem('tablemap:session', JSON.stringify({ ...session, group: 'Not A Group!' }));
    expect(loadSession(store)).toBeNull();
  });

  it('refuses to save an invalid session', () => {
    expect(() => saveSession({ ...session, tableId: '../etc' }, memoryStore())).toThrow();
  });
});

describe('scribe links', () => {
  it('reads a scribe token into a session for its table', () => {
    const token = fakeJwt({ eventId: 'ev1abc', role: 'scribe', tableId: 't3', group: 'other', participantId: 'sc1' });
    expect(sessionFromScribeToken(token)).toMatchObject({ role: 'scribe', tableId: 't3', group: 'other', token });
  });

  it('refuses participant or facilitator tokens and garbage', () => {
    expect(sessionFromScribeToken(fakeJwt({ eventId: 'ev1abc', role: 'facilitator', participantId: 'f1' }))).toBeNull();
    expect(sessionFromScribeToken('garbage')).toBeNull();
    expect(sessionFromScribeToken('a.!!!.c')).toBeNull();
  });
});

describe('small helpers', () => {
  it('normalises typed join codes', () => {
    expect(normaliseJoinCode(' k7p-m3q ')).toBe('K7PM3Q');
  });
});
