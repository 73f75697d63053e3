import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './phone-group.ts';
import { distribution, type Distribution } from './stats.ts';

/** One WAL frame's worth: SQLite writes 4 KiB pages. */
const WRITE_BYTES = 4096;

/**
 * What durability alone costs on this disk: a 4 KiB write and fdatasync into a file in the directory the
 * durable target keeps its data in, paced like the benchmark's edits. Measured beside the runs, it says how
 * much of Tablemap's lead over classic (which keeps nothing) is the disk: a virtual disk that sits idle
 * between syncs answers slower than one kept busy, so the pacing matters.
 */
export async function measureDiskSync(options: { samples: number; intervalMs: number; dir?: string }): Promise<Distribution> {
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'tablemap-disk-sync-'));
  const fd = openSync(join(dir, 'probe'), 'w');
  const page = Buffer.alloc(WRITE_BYTES, 1);
  const timings: number[] = [];
  try {
    for (let index = 0; index < options.samples; index++) {
      const started = performance.now();
      writeSync(fd, page, 0, page.length, index * WRITE_BYTES);
      fdatasyncSync(fd);
      timings.push(performance.now() - started);
      await sleep(options.intervalMs);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return distribution(timings);
}
