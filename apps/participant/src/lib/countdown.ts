/**
 * Pure helpers for the round countdown on phones. The time left is always computed from the server's
 * clock (device clock + measured offset), so a phone with a wrong clock still shows the right time.
 */

/** The seconds a countdown shows: rounded up, so "00:00" only appears when the time is really up. */
export function secondsShown(remainingMs: number): number {
  return Math.max(0, Math.ceil(remainingMs / 1000));
}

/** `mm:ss` (minutes may go past 59 for long rounds, e.g. "75:00"). */
export function formatCountdown(remainingMs: number): string {
  const seconds = secondsShown(remainingMs);
  const minutes = Math.floor(seconds / 60);
  return `${String(minutes).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** English words for a time (the app passes its own language's). */
function englishTime(minutes: number, seconds: number): string {
  const parts: string[] = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (seconds || !minutes) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/**
 * The same time in words for screen readers, e.g. "4 minutes 5 seconds": `inWords` gets whole minutes
 * and the seconds after them (0 seconds alone means the time is up).
 */
export function describeCountdown(remainingMs: number, inWords: (minutes: number, seconds: number) => string = englishTime): string {
  const seconds = secondsShown(remainingMs);
  return inWords(Math.floor(seconds / 60), seconds % 60);
}

/** The two moments worth saying aloud. */
export type CountdownMoment = 'one_minute_left' | 'time_up';

export const ONE_MINUTE_MS = 60_000;

/**
 * What to announce politely as the countdown moves from `previousMs` to `currentMs`: only when it
 * crosses one minute left and when it reaches zero, so screen readers are not read every second.
 * `previousMs` is null on the first reading (nothing is announced for a timer already running).
 */
export function countdownAnnouncement(previousMs: number | null, currentMs: number | null): CountdownMoment | null {
  if (previousMs === null || currentMs === null) return null;
  const before = secondsShown(previousMs);
  const now = secondsShown(currentMs);
  if (before > 0 && now === 0) return 'time_up';
  if (before * 1000 > ONE_MINUTE_MS && now * 1000 <= ONE_MINUTE_MS) return 'one_minute_left';
  return null;
}
