import type { Limits } from '../config.ts';
import type { Logger } from '../logger.ts';
import { CLOSE_CODES } from '@tablemap/model';
import type { ConnectionInfo, Extension, Refusal } from './extension.ts';

const isPhone = (info: ConnectionInfo) => info.claims.role === 'participant' || info.claims.role === 'scribe';

/**
 * Sockets of participants and scribes per event, which is per join code (tokens are free to anyone with
 * the code): at most `socketsPerTable` × the event's table count, so one event can never take the
 * sockets of another. Past it a socket is closed with 1013 (retry later); the server-wide cap stays.
 */
export function socketCaps(limits: Limits, logger: Logger): Extension {
  const open = new Map<string, number>();
  const counted = new WeakSet<ConnectionInfo>();
  return {
    name: 'socket-caps',
    connect(info: ConnectionInfo): Refusal | null {
      if (!isPhone(info)) return null;
      const { eventId } = info.claims;
      const cap = Math.max(1, info.tableCount ?? 1) * limits.socketsPerTable;
      const count = open.get(eventId) ?? 0;
      if (count >= cap) {
        logger.warn({ eventId, sockets: count, cap }, 'event socket cap reached');
        return { closeCode: CLOSE_CODES.tryAgainLater, code: 'event_busy', message: 'this event has too many connections; retry shortly' };
      }
      open.set(eventId, count + 1);
      counted.add(info);
      return null;
    },
    disconnect(info: ConnectionInfo): void {
      if (!counted.has(info)) return;
      counted.delete(info);
      const count = (open.get(info.claims.eventId) ?? 1) - 1;
      if (count <= 0) open.delete(info.claims.eventId);
      else open.set(info.claims.eventId, count);
    },
  };
}
