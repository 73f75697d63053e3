import { writeFileAtomic } from '../files.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ModelError } from '@tablemap/model';
import { openDataDir, storeSource, type DocSource } from '../reports/doc-source.ts';

/** A mistake in how the command was called: printed with the usage line, exit code 2. */
export class UsageError extends ModelError<'usage'> {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function parseCli<const T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Opens the server's data directory read-only in spirit: we only ever SELECT. The SQLite file is in WAL
 * mode, so this works while the server is running, and sees every change it has acknowledged. The
 * handle is not closed with the store's checkpointing close(), which could wait on a running server;
 * the process exits right after.
 */
export function openDocs(dataDir: string | undefined, env: NodeJS.ProcessEnv): DocSource {
  return storeSource(openDataDir(dataDir ?? (env.DATA_DIR || './data')));
}

/** Writes through a temporary file and renames, so a failed run never leaves half a file behind. */
export async function writeOutput(path: string, body: Uint8Array | string): Promise<void> {
  await writeFileAtomic(path, body);
}

/** Runs a command, turning known errors into a message and an exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(usage: string, io: CliIo, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n${usage}\n`);
      return 2;
    }
    // A refusal with a code (bad data, unknown event, missing database) is for the operator; anything else is a bug.
    const known = error instanceof ModelError;
    io.stderr(known ? `${error.message}\n` : `Failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

/**
 * The command line reads the database directly, so it records its own downloads that can hold personal
 * data in the event's access log (who: the operator at the command line). Unknown events are not logged.
 */
export async function logOperatorAccess(docs: DocSource, eventId: string, what: string, options: Record<string, unknown>): Promise<void> {
  if (!docs.recordAccess || !(await docs.findEvent(eventId))) return;
  await docs.recordAccess(eventId, { at: Date.now(), role: 'operator', tokenId: 'command-line', what, options });
}
