import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SoakResult } from './soak.ts';

const SOAK = fileURLToPath(new URL('./soak.ts', import.meta.url));

describe('soak (CI size)', () => {
  it('waves of clients connect, edit and leave: docs unload, heap and RSS after GC stay within 10% from the 2nd wave on', async () => {
    // Its own process, so the figures are the soak's alone (and --expose-gc is available). The young
    // generation is fixed in size so V8 growing it mid-run does not read as a leak.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16', SOAK, '--waves', '4', '--clients', '24', '--json'],
      // Two malloc arenas: V8's helper threads otherwise each grow their own, and RSS moves in steps.
      { timeout: 60_000, env: { ...process.env, MALLOC_ARENA_MAX: '2' } },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      // The script exits 1 when growth is over the limit; the assertions below say by how much.
      if (error.stdout) return { stdout: error.stdout };
      throw new Error(`soak failed: ${error.stderr ?? String(error)}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as SoakResult;
    console.log(result.waves.map((wave) => `wave ${wave.wave}: heap ${wave.heapMiB} MiB, RSS ${wave.rssMiB} MiB`).join('; '));
    expect(result.waves).toHaveLength(4);
    for (const wave of result.waves) {
      expect(wave.loadedDocs).toBe(0);
      expect(wave.connections).toBe(0);
      expect(wave.edits).toBeGreaterThan(0);
    }
    expect(result.heapGrowth).toBeLessThanOrEqual(0.1);
    expect(result.rssGrowth).toBeLessThanOrEqual(0.1);
  }, 90_000);
});
