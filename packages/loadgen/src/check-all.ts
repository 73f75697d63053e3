/**
 * Every loadgen benchmark at its goal size with --check (and --record when given), one after another;
 * exits with the worst exit code (1 = a goal missed, 3 = no verdict: the machine was too busy).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const record = process.argv.includes('--record') ? ['--record'] : [];
const runs = [
  ['cli.ts', '--size', 'event'],
  ['cli.ts', '--size', 'large'],
  ['cold-load-cli.ts', '--size', 'full'],
  ['throughput-cli.ts', '--size', 'full'],
];
let worst = 0;
for (const [script, ...args] of runs) {
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(script!, import.meta.url)), ...args, '--check', ...record], { stdio: 'inherit' });
  const code = result.status ?? 1;
  if (code === 1 || (code !== 0 && worst === 0)) worst = code;
}
process.exit(worst);
