/**
 * "Full jitter" backoff: a random delay up to an exponentially growing ceiling.
 * After a server restart, 120 phones then come back spread over seconds instead of all at once.
 */
export function jitteredDelay(attempt: number, baseMs = 500, capMs = 15_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(random() * ceiling);
}

/** Close codes the server uses for decisions that reconnecting cannot fix (see ARCHITECTURE.md). */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}
