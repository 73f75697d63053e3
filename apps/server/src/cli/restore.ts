#!/usr/bin/env node
/**
 * node apps/server/src/cli/restore.ts <backup-file> [--data-dir DIR]   (or: pnpm restore <backup-file>)
 *
 * Replaces DATA_DIR's database with a backup, with the server stopped. Events deleted since the backup
 * (listed in DATA_DIR/deletions.json) are removed from it again before it takes the live file's place.
 */
import { RestoreError, restoreBackup } from '../backup/restore.ts';
import { UsageError, parseCli, processIo, runCli, type CliIo } from './common.ts';

export const RESTORE_USAGE = 'Usage: pnpm restore <backup-file> [--data-dir DIR]   (the server must be stopped)';

export function restoreCli(args: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo): Promise<number> {
  return runCli(RESTORE_USAGE, io, async () => {
    const { values, positionals } = parseCli(args, {});
    if (values.help) return void io.stdout(`${RESTORE_USAGE}\n`);
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new UsageError('Give exactly one backup file.');
    if (env.DATABASE_URL) throw new RestoreError('not_sqlite', 'DATABASE_URL is set: this server keeps its data in PostgreSQL. Restore with pg_restore (see docs/deploy.md).');
    const dataDir = values['data-dir'] ?? (env.DATA_DIR || './data');
    const outcome = await restoreBackup({ file, dataDir });
    io.stdout(
      [
        `Restored ${file} into ${dataDir} (${outcome.events} event${outcome.events === 1 ? '' : 's'}).`,
        outcome.deletionsReapplied > 0 ? `Removed again ${outcome.deletionsReapplied} event(s) deleted after this backup was taken.` : '',
        outcome.rosterReductionsReapplied > 0 ? `${outcome.rosterReductionsReapplied} roster(s) will be reduced to counts again when the server starts.` : '',
        outcome.withdrawalsReapplied > 0 ? `${outcome.withdrawalsReapplied} participant(s) who withdrew since will be removed again when the server starts.` : '',
        outcome.previous ? `The database as it was before is kept at ${outcome.previous}.` : '',
        'Start the server again when ready.',
      ]
        .filter(Boolean)
        .join('\n') + '\n',
    );
  });
}

if (import.meta.main) process.exitCode = await restoreCli(process.argv.slice(2));
