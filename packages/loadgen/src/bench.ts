import { cpus } from 'node:os';
import { runColdLoad } from './cold-load.ts';
import { checkGoals, type BenchReport } from './report.ts';
import { runLoad, type LoadOptions, type Target } from './run-load.ts';
import { removeDataDir, startClassic, startTablemap, startTablemapCluster, type RunningServer } from './servers.ts';
import { SIZES, type SizeName, type SizePreset } from './sizes.ts';

/**
 * Which servers to load, in order:
 * - `tablemap`: the real server, child process, SQLite in a temp dir on disk;
 * - `tablemap-tmpfs`: the same with its data dir on /dev/shm, so fsync is free (shows what durability costs);
 * - `classic`: y-websocket 1.5.4's bundled server (yjs 13), no auth, no persistence;
 * - `url`: an already running Tablemap server at `--url` (no CPU/RSS unless `pid` is given).
 */
export type TargetName = 'tablemap' | 'tablemap-tmpfs' | 'classic';

export interface BenchOptions {
  size: SizeName;
  overrides?: Partial<SizePreset> & { eventDoc?: boolean };
  targets?: TargetName[];
  /** Load an external Tablemap server instead of starting one. */
  url?: string;
  pid?: number;
  coldLoad?: boolean;
  /** More than 1: the `tablemap` target is that many instances on PostgreSQL + Redis behind a balancer. */
  instances?: number;
  log?: (line: string) => void;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const preset: SizePreset = { ...SIZES[options.size], ...options.overrides };
  const log = options.log ?? (() => {});
  process.setMaxListeners(0); // every y-websocket provider adds a process 'exit' listener
  const load: LoadOptions = {
    clients: preset.clients,
    tables: preset.tables,
    durationMs: preset.durationS * 1000,
    editIntervalMs: preset.editIntervalS * 1000,
    presenceIntervalMs: 15_000,
    workers: preset.workers,
    eventDoc: options.overrides?.eventDoc ?? true,
    bigTableEntries: preset.bigTableEntries,
    settleTimeoutMs: 15_000,
    connectTimeoutMs: 60_000,
  };
  const report: BenchReport = {
    size: options.size,
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, platform: process.platform },
    runs: [],
    failedRuns: [],
    coldLoad: null,
    goals: [],
  };
  const targets: (TargetName | 'url')[] = options.url ? ['url'] : (options.targets ?? ['tablemap', 'tablemap-tmpfs', 'classic']);
  for (const name of targets) {
    log(`${name}: ${load.clients} phones, ${load.tables} tables, ${preset.durationS} s`);
    let server: RunningServer | null = null;
    try {
      let target: Target;
      if (name === 'url') target = { label: `tablemap@${options.url}`, kind: 'tablemap', url: options.url!.replace(/\/$/, ''), pid: options.pid ?? null };
      else {
        const cluster = name === 'tablemap' && (options.instances ?? 1) > 1 ? options.instances! : 0;
        server =
          name === 'classic' ? await startClassic() : cluster ? await startTablemapCluster(cluster) : await startTablemap({ onTmpfs: name === 'tablemap-tmpfs' });
        target = { label: cluster ? `tablemap x${cluster} (pg+redis)` : name, kind: server.kind, url: server.url, pid: server.pid };
      }
      report.runs.push(await runLoad(target, load, log));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`  ${name} failed: ${message}`);
      report.failedRuns.push({ target: name, error: `${message}${server ? `\nserver output:\n${server.output().slice(-2000)}` : ''}` });
    } finally {
      if (server) {
        await server.stop();
        await removeDataDir(server);
      }
    }
  }
  if (options.coldLoad ?? true) {
    try {
      report.coldLoad = await runColdLoad(50, preset.coldLoadEntriesPerTable, log);
    } catch (error) {
      report.failedRuns.push({ target: 'cold-load', error: error instanceof Error ? error.message : String(error) });
    }
  }
  report.goals = checkGoals(report.runs, report.coldLoad);
  return report;
}

/**
 * Tablemap lost edits, or a Tablemap run or the cold load crashed: the only outcomes that make the bench exit
 * non-zero. The classic baseline losing edits or failing (it does at 1,000 phones) is a finding, not a failure.
 */
export function benchFailed(report: BenchReport): boolean {
  return report.failedRuns.some((failed) => failed.target !== 'classic') || report.runs.some((run) => run.kind === 'tablemap' && run.lostEdits);
}
