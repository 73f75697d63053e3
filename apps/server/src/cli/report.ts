#!/usr/bin/env node
/**
 * node apps/server/src/cli/report.ts <eventId> --out report.pdf [--sections a,b,c] [--include-attendees] [--data-dir DIR]
 *
 * Renders the post-event report from DATA_DIR (or --data-dir) directly, with or without the server running.
 */
import { reportPdf, parseSections } from '../reports/outputs.ts';
import { UsageError, logOperatorAccess, openDocs, parseCli, processIo, runCli, writeOutput, type CliIo } from './common.ts';

export const REPORT_USAGE =
  'Usage: node apps/server/src/cli/report.ts <eventId> --out report.pdf [--sections cover,at-a-glance,…] [--include-attendees] [--data-dir DIR]';

export function reportCli(args: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo): Promise<number> {
  return runCli(REPORT_USAGE, io, async () => {
    const { values, positionals } = parseCli(args, {
      out: { type: 'string', short: 'o' },
      sections: { type: 'string' },
      'include-attendees': { type: 'boolean' },
    });
    if (values.help) return void io.stdout(`${REPORT_USAGE}\n`);
    const [eventId, ...extra] = positionals;
    if (!eventId || extra.length > 0) throw new UsageError('Give exactly one event id.');
    if (!values.out) throw new UsageError('Say where to write the PDF with --out.');
    const sections = parseSections(values.sections);
    const docs = openDocs(values['data-dir'], env);
    const includeAttendeeList = values['include-attendees'] === true;
    if (includeAttendeeList) await logOperatorAccess(docs, eventId, 'report.pdf', { includeAttendeeList, sections });
    const pdf = await reportPdf(eventId, docs, { sections, includeAttendeeList });
    await writeOutput(values.out, pdf.body);
    io.stdout(`Wrote ${values.out} (${Math.round(pdf.body.length / 1024)} KB)\n`);
  });
}

if (import.meta.main) process.exitCode = await reportCli(process.argv.slice(2));
