import { describe, expect, it } from 'vitest';
import { describeConnection } from './connection.ts';

const base = { pendingChanges: 0, closeCode: null, closeReason: '' };

describe('describeConnection', () => {
  it('says live when synced', () => {
    expect(describeConnection({ ...base, status: 'live' }).label).toBe('Live');
  });
  it('counts the changes waiting while offline', () => {
    const result = describeConnection({ ...base, status: 'offline', pendingChanges: 3 });
    expect(result.label).toBe('Offline · 3 changes waiting');
    expect(result.tone).toBe('warn');
  });
  it('uses the singular for one change', () => {
    expect(describeConnection({ ...base, status: 'reconnecting', pendingChanges: 1 }).label).toBe('Reconnecting · 1 change waiting');
  });
  it('explains a locked table refusal', () => {
    const result = describeConnection({ ...base, status: 'refused', closeCode: 4423 });
    expect(result.detail).toMatch(/read-only/);
    expect(result.tone).toBe('error');
  });
  it('says when the event has been deleted', () => {
    expect(describeConnection({ ...base, status: 'refused', closeCode: 4410 }).detail).toBe('This event has been deleted.');
  });
});
