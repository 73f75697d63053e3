import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LightPhone } from './light-phone.ts';
import { Phone, addCounters, emptyCounters, type PhoneSpec, type SimulatedPhone, type TrafficCounters } from './phone.ts';
import { nowMs } from './markers.ts';

/** How often the phone threads' event loop is sampled. */
const LOOP_SAMPLE_MS = 10;

/**
 * Node's loop-delay histogram records the whole time between its samples (an idle loop reads about 10 ms at a
 * 10 ms sampling interval), so the loop's delay is what the sample took beyond its interval. In ms, one decimal.
 */
function lateness(sampleNs: number): number {
  return Math.max(0, Math.round((sampleNs / 1e6 - LOOP_SAMPLE_MS) * 10) / 10);
}

export interface ConnectResult {
  connectMs: number[];
  failures: string[];
}

export interface RunPlan {
  /** Epoch ms at which the edit phase starts (same for every worker). */
  startAt: number;
  durationMs: number;
  editIntervalMs: number;
  presenceIntervalMs: number;
}

export interface GroupStats {
  latencies: Float64Array;
  deliveries: number;
  /** Traffic received during the edit phase only. */
  counters: TrafficCounters;
  editsByTable: Record<string, string[]>;
  editErrors: number;
  /** Event-loop delay of the thread driving these phones during the edit phase: if high, the clients (not the server) limit the figures. */
  loopDelayMs: { p99: number; max: number };
}

export interface PhoneSnapshot {
  phoneId: number;
  tableDoc: string;
  hash: string;
}

/** How many phones open their sockets at once, so the server's handshake cap is never the bottleneck. */
const CONNECT_CONCURRENCY = 40;

/**
 * The phones one thread drives. The orchestrator calls these methods directly (in-process)
 * or through worker messages (see worker.ts); every method is plain data in, plain data out.
 */
export class PhoneGroup {
  private phones: SimulatedPhone[] = [];
  private counters = emptyCounters();
  private latencies: number[] = [];
  private deliveries = 0;
  private editErrors = 0;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private loopDelay: ReturnType<typeof monitorEventLoopDelay> | null = null;

  async connect(specs: PhoneSpec[], timeoutMs: number): Promise<ConnectResult> {
    const sink = { counters: () => this.counters, onReceipt: (latency: number) => this.onReceipt(latency) };
    const failures: string[] = [];
    const queue: SimulatedPhone[] = specs.map((spec) => (spec.client === 'light' ? new LightPhone(spec, sink) : new Phone(spec, sink)));
    this.phones.push(...queue);
    let next = 0;
    const lane = async () => {
      while (next < queue.length) {
        const phone = queue[next++]!;
        await phone.connect(timeoutMs).catch((error: unknown) => failures.push(String(error instanceof Error ? error.message : error)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, queue.length) }, lane));
    return { connectMs: queue.filter((phone) => phone.connectMs > 0).map((phone) => phone.connectMs), failures };
  }

  private onReceipt(latencyMs: number): void {
    this.latencies.push(latencyMs);
    this.deliveries++;
  }

  /** Schedules every phone's edits (random phase within one interval) and presence; resolves when the phase ends. */
  async run(plan: RunPlan): Promise<void> {
    const delayUntilStart = Math.max(0, plan.startAt - nowMs());
    await sleep(delayUntilStart);
    this.counters = emptyCounters();
    this.latencies = [];
    this.deliveries = 0;
    this.loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
    this.loopDelay.enable();
    const endAt = plan.startAt + plan.durationMs;
    for (const phone of this.phones) {
      if (!phone.connected) continue;
      const tick = () => {
        if (nowMs() >= endAt) return;
        try {
          phone.edit();
        } catch {
          this.editErrors++;
        }
        this.timers.push(setTimeout(tick, plan.editIntervalMs));
      };
      this.timers.push(setTimeout(tick, Math.random() * plan.editIntervalMs));
      const presence = () => {
        if (nowMs() >= endAt) return;
        phone.updatePresence();
        this.timers.push(setTimeout(presence, plan.presenceIntervalMs));
      };
      this.timers.push(setTimeout(presence, Math.random() * plan.presenceIntervalMs));
    }
    await sleep(Math.max(0, endAt - nowMs()));
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.loopDelay.disable();
  }

  progress(): { deliveries: number } {
    return { deliveries: this.deliveries };
  }

  /** Latencies and traffic of the edit phase; traffic counting stops here so settling is not included. */
  stats(): GroupStats {
    const editsByTable: Record<string, string[]> = {};
    for (const phone of this.phones) (editsByTable[phone.spec.tableDoc] ??= []).push(...phone.editsSent);
    const counters = emptyCounters();
    addCounters(counters, this.counters);
    const delay = this.loopDelay;
    const loopDelayMs = delay ? { p99: lateness(delay.percentile(99)), max: lateness(delay.max) } : { p99: 0, max: 0 };
    return { latencies: Float64Array.from(this.latencies), deliveries: this.deliveries, counters, editsByTable, editErrors: this.editErrors, loopDelayMs };
  }

  closeEventDocs(): void {
    for (const phone of this.phones) phone.closeEventDoc();
  }

  snapshots(): PhoneSnapshot[] {
    return this.phones.filter((phone) => phone.connected).map((phone) => ({ phoneId: phone.spec.id, tableDoc: phone.spec.tableDoc, hash: phone.snapshotHash() }));
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (const phone of this.phones) phone.destroy();
    this.phones = [];
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
