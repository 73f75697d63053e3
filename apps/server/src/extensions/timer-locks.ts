import { eventDocName, parseDocName, setTableLocked, timerRemainingMs } from '@tablemap/model';
import type { Logger } from '../logger.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import type { Extension, ServerParts } from './extension.ts';

interface Scheduled {
  /** Which timer the lock belongs to: a restarted or changed timer gets a new key. */
  key: string;
  timeout: NodeJS.Timeout;
}

const timerKey = (timer: { startedAt: number; durationMs: number }) => `${timer.startedAt}:${timer.durationMs}`;

/**
 * "Lock every table when time is up", kept by the server. The facilitator's laptop may be asleep or its
 * console closed when a round ends, and a lock that depends on an open page does not protect anything.
 * When a change to an event doc leaves a running timer whose end action is `lock`, the server locks every
 * table at the timer's end itself, through the normal write path (stored, then relayed). Consoles that are
 * open do the same; locking twice is harmless. A timer stopped, paused, changed or switched to "signal only"
 * before its end cancels the lock. With several instances, the one that received the timer change locks.
 */
export function timerLocks(logger: Logger, now: () => number = Date.now): Extension {
  let registry: DocRegistry | null = null;
  const scheduled = new Map<string, Scheduled>();

  const cancel = (docName: string) => {
    const current = scheduled.get(docName);
    if (current) clearTimeout(current.timeout);
    scheduled.delete(docName);
  };

  const lockAtTimeUp = async (eventId: string, key: string) => {
    scheduled.delete(eventDocName(eventId));
    if (!registry) return;
    try {
      await registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => {
        const event = entry.readEventCached();
        // Only the timer this lock was set for, still ending in a lock (the facilitator may have changed either).
        if (!event.timer || timerKey(event.timer) !== key || event.timerEnd !== 'lock') return;
        if (timerRemainingMs(event.timer, now()) !== 0) return;
        if (event.tables.every((table) => table.locked)) return;
        setTableLocked(entry.doc, 'all', true);
        logger.info({ eventId }, 'time up: every table locked');
      });
    } catch (error) {
      logger.warn({ eventId, reason: (error as Error).message }, 'time up: could not lock the tables');
    }
  };

  const reschedule = (docName: string) => {
    const ref = parseDocName(docName);
    if (ref?.kind !== 'event' || !registry?.isLoaded(docName)) return;
    void registry.loadedOrLoading(docName)?.then((entry) => {
      const event = entry.readEventCached();
      const remaining = timerRemainingMs(event.timer, now());
      const wanted = event.timer && event.timerEnd === 'lock' && event.timer.pausedRemainingMs === null && remaining ? timerKey(event.timer) : '';
      if (scheduled.get(docName)?.key === wanted) return;
      cancel(docName);
      if (!wanted || !remaining) return;
      const timeout = setTimeout(() => void lockAtTimeUp(ref.eventId, wanted), remaining);
      timeout.unref(); // a pending lock never keeps a stopping server alive
      scheduled.set(docName, { key: wanted, timeout });
    });
  };

  return {
    name: 'timer-locks',
    started(parts: ServerParts) {
      registry = parts.registry;
    },
    afterChange(docName: string) {
      reschedule(docName);
    },
    async stop() {
      for (const docName of [...scheduled.keys()]) cancel(docName);
    },
  };
}
