/**
 * Abuse benchmark: the worst single participant, or many tokens from one join code, send arbitrary
 * valid Yjs updates at full speed (junk roots of 60,000 entries, forged notes and votes, floods of
 * valid notes, brand-new client ids) against a real server process, while two phones of a bystander
 * event keep editing. Measures the server's peak RSS and the bystander's edit-to-peer latency.
 *   node src/bench/abuse.ts [--attackers 50] [--duration 120] [--port 8400] [--check] [--record]
 * Goals, judged at the goal size of 50 attackers for 10 minutes (`--duration 600`, size "full"; other
 * settings are size "custom" and get no verdict): the server stays alive, its RSS under 1 GB, and the bystander's p95 under 100 ms (not judged on
 * a busy machine). --check exits 1 on a miss, 3 when the machine was too busy to judge.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import { LIMITS, addNote, addOrganisation, readTable, type Actor } from '@tablemap/model';
import { openDoc } from '@tablemap/sync-client';
import { claimsOf, createEvent, joinTable, sleep, updateFrame } from '../testing.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'), // pnpm passes its `--` through
  options: {
    attackers: { type: 'string', default: '50' },
    duration: { type: 'string', default: '120' },
    port: { type: 'string', default: '8400' },
    check: { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
    // Internal: this script re-run as the attackers' own process, so their CPU never delays the bystander's clock.
    'attack-plan': { type: 'string' },
  },
});
if (values['attack-plan']) await runAttackers(JSON.parse(values['attack-plan']) as AttackPlan);
const ATTACKERS = Number(values.attackers);
const DURATION_MS = Number(values.duration) * 1000;
const PORT = Number(values.port);
const RSS_GOAL = 1024 * 1024 * 1024;
const P95_GOAL_MS = 100;

const run = new BenchRun({ bench: 'server-abuse', size: ATTACKERS === 50 && DURATION_MS === 600_000 ? 'full' : 'custom', ...benchFlags() });
await run.waitForQuiet();
run.startMeasuring();
const dataDir = await mkdtemp(join(tmpdir(), 'tablemap-abuse-'));
const main = fileURLToPath(new URL('../start.js', import.meta.url));
const server = spawn(process.execPath, ['--max-semi-space-size=8', main], {
  env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let serverExit: number | null = null;
server.on('exit', (code, signal) => (serverExit = code ?? (signal ? 128 : 0)));
const url = `http://127.0.0.1:${PORT}`;
const wsBase = `ws://127.0.0.1:${PORT}`;
for (let attempt = 0; attempt < 100; attempt++) {
  if (await fetch(`${url}/healthz`).then((r) => r.ok).catch(() => false)) break;
  await sleep(100);
}

let peakRss = 0;
const rssTimer = setInterval(async () => {
  const status = await readFile(`/proc/${server.pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  peakRss = Math.max(peakRss, kb * 1024);
}, 500);

// The bystander: two phones at one table of another event; one writes, the other times the arrival.
const bystander = await createEvent(url, 2);
const tokenA = await joinTable(url, bystander.joinCode, 't1');
const tokenB = await joinTable(url, bystander.joinCode, 't1');
const docName = `table/${bystander.eventId}/t1`;
const phoneA = openDoc({ serverUrl: url, docName, token: tokenA, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true });
const phoneB = openDoc({ serverUrl: url, docName, token: tokenB, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true });
await Promise.all([phoneA.ready, phoneB.ready]);
const actorA: Actor = { group: 'carer', participantId: claimsOf(tokenA).participantId };
const sentAt = new Map<string, number>();
const latencies: number[] = [];
phoneB.doc.getMap('notes').observe((event) => {
  for (const key of event.keysChanged) {
    const started = sentAt.get(key);
    if (started !== undefined) {
      latencies.push(performance.now() - started);
      sentAt.delete(key);
    }
  }
});

// The attackers: one join code, many tokens, each on a socket of its own.
const target = await createEvent(url, 10);
const tokens: string[] = [];
for (let index = 0; index < ATTACKERS; index++) tokens.push(await joinTable(url, target.joinCode, `t${(index % 10) + 1}`));
const deadline = Date.now() + DURATION_MS;
const plan: AttackPlan = { wsBase, eventId: target.eventId, tokens, deadline };
const attackers = spawn(process.execPath, [fileURLToPath(import.meta.url), '--attack-plan', JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
let attackReport = '';
attackers.stdout.on('data', (chunk: Buffer) => (attackReport += chunk.toString()));
const attacksDone = new Promise((resolve) => attackers.once('exit', resolve));
const started = Date.now();
let note = 0;
while (Date.now() < deadline && serverExit === null) {
  const id = addNote(phoneA.doc, { text: `Bystander note ${note++}`, kind: 'observation' }, actorA);
  sentAt.set(id, performance.now());
  // Two edits a second: brisker than any person, and within one participant's per-minute quota.
  await sleep(500);
}
await attacksDone;
clearInterval(rssTimer);
const alive = serverExit === null && (await fetch(`${url}/healthz`).then((r) => r.ok).catch(() => false));
const bystanderNotes = readTable(phoneB.doc).notes.length;
phoneA.destroy();
phoneB.destroy();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
await rm(dataDir, { recursive: true, force: true });

const sorted = [...latencies].sort((a, b) => a - b);
const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
const lost = note - latencies.length;
console.log(`abuse: ${ATTACKERS} attacker token(s) from one join code, ${((Date.now() - started) / 1000).toFixed(0)} s, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
console.log(`  ${attackReport.trim()}`);
console.log(`  server alive: ${alive}; peak RSS ${(peakRss / 1048576).toFixed(0)} MiB (goal < 1024 MiB)`);
console.log(`  bystander edit-to-peer: p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms (goal p95 < ${P95_GOAL_MS} ms); ${latencies.length} of ${note} arrived (${lost} not), ${bystanderNotes} notes on the peer`);
run.figure('server alive', alive ? 'yes' : 'no');
run.figure('server peak RSS', peakRss / 1048576, 'MiB');
run.figure('bystander edit-to-peer p95', p(0.95), 'ms');
run.details({ attackers: ATTACKERS, durationMs: DURATION_MS, attackReport: attackReport.trim(), bystanderSent: note, bystanderArrived: latencies.length });
run.goal({ name: 'server alive after the attack', size: 'full', limit: 1, unit: '', compare: 'atLeast', loadIndependent: true }, alive ? 1 : 0);
run.goal({ name: 'server peak RSS', size: 'full', limit: RSS_GOAL / 1048576, unit: 'MiB', loadIndependent: true }, peakRss / 1048576);
run.goal({ name: "bystander's edit-to-peer p95", size: 'full', limit: P95_GOAL_MS, unit: 'ms' }, p(0.95));
run.finish();
process.exit(process.exitCode ?? 0);

interface AttackPlan {
  wsBase: string;
  eventId: string;
  tokens: string[];
  deadline: number;
}

async function runAttackers(plan: AttackPlan): Promise<never> {
  const counts = { sent: 0, closed: 0, refusedUpgrades: 0 };
  const closeCodes = new Map<number, number>();

  /** Arbitrary valid Yjs updates, each from a fresh client id so nothing depends on what was refused. */
  function attack(kind: number, actor: Actor): Uint8Array {
    const doc = new Y.Doc();
    if (kind === 0) {
      const junk = doc.getMap('junk');
      for (let index = 0; index < 60_000; index++) junk.set(`k${index}`, index % 10);
    } else if (kind === 1) {
      for (let index = 0; index < 40; index++) addNote(doc, { text: 'x'.repeat(LIMITS.noteText), kind: 'idea' }, actor); // as long as the model allows
    } else if (kind === 2) {
      for (let index = 0; index < 200; index++) addOrganisation(doc, { name: `Org ${doc.clientID}-${index}`, sector: 'vcse' }, actor);
    } else if (kind === 3) {
      for (let index = 0; index < 500; index++) doc.getMap('votes').set(`carer|ghost${index}|n1`, 1);
    } else {
      addNote(doc, { text: 'Signed as someone else', kind: 'idea' }, { group: 'carer', participantId: 'victim1' });
    }
    return updateFrame(Y.encodeStateAsUpdate(doc));
  }

  // The 60,000-entry junk frame (about 840 KB) is built once per attacker run; the rest are cheap.
  async function attacker(token: string, index: number): Promise<void> {
    const { participantId, group = 'carer', tableId = 't1' } = claimsOf(token);
    const actor: Actor = { group, participantId };
    const junk = attack(0, actor);
    while (Date.now() < plan.deadline) {
      const ws = new WebSocket(`${plan.wsBase}/sync/table/${plan.eventId}/${tableId}?token=${token}`);
      ws.on('error', () => {});
      const opened = await new Promise<boolean>((resolve) => {
        ws.once('open', () => resolve(true));
        ws.once('unexpected-response', () => resolve(false));
        ws.once('close', () => resolve(false));
      });
      if (!opened) {
        counts.refusedUpgrades++;
        await sleep(200);
        continue;
      }
      const closed = new Promise<void>((resolve) =>
        ws.once('close', (code) => {
          counts.closed++;
          closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
          resolve();
        }),
      );
      let kind = index;
      while (ws.readyState === WebSocket.OPEN && Date.now() < plan.deadline) {
        if (ws.bufferedAmount > 2 * 1024 * 1024) {
          await sleep(5);
          continue;
        }
        ws.send(kind % 5 === 0 ? junk : attack(kind % 5, actor));
        counts.sent++;
        kind++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      ws.terminate();
      await closed;
    }
  }
  await Promise.all(plan.tokens.map((token, index) => attacker(token, index)));
  console.log(`attackers sent ${counts.sent} updates; sockets closed ${counts.closed} (${[...closeCodes].map(([code, n]) => `${code}×${n}`).join(', ')}); upgrades refused ${counts.refusedUpgrades}`);
  process.exit(0);
}
