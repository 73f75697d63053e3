import * as Y from 'yjs';
import type { Limits } from '../config.ts';
import type { Logger } from '../logger.ts';
import { CLOSE_CODES } from '@tablemap/model';
import type { DocEntry } from '../sync/doc-registry.ts';
import type { ChangeContext, Extension, Refusal } from './extension.ts';

/**
 * Structs (items and deleted ranges) and distinct client ids a loaded doc holds: what its memory grows with.
 * Deleted runs are merged by Yjs's garbage collection, so cleaning a table up lowers the count again.
 */
export function docWeight(doc: Y.Doc): { items: number; clients: number } {
  let items = 0;
  for (const structs of doc.store.clients.values()) items += structs.length;
  return { items, clients: doc.store.clients.size };
}

interface Usage {
  items: number;
  bytes: number;
  windowStart: number;
  windowItems: number;
  windowBytes: number;
}

const MINUTE_MS = 60_000;

/**
 * The bytes of an update that are new to the doc: a reconnecting phone's sync reply carries the whole
 * doc, nearly all of it already there, so it counts in proportion to the items it really adds.
 */
function newBytes({ update, decoded, facts }: ChangeContext): number {
  if (!facts || facts.newItems === 0) return 0;
  let total = 0;
  for (const struct of decoded.structs) total += struct.length;
  return total <= facts.newItems ? update.byteLength : Math.ceil((update.byteLength * facts.newItems) / total);
}

/**
 * Budgets against amplification and bricking. Per doc: a cap on items and on distinct Yjs client ids.
 * Per participant and table: entries (items) and bytes, per minute and in total. Per event (= per join
 * code): bytes per minute from all its participants together. Updates that only
 * delete always pass, so a table filled to a cap can still be cleaned; facilitators are not counted.
 * Runs after the model's rules (which measure each update).
 */
export function budgets(limits: Limits, logger: Logger, now: () => number = Date.now): Extension {
  const usage = new Map<string, Usage>();
  const events = new Map<string, { start: number; bytes: number }>();
  const eventWindow = (eventId: string) => {
    let window = events.get(eventId);
    if (!window || now() - window.start >= MINUTE_MS) {
      if (events.size > 10_000) events.clear();
      events.set(eventId, (window = { start: now(), bytes: 0 }));
    }
    return window;
  };
  const weights = new WeakMap<DocEntry, { items: number; clients: number }>();
  const weightOf = (entry: DocEntry) => {
    let weight = weights.get(entry);
    if (!weight) weights.set(entry, (weight = docWeight(entry.doc)));
    return weight;
  };
  const refuse = (entry: DocEntry, closeCode: number, code: string, message: string, detail: Record<string, unknown>): Refusal => {
    logger.warn({ doc: entry.name, code, ...detail }, 'budget reached');
    return { closeCode, code, message };
  };
  return {
    name: 'budgets',
    validateChange(change: ChangeContext): Refusal | null {
      const { facts, entry, connection } = change;
      if (!facts || facts.deletesOnly || connection.access !== 'write') return null;
      let weight = weightOf(entry);
      // New items are counted as clock ticks (an upper bound); before refusing, count the structs exactly.
      if (weight.items + facts.newItems > limits.maxDocItems || weight.clients + facts.newClients > limits.maxDocClients) {
        weights.set(entry, (weight = docWeight(entry.doc)));
      }
      if (weight.items + facts.newItems > limits.maxDocItems) {
        return refuse(entry, CLOSE_CODES.docTooLarge, 'doc_items', 'document holds too many items', { items: weight.items, limit: limits.maxDocItems });
      }
      if (weight.clients + facts.newClients > limits.maxDocClients) {
        return refuse(entry, CLOSE_CODES.docTooLarge, 'doc_clients', 'document has too many writers', { clients: weight.clients, limit: limits.maxDocClients });
      }
      if (connection.claims.role === 'facilitator') return null;
      const key = `${entry.name}|${connection.claims.participantId}`;
      let mine = usage.get(key);
      if (!mine) usage.set(key, (mine = { items: 0, bytes: 0, windowStart: now(), windowItems: 0, windowBytes: 0 }));
      if (now() - mine.windowStart >= MINUTE_MS) Object.assign(mine, { windowStart: now(), windowItems: 0, windowBytes: 0 });
      const bytes = newBytes(change);
      if (mine.items + facts.newItems > limits.participantItemsTotal || mine.bytes + bytes > limits.participantBytesTotal) {
        return refuse(entry, CLOSE_CODES.docTooLarge, 'participant_quota', 'you have added as much as one person may at this table', { participantItems: mine.items, participantBytes: mine.bytes });
      }
      if (mine.windowItems + facts.newItems > limits.participantItemsPerMinute || mine.windowBytes + bytes > limits.participantBytesPerMinute) {
        return refuse(entry, CLOSE_CODES.tooManyMessages, 'participant_rate', 'too many changes in a minute; wait a moment', { minuteItems: mine.windowItems, minuteBytes: mine.windowBytes });
      }
      // Tokens are free to anyone with the join code: the whole event shares one budget per minute too.
      const event = eventWindow(connection.claims.eventId);
      if (event.bytes + bytes > limits.eventBytesPerMinute) {
        return refuse(entry, CLOSE_CODES.tooManyMessages, 'event_rate', 'this event is adding too much at once; wait a moment', { eventMinuteBytes: event.bytes });
      }
      return null;
    },
    afterApply(change: ChangeContext): void {
      const { facts, entry, connection } = change;
      if (!facts || facts.deletesOnly) return;
      const weight = weightOf(entry);
      weight.items += facts.newItems;
      weight.clients += facts.newClients;
      if (connection.claims.role === 'facilitator') return;
      const mine = usage.get(`${entry.name}|${connection.claims.participantId}`);
      if (!mine) return;
      const bytes = newBytes(change);
      eventWindow(connection.claims.eventId).bytes += bytes;
      mine.items += facts.newItems;
      mine.bytes += bytes;
      mine.windowItems += facts.newItems;
      mine.windowBytes += bytes;
    },
  };
}
