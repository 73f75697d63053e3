#!/usr/bin/env node
/**
 * node apps/server/src/cli/export.ts <eventId> --format json|gexf|graphml|directory-csv|hsds|codebook-csv|qdc --out FILE [--data-dir DIR]
 *
 * Exports an event from DATA_DIR (or --data-dir) directly, with or without the server running.
 */
import { EXPORT_FORMATS, exportFile, parseExportFormat } from '../reports/outputs.ts';
import { UsageError, logOperatorAccess, openDocs, parseCli, processIo, runCli, writeOutput, type CliIo } from './common.ts';

export const EXPORT_USAGE = `Usage: node apps/server/src/cli/export.ts <eventId> --format ${EXPORT_FORMATS.join('|')} --out FILE [--data-dir DIR]`;

export function exportCli(args: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo): Promise<number> {
  return runCli(EXPORT_USAGE, io, async () => {
    const { values, positionals } = parseCli(args, {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
    });
    if (values.help) return void io.stdout(`${EXPORT_USAGE}\n`);
    const [eventId, ...extra] = positionals;
    if (!eventId || extra.length > 0) throw new UsageError('Give exactly one event id.');
    if (!values.format) throw new UsageError('Choose a format with --format.');
    if (!values.out) throw new UsageError('Say where to write the file with --out.');
    const format = parseExportFormat(values.format);
    const docs = openDocs(values['data-dir'], env);
    // The JSON backup holds the roster and hidden notes; the other formats hold neither.
    if (format === 'json') await logOperatorAccess(docs, eventId, 'export.json', { format });
    const file = await exportFile(eventId, docs, format);
    await writeOutput(values.out, file.body);
    io.stdout(`Wrote ${values.out} (${format})\n`);
  });
}

if (import.meta.main) process.exitCode = await exportCli(process.argv.slice(2));
