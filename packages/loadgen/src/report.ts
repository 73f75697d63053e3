import type { ColdLoadResult } from './cold-load.ts';
import type { LoadResult } from './run-load.ts';
import { GOALS } from './sizes.ts';

export interface BenchReport {
  size: string;
  startedAt: string;
  machine: { cpus: number; node: string; platform: string };
  runs: LoadResult[];
  failedRuns: { target: string; error: string }[];
  coldLoad: ColdLoadResult | null;
  goals: GoalCheck[];
}

export interface GoalCheck {
  target: string;
  goal: string;
  measured: number | string;
  pass: boolean;
}

export function checkGoals(runs: LoadResult[], coldLoad: ColdLoadResult | null): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const run of runs.filter((result) => result.kind === 'tablemap')) {
    checks.push({ target: run.target, goal: `p95 edit-to-peer < ${GOALS.p95Ms} ms`, measured: run.latencyMs.p95, pass: run.latencyMs.p95 < GOALS.p95Ms });
    checks.push({ target: run.target, goal: `p99 edit-to-peer < ${GOALS.p99Ms} ms`, measured: run.latencyMs.p99, pass: run.latencyMs.p99 < GOALS.p99Ms });
    if (run.server) checks.push({ target: run.target, goal: `server RSS < ${GOALS.rssMb} MB`, measured: run.server.rssPeakMb, pass: run.server.rssPeakMb < GOALS.rssMb });
    checks.push({ target: run.target, goal: 'zero lost edits', measured: run.verification.lostEdits + run.verification.divergedClients, pass: !run.lostEdits });
  }
  if (coldLoad) checks.push({ target: 'tablemap', goal: `cold load of ${coldLoad.tables} tables < ${GOALS.coldLoadMs} ms`, measured: coldLoad.allDocsMs, pass: coldLoad.pass });
  return checks;
}

type Row = [string, ...string[]];

const fmt = (value: number | null | undefined, unit = '') => (value === null || value === undefined ? '—' : `${value.toLocaleString('en-GB')}${unit}`);
const kb = (bytes: number) => `${(bytes / 1024).toLocaleString('en-GB', { maximumFractionDigits: 1 })} KiB`;

/** The side-by-side table printed at the end of a run. */
export function formatReport(report: BenchReport): string {
  const runs = report.runs;
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
  const out = [`Sync benchmark, size ${report.size} (${report.machine.cpus} CPUs, Node ${report.machine.node})`, '', ...rows.map(line)];
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
  for (const failed of report.failedRuns) out.push('', `FAILED ${failed.target}: ${failed.error}`);
  if (report.coldLoad) {
    const cold = report.coldLoad;
    out.push('', `Cold load: event doc + ${cold.tables} tables × ${cold.entriesPerTable} entries after a restart: ${fmt(cold.allDocsMs)} ms (per doc p50 ${fmt(cold.perDocMs.p50)} ms, max ${fmt(cold.perDocMs.max)} ms; the same again with every doc in memory: ${fmt(cold.warmAllDocsMs)} ms)`);
  }
  if (report.goals.length) {
    out.push('', `Goals (the sync service level for a full event; they apply to --size large on 2 cores${report.size === 'large' ? '' : ', shown here for reference'}):`);
    for (const goal of report.goals) out.push(`  ${goal.pass ? 'PASS' : 'FAIL'}  ${goal.target}: ${goal.goal} (measured ${goal.measured})`);
  }
  return out.join('\n');
}
