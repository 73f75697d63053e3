import { describe, expect, it } from 'vitest';
import { memoryStore } from './memory-store.ts';
import { clearDraft, loadDraft, saveDraft } from './drafts.ts';
import type { Session } from './session.ts';

const session: Session = { token: 'header.payload.signature', eventId: 'ev1abc', tableId: 't1', participantId: 'p1abc', group: 'carer', role: 'participant' };
const organisation = { editingId: null, name: 'Riverside Mi', sector: 'nhs', size: '' as const, locality: '', remit: '' };

describe('drafts', () => {
  it('keeps a half-typed organisation and note per table and per join', () => {
    const store = memoryStore();
    saveDraft('organisation', session, organisation, store);
    saveDraft('note', session, { text: 'Waiting lists are', kind: 'gap', organisationIds: [] }, store);
    expect(loadDraft('organisation', session, store)).toEqual(organisation);
    expect(loadDraft('note', session, store)?.text).toBe('Waiting lists are');
    expect(loadDraft('organisation', { ...session, tableId: 't2' }, store)).toBeNull();
    expect(loadDraft('organisation', { ...session, participantId: 'p2abc' }, store)).toBeNull();
    clearDraft('organisation', session, store);
    expect(loadDraft('organisation', session, store)).toBeNull();
    expect(loadDraft('note', session, store)).not.toBeNull();
  });

  it('forgets a draft that was tampered with or is not JSON, instead of failing', () => {
    const store = memoryStore();
    saveDraft('note', session, { text: 'x', kind: 'idea', organisationIds: [] }, store);
    const [key] = [...store.data.keys()];
    store.setItem(key!, JSON.stringify({ text: 42, kind: 'rant' }));
    expect(loadDraft('note', session, store)).toBeNull();
    expect(store.data.has(key!)).toBe(false);
    store.setItem(key!, '{not json');
    expect(loadDraft('note', session, store)).toBeNull();
  });

  it('does not store a draft far beyond the limit (e.g. a huge paste)', () => {
    const store = memoryStore();
    saveDraft('note', session, { text: 'x'.repeat(50_000), kind: 'idea', organisationIds: [] }, store);
    expect(store.data.size).toBe(0);
  });
});
