import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Written by a running server (`main.ts`) so a restore can refuse to replace the database under it. */
export const PID_FILE = 'server.pid';

export async function writePidFile(dataDir: string): Promise<void> {
  await writeFile(join(dataDir, PID_FILE), `${process.pid}\n`);
}

export async function removePidFile(dataDir: string): Promise<void> {
  await unlink(join(dataDir, PID_FILE)).catch(() => {});
}

/** The pid of a live server using `dataDir`, or null (no file, or a stale one left by a crash). */
export async function runningServerPid(dataDir: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(join(dataDir, PID_FILE), 'utf8')).trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
