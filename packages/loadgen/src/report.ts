import { formatSpread } from '@tablemap/bench-kit';
import type { BenchReport } from './bench.ts';
import type { LoadResult } from './run-load.ts';

type Row = [string, ...string[]];

const fmt = (value: number | null | undefined, unit = '') => (value === null || value === undefined ? '—' : `${value.toLocaleString('en-GB')}${unit}`);
const kb = (bytes: number) => `${(bytes / 1024).toLocaleString('en-GB', { maximumFractionDigits: 1 })} KiB`;

/** The side-by-side table printed at the end of a run. */
export function formatReport(report: BenchReport): string {
  const runs = medianRuns(report.runs);
  const rows: Row[] = [
    ['', ...runs.map((run) => run.target)],
    ['phones connected / asked', ...runs.map((run) => `${run.connected} / ${run.clients}`)],
    ['tables (+ event doc)', ...runs.map((run) => `${run.tables}${run.eventDoc ? ' + event' : ''}`)],
    ['join via API / scribe tokens', ...runs.map((run) => (run.join ? `${run.join.viaJoinApi} / ${run.join.viaScribeApi}${run.join.rateLimited ? ' (429 hit)' : ''}` : 'no API'))],
    ['join HTTP p50 / p95', ...runs.map((run) => (run.join ? `${fmt(run.join.httpMs.p50)} / ${fmt(run.join.httpMs.p95)} ms` : '—'))],
    ['connect (sync) p50 / p95 / max', ...runs.map((run) => `${fmt(run.connectMs.p50)} / ${fmt(run.connectMs.p95)} / ${fmt(run.connectMs.max)} ms`)],
    ['edit-to-peer p50', ...runs.map((run) => fmt(run.latencyMs.p50, ' ms'))],
    ['edit-to-peer p95', ...runs.map((run) => fmt(run.latencyMs.p95, ' ms'))],
    ['edit-to-peer p99 / max', ...runs.map((run) => `${fmt(run.latencyMs.p99)} / ${fmt(run.latencyMs.max)} ms`)],
    ['edits sent (per s)', ...runs.map((run) => `${fmt(run.editsSent)} (${fmt(run.editsPerSecond)}/s)`)],
    ['edits delivered to peers per s', ...runs.map((run) => fmt(run.deliveriesPerSecond))],
    ['delivered / expected', ...runs.map((run) => `${fmt(run.deliveries)} / ${fmt(run.deliveriesExpected)}`)],
    ['server out: messages/s', ...runs.map((run) => fmt(run.traffic.messagesPerSecond))],
    ['server out: bytes/s', ...runs.map((run) => kb(run.traffic.bytesPerSecond) + '/s')],
    ['  table docs: sync msg/s', ...runs.map((run) => fmt(run.traffic.byDoc.table?.sync?.messagesPerSecond))],
    ['  table docs: presence msg/s', ...runs.map((run) => fmt(run.traffic.byDoc.table?.awareness?.messagesPerSecond))],
    ['  event doc: presence msg/s', ...runs.map((run) => fmt(run.traffic.byDoc.event?.awareness?.messagesPerSecond))],
    ['  event doc: presence bytes/s', ...runs.map((run) => kb(run.traffic.byDoc.event?.awareness?.bytesPerSecond ?? 0) + '/s')],
    ['  event presence msg/s per phone', ...runs.map((run) => fmt(run.traffic.eventPresencePerClientPerSecond))],
    ['phone threads / loop delay p99, max', ...runs.map((run) => `${Math.max(1, run.workers)} / ${fmt(run.clientLoopDelayMs.p99)}, ${fmt(run.clientLoopDelayMs.max)} ms`)],
    ['server CPU avg / peak (% of a core)', ...runs.map((run) => (run.server ? `${fmt(run.server.cpuPercent)} / ${fmt(run.server.peakCpuPercent)} %` : '—'))],
    ['server RSS peak / end', ...runs.map((run) => (run.server ? `${fmt(run.server.rssPeakMb)} / ${fmt(run.server.rssEndMb)} MB` : '—'))],
    ['late joiner: entries / bytes', ...runs.map((run) => (run.lateJoiner ? `${fmt(run.lateJoiner.entries)} / ${kb(run.lateJoiner.docBytes)}` : '—'))],
    ['late joiner: time to sync', ...runs.map((run) => (run.lateJoiner?.error ? 'timed out (60 s)' : fmt(run.lateJoiner?.ms, ' ms')))],
    ['lost edits / diverged phones', ...runs.map((run) => `${run.verification.lostEdits} / ${run.verification.divergedClients}`)],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: Row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('  ');
  const out = [
    `Sync benchmark, size ${report.size} (${report.machine.cpus} CPUs, Node ${report.machine.node}), ${report.load.client} phones, ${report.repeats} interleaved repeat(s): ${report.order.join(' ')}`,
    ...(report.repeats > 1 ? ['Columns: each target\'s median run (by p95); the spread over all repeats follows the table.'] : []),
    '',
    ...rows.map(line),
  ];
  if (report.repeats > 1) {
    out.push('', 'Over the repeats: median (min–max):');
    for (const summary of report.summaries) {
      out.push(
        `  ${summary.target}: p50 ${formatSpread(summary.p50Ms, 'ms')}; p95 ${formatSpread(summary.p95Ms, 'ms')}; p99 ${formatSpread(summary.p99Ms, 'ms')}; ` +
          `RSS ${formatSpread(summary.rssPeakMb, 'MB')}; late joiner ${formatSpread(summary.lateJoinerMs, 'ms')}; phone loop delay p99 ${formatSpread(summary.phoneLoopDelayP99Ms, 'ms')}; lost ${summary.lost}`,
      );
    }
  }
  if (report.diskSync) {
    const { intervalMs, p50Ms, p95Ms } = report.diskSync;
    out.push(
      '',
      `Disk alone: a 4 KiB write + fdatasync where the durable target keeps its data, one every ${intervalMs} ms (the edits' pace): ` +
        `p50 ${formatSpread(p50Ms, 'ms')}, p95 ${formatSpread(p95Ms, 'ms')}. Durability adds at least this to an edit's trip; classic keeps nothing.`,
    );
  }
  const naive = runs.find((run) => run.kind === 'classic');
  if (naive && naive.eventDoc) {
    out.push('', 'Broadcast efficiency (presence on the event doc; classic = naive fan-out to everyone):');
    for (const run of runs) {
      const event = run.traffic.byDoc.event?.awareness;
      out.push(
        `  ${run.target}: ${fmt(event?.messagesPerSecond)} presence msg/s (${kb(event?.bytesPerSecond ?? 0)}/s) to ${run.connected} phones; all traffic ${fmt(run.traffic.messagesPerSecond)} msg/s` +
          (run === naive || !naive.traffic.messagesPerSecond ? '' : ` = ${Math.round((run.traffic.messagesPerSecond / naive.traffic.messagesPerSecond) * 100)} % of classic`),
      );
    }
  }
  for (const failed of report.failedRuns) out.push('', `FAILED ${failed.target} #${failed.repeat}: ${failed.error}`);
  return out.join('\n');
}

/** Per target, the run whose p95 is the median of its repeats (the first run when there is one). */
function medianRuns(runs: LoadResult[]): LoadResult[] {
  const byTarget = new Map<string, LoadResult[]>();
  for (const run of runs) byTarget.set(run.target, [...(byTarget.get(run.target) ?? []), run]);
  return [...byTarget.values()].map((results) => [...results].sort((a, b) => a.latencyMs.p95 - b.latencyMs.p95)[Math.floor((results.length - 1) / 2)]!);
}
