import type { Limits } from '../config.ts';
import type { Logger } from '../logger.ts';
import { CLOSE } from '../sync/messages.ts';
import type { ConnectionInfo, Extension, Refusal } from './extension.ts';

/**
 * A token holder whose updates keep being refused (a script, not an app: apps reload after one refusal)
 * is kept out for a while: past `refusalsPerMinute` refusals, their upgrades get 429 until a minute has
 * passed. Each refused update cost the server a decode; this stops a loop of them.
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
  return {
    name: 'refusal-cooldown',
    authenticate(info: ConnectionInfo): Refusal | null {
      if (fresh(holder(info)).length < limits.refusalsPerMinute) return null;
      return { status: 429, closeCode: CLOSE.tooManyMessages, code: 'cooling_down', message: 'Too many refused changes from this token; wait a minute' };
    },
    refused(info: ConnectionInfo): void {
      if (info.claims.role === 'facilitator') return;
      const key = holder(info);
      const times = fresh(key);
      times.push(now());
      recent.set(key, times);
      if (recent.size > 50_000) recent.clear();
      if (times.length === limits.refusalsPerMinute) logger.warn({ eventId: info.claims.eventId }, 'token holder cooling down after repeated refusals');
    },
  };
}
