import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';

/** y-websocket message types (docs/protocol.md, "Messages"). */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

/** Sync sub-types (y-protocols/sync). */
export const SYNC_STEP1 = syncProtocol.messageYjsSyncStep1;
export const SYNC_STEP2 = syncProtocol.messageYjsSyncStep2;
export const SYNC_UPDATE = syncProtocol.messageYjsUpdate;

export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

export function syncStep2Message(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

/** Sync step 2 carrying an already encoded update (e.g. a stored snapshot) instead of encoding a doc. */
export function syncStep2FromUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}

/**
 * Would applying `update` change `doc`? A reconnecting client's sync-step-2 repeats what the server
 * already has (its whole delete set, no new items); only a real change must be refused for a
 * read-only or locked connection. Throws on a malformed update.
 */
export function updateChangesDoc(doc: Y.Doc, update: Uint8Array | ReturnType<typeof Y.decodeUpdate>): boolean {
  const known = Y.decodeStateVector(Y.encodeStateVector(doc));
  // encodeStateVectorFromUpdate only counts clients whose structs start at clock 0, so a client's
  // second and later updates would look empty; compare each struct's end clock instead.
  const { structs, ds } = update instanceof Uint8Array ? Y.decodeUpdate(update) : update;
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    if (struct.id.clock + struct.length > (known.get(struct.id.client) ?? 0)) return true;
  }
  if (ds.clients.size === 0) return false;
  const deleted = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of ds.clients) {
    const have = deleted.clients.get(client) ?? [];
    for (const range of ranges) {
      if (range.len > 0 && !rangeCovered(have, range.clock, range.clock + range.len)) return true;
    }
  }
  return false;
}

/** `have` is sorted and merged (createDeleteSetFromStructStore); is [from, to) inside one of its ranges? */
function rangeCovered(have: readonly { clock: number; len: number }[], from: number, to: number): boolean {
  let low = 0;
  let high = have.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const item = have[middle]!;
    if (from < item.clock) high = middle - 1;
    else if (from >= item.clock + item.len) low = middle + 1;
    else return to <= item.clock + item.len;
  }
  return false;
}
