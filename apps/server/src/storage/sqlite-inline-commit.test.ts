import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapUpdate, sleep, tempDir } from '../testing.ts';
import { InlineCommitter } from './sqlite-inline-commit.ts';
import { SqliteStore } from './sqlite-store.ts';

describe('InlineCommitter', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir.path, 'tablemap.sqlite');
    await new SqliteStore(path).close(); // creates the schema
  });
  afterEach(() => dir.remove());

  it('under back-to-back batches takes at most a tenth of the thread and leaves the rest to the writer thread; after a pause it commits again', async () => {
    const inline = new InlineCommitter(path);
    const batch = [{ name: 'table/e/t1', update: mapUpdate('notes', 'n', 'x'.repeat(200)) }];
    const started = performance.now();
    let committedMs = 0;
    let slowest = 0;
    let commits = 0;
    let turnedAway = 0;
    // A server flooded with edits asks before every batch; what it is refused goes to the writer thread.
    while (performance.now() - started < 600) {
      if (!inline.available) {
        turnedAway++;
        continue;
      }
      const before = performance.now();
      const seqs = inline.commit(batch);
      const took = performance.now() - before;
      if (seqs?.length !== 1) throw new Error(`an inline commit wrote nothing: ${String(seqs)}`);
      committedMs += took;
      slowest = Math.max(slowest, took);
      commits++;
    }
    const elapsed = performance.now() - started;
    expect(commits).toBeGreaterThan(0);
    expect(turnedAway).toBeGreaterThan(0);
    // The 20 ms saved up before the flood, a tenth of the time since, and the commit that overdrew it.
    expect(committedMs).toBeLessThanOrEqual(20 + elapsed * 0.1 + slowest);

    await sleep(250); // a quiet spell refills the budget
    expect(inline.available).toBe(true);
    inline.close();
  });
});
