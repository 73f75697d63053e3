/**
 * Starts the real Tablemap server (with the built apps) on a free port and an empty data directory, for the
 * benchmark and the screenshot script. Build the participant app first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


const require = createRequire(import.meta.url);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `PORT` from the environment if set (a port the caller owns), else a free one. */
export async function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
  const child = spawn(process.execPath, [require.resolve('@tablemap/server/main')], {
    env: { ...process.env, PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'tablemap-participant-')), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const base = `http://localhost:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('The server did not start');
}
