import type { TableSnapshot } from '@tablemap/model';

/** Minutes of silence after which a table is flagged as quiet during an active round. */
export const QUIET_AFTER_MS = 5 * 60_000;

/** The newest creation time on the table, so a freshly opened dashboard still knows when a table last did something. */
export function latestCreation(snapshot: TableSnapshot): number | null {
  let latest: number | null = null;
  for (const item of [...snapshot.organisations, ...snapshot.links, ...snapshot.notes]) {
    if (latest === null || item.createdAt > latest) latest = item.createdAt;
  }
  return latest;
}

export function describeSince(lastActivity: number | null, now: number): string {
  if (lastActivity === null) return 'No activity yet';
  const seconds = Math.max(0, Math.round((now - lastActivity) / 1000));
  if (seconds < 10) return 'Active just now';
  if (seconds < 60) return `Last activity ${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `Last activity ${minutes} min ago`;
  return `Last activity ${Math.floor(minutes / 60)} h ago`;
}

export function isQuiet(lastActivity: number | null, now: number, roundActive: boolean): boolean {
  if (!roundActive) return false;
  return lastActivity === null || now - lastActivity > QUIET_AFTER_MS;
}

/** Groups seated at a table (from the roster) that nobody is currently representing. */
export function missingGroups(seated: Iterable<string>, present: Map<string, number> | Record<string, number>): string[] {
  const presentIds = present instanceof Map ? present : new Map(Object.entries(present));
  return [...new Set(seated)].filter((group) => !presentIds.get(group));
}

export function formatCountdown(ms: number | null): string {
  if (ms === null) return '--:--';
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

/** A vocabulary id from a label: "Faith groups" → "faith_groups", unique among `taken`. */
export function vocabularyIdFor(label: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let base = label
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  if (!/^[a-z]/.test(base)) base = `g_${base}`.replace(/_+$/, '');
  if (base === 'g') base = 'group';
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) candidate = `${base}_${n}`;
  return candidate;
}

/** Groups whose voice a table should not be without: people with lived experience, and carers. */
export const LIVED_VOICE_GROUPS = ['lived_experience', 'carer'] as const;

export type TableFlagId = 'quiet' | 'no_lived_voice' | 'empty_halfway';

export interface TableFlag {
  id: TableFlagId;
  label: string;
}

export interface TableFlagInput {
  now: number;
  lastActivity: number | null;
  roundActive: boolean;
  /** People present now, by stakeholder group. */
  present: Map<string, number>;
  organisationCount: number;
  /** The round timer as elapsed and total milliseconds, by the server's clock; null when none runs. */
  round: { elapsedMs: number; durationMs: number } | null;
}

/** What needs the facilitator's attention at one table, most urgent first. */
export function tableFlags(input: TableFlagInput): TableFlag[] {
  const flags: TableFlag[] = [];
  if (input.round && input.organisationCount === 0 && input.round.elapsedMs >= input.round.durationMs / 2) {
    flags.push({ id: 'empty_halfway', label: 'Map still empty halfway through the round' });
  }
  const anyonePresent = [...input.present.values()].some((count) => count > 0);
  if (input.roundActive && anyonePresent && !LIVED_VOICE_GROUPS.some((group) => (input.present.get(group) ?? 0) > 0)) {
    flags.push({ id: 'no_lived_voice', label: 'No lived-experience or carer voice here now' });
  }
  if (isQuiet(input.lastActivity, input.now, input.roundActive)) flags.push({ id: 'quiet', label: 'Quiet for 5 minutes' });
  return flags;
}
