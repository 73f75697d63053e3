import type { Limits } from '../config.ts';
import type { Logger } from '../logger.ts';
import { CLOSE_CODES } from '@tablemap/model';
import type { ConnectionInfo, Extension, Refusal } from './extension.ts';

/**
 * A token holder whose updates keep being refused (a script, not an app: apps reload after one refusal)
 * is kept out for a while: past `refusalsPerMinute` refusals, their upgrades get 429 until a minute has
 * passed. The same holds per event (`eventRefusalsPerMinute`), because tokens are free to anyone with the
 * join code. Each refused update cost the server a decode; this stops a loop of them starving other events.
 */
export function refusalCooldown(limits: Limits, logger: Logger, now: () => number = Date.now): Extension {
  const recent = new Map<string, number[]>();
  const holder = (info: ConnectionInfo) => `${info.claims.eventId}:${info.claims.participantId}`;
  const fresh = (key: string) => {
    const times = (recent.get(key) ?? []).filter((at) => now() - at < 60_000);
    if (times.length === 0) recent.delete(key);
    else recent.set(key, times);
    return times;
  };
  const event = (info: ConnectionInfo) => `event:${info.claims.eventId}`;
  const isPhone = (info: ConnectionInfo) => info.claims.role === 'participant' || info.claims.role === 'scribe';
  return {
    name: 'refusal-cooldown',
    authenticate(info: ConnectionInfo): Refusal | null {
      if (fresh(holder(info)).length >= limits.refusalsPerMinute) {
        return { status: 429, closeCode: CLOSE_CODES.tooManyMessages, code: 'cooling_down', message: 'Too many refused changes from this token; wait a minute' };
      }
      // Tokens are free to anyone with the join code: past the event's budget its phones wait too, never another event's.
      if (isPhone(info) && fresh(event(info)).length >= limits.eventRefusalsPerMinute) {
        return { status: 429, closeCode: CLOSE_CODES.tooManyMessages, code: 'cooling_down', message: 'Too many refused changes at this event; wait a minute' };
      }
      return null;
    },
    refused(info: ConnectionInfo): void {
      if (!isPhone(info)) return;
      for (const key of [holder(info), event(info)]) {
        const times = fresh(key);
        times.push(now());
        recent.set(key, times);
      }
      if (recent.size > 50_000) recent.clear();
      if (fresh(event(info)).length === limits.eventRefusalsPerMinute) logger.warn({ eventId: info.claims.eventId }, 'event cooling down after repeated refusals');
    },
  };
}
