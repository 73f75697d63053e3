/**
 * Editions benchmark: `pnpm --filter @tablemap/report bench:editions -- --size full [--check]`.
 * Every edition an organiser downloads when the event closes (the PDF, the accessible HTML, the Word
 * file and the easy-read summary as PDF and HTML) for a synthetic event, with a narrative.
 * Goals at full size (50 tables): all editions in under 10 s in total, HTML under 2 MB, DOCX under 5 MB.
 * `--check` judges the goals at full size (exit 1 on a miss, 3 when the machine is too busy for a time
 * verdict); `--record` keeps the run in benchmarks/results/ (see @tablemap/bench-kit).
 */
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import { renderEasyReadHtml, renderEasyReadPdf } from './easy-read.ts';
import { renderReport, renderReportDocx, renderReportHtml } from './report.ts';
import { SYNTHETIC_SIZES, syntheticSnapshot } from './synthetic.ts';
import type { ReportSnapshot } from './types.ts';

const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const sizeName = argument('--size') ?? 'full';
if (sizeName !== 'ci' && sizeName !== 'full') {
  console.error(`Unknown --size "${sizeName}"; use ci or full.`);
  process.exit(2);
}
const size = SYNTHETIC_SIZES[sizeName];
const run = new BenchRun({ bench: 'report-editions', size: sizeName, ...benchFlags() });
const GOALS = { seconds: 10, htmlMb: 2, docxMb: 5 };

function withNarrative(snapshot: ReportSnapshot): ReportSnapshot {
  const paragraph = (text: string) => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] });
  const themes = snapshot.synthesis?.themes ?? [];
  const firstNote = snapshot.tables[0]?.notes[0];
  return {
    ...snapshot,
    narrative: {
      sections: {
        introduction: { type: 'doc', content: [paragraph('This report brings together what the tables mapped and said. '.repeat(20)), ...(firstNote ? [{ type: 'noteQuote' as const, attrs: { noteId: firstNote.id } }] : [])] },
        acknowledgements: { type: 'doc', content: [paragraph('Thanks to everyone who took part.')] },
      },
      recommendations: themes.slice(0, 6).map((theme, index) => ({ id: `rec${index}`, text: `Act on ${theme.title}`, themeIds: [theme.id], order: index })),
      easyRead: [],
    },
  };
}

const snapshot = withNarrative(syntheticSnapshot(size));
// One warm-up of each edition loads fonts and JIT-compiles, as a long-running server would have done.
const warm = withNarrative(syntheticSnapshot(SYNTHETIC_SIZES.ci, 2));
await renderReport(warm);
await renderReportDocx(warm);
renderReportHtml(warm);
await renderEasyReadPdf(warm);

const timings: [string, number, number][] = [];
async function timed<T extends Uint8Array | string>(name: string, work: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const bytes = typeof result === 'string' ? Buffer.byteLength(result) : result.byteLength;
  timings.push([name, (performance.now() - started) / 1000, bytes / 1024 / 1024]);
  return result;
}

await run.waitForQuiet();
run.startMeasuring();
const cpuBefore = process.cpuUsage();
await timed('PDF', () => renderReport(snapshot));
const html = await timed('HTML', () => renderReportHtml(snapshot));
const docx = await timed('DOCX', () => renderReportDocx(snapshot));
await timed('easy-read PDF', () => renderEasyReadPdf(snapshot));
await timed('easy-read HTML', () => renderEasyReadHtml(snapshot));
const cpu = process.cpuUsage(cpuBefore);
const total = timings.reduce((sum, [, seconds]) => sum + seconds, 0);
const htmlMb = Buffer.byteLength(html) / 1024 / 1024;
const docxMb = docx.byteLength / 1024 / 1024;

console.log(`editions bench (${sizeName}): ${size.tables} tables, ${size.notes} notes, ${size.organisations} organisations, ${size.links} links, ${size.themes} themes`);
for (const [name, seconds, megabytes] of timings) console.log(`  ${name.padEnd(15)} ${seconds.toFixed(2)} s  ${megabytes.toFixed(2)} MB`);
console.log(`all editions: ${total.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (goal < ${GOALS.seconds} s)`);
console.log(`HTML ${htmlMb.toFixed(2)} MB (goal < ${GOALS.htmlMb} MB); DOCX ${docxMb.toFixed(2)} MB (goal < ${GOALS.docxMb} MB)`);
for (const [name, seconds, megabytes] of timings) {
  run.figure(`${name} time`, seconds, 's');
  run.figure(`${name} size`, megabytes, 'MB');
}
run.figure('all editions, CPU', (cpu.user + cpu.system) / 1e6, 's');
run.details({ size });
run.goal({ name: 'every edition of a 50-table event', size: 'full', limit: GOALS.seconds, unit: 's' }, total);
run.goal({ name: 'HTML edition size', size: 'full', limit: GOALS.htmlMb, unit: 'MB', loadIndependent: true }, htmlMb);
run.goal({ name: 'DOCX edition size', size: 'full', limit: GOALS.docxMb, unit: 'MB', loadIndependent: true }, docxMb);
run.finish();
