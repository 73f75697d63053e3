import { describe, expect, it } from 'vitest';
import { OFF_THREAD_SYNC_SHARE, SyncShare } from './sqlite-inline-commit.ts';

/** Feeds `count` syncs of `syncMs`, one every `everyMs`, and returns the share just before the next one. */
function shareAfter(share: SyncShare, count: number, syncMs: number, everyMs: number): number {
  let now = 0;
  for (let index = 0; index < count; index++, now += everyMs) share.add(syncMs, now + syncMs);
  return share.at(now);
}

describe('SyncShare (when a sync leaves the sockets\' thread)', () => {
  it('keeps the syncs of a workshop\'s pace on the thread: 0.5 ms every 42 ms', () => {
    expect(shareAfter(new SyncShare(), 200, 0.5, 42)).toBeLessThan(OFF_THREAD_SYNC_SHARE);
  });

  it('sends them off once they would take more than a tenth of the thread: 0.5 ms every 2 ms', () => {
    const share = new SyncShare();
    expect(shareAfter(share, 200, 0.5, 2)).toBeGreaterThan(OFF_THREAD_SYNC_SHARE);
    expect(share.at(1000)).toBeLessThan(OFF_THREAD_SYNC_SHARE); // back on the thread once the burst is over
  });

  it('counts one slow sync at once: a 20 ms stall on a quiet server', () => {
    const share = new SyncShare();
    share.add(20, 100);
    expect(share.at(100)).toBeGreaterThan(OFF_THREAD_SYNC_SHARE);
  });
});
