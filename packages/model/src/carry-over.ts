import * as Y from 'yjs';
import type { DocKind } from './doc-names.ts';
import { DOC_SHAPES } from './doc-shapes.ts';

export interface CarryOverResult {
  /** Entries (or values) rewritten on the fresh copy and kept. */
  carried: number;
  /** Local changes the check refused: they stay out. */
  dropped: number;
}

/** Has `doc` integrated the struct with this id? */
function holds(doc: Y.Doc, id: Y.ID): boolean {
  return id.clock < Y.getState(doc.store, id.client);
}

function mapOf(doc: Y.Doc, root: string): Y.Map<unknown> | null {
  return doc.share.has(root) ? doc.getMap<unknown>(root) : null;
}

function currentItem(map: Y.Map<unknown> | null, key: string): Y.Item | null {
  return (map?._map.get(key) as Y.Item | undefined) ?? null;
}

function valueOf(item: Y.Item): unknown {
  if (item.content instanceof Y.ContentType) return item.content.type;
  return item.content.getContent()[0];
}

/**
 * After the server refused a change (close code 4422), an app reloads the doc from the server and calls
 * this to carry its own edits over from the old local copy: every value the old copy holds that the
 * server never received (found by Yjs item identity, so nobody else's newer edit is undone) is written
 * again on the fresh copy, one entry at a time, and kept only if `accept` (the same check the server
 * runs, `checkUpdate`) lets that entry's update through. The refused change itself stays out.
 */
export function carryOverChanges(from: Y.Doc, into: Y.Doc, kind: DocKind, accept: (update: Uint8Array) => boolean): CarryOverResult {
  const result: CarryOverResult = { carried: 0, dropped: 0 };
  let scratch: Y.Doc | null = null;
  const attempt = (change: (doc: Y.Doc) => void) => {
    scratch ??= cloneDoc(into);
    const before = Y.encodeStateVector(scratch);
    scratch.transact(() => change(scratch!));
    const update = Y.encodeStateAsUpdate(scratch, before);
    if (accept(update)) {
      Y.applyUpdate(into, update);
      result.carried++;
    } else {
      // The scratch copy now holds a refused change; later attempts start from the fresh copy again.
      scratch.destroy();
      scratch = null;
      result.dropped++;
    }
  };
  for (const [root, shape] of Object.entries(DOC_SHAPES[kind])) {
    if (shape.kind !== 'entries' && shape.kind !== 'values') continue;
    const old = mapOf(from, root);
    if (!old) continue;
    for (const key of old._map.keys()) {
      const mine = currentItem(old, key)!;
      const theirs = currentItem(mapOf(into, root), key);
      if (!holds(into, mine.id)) {
        if (mine.deleted) continue;
        // A value the server never got. Do not overwrite someone else's entry that took its key meanwhile.
        if (theirs && !theirs.deleted && !holds(from, theirs.id)) continue;
        const value = valueOf(mine);
        attempt((doc) => doc.getMap(root).set(key, value instanceof Y.Map ? copyMap(value) : value));
      } else if (mine.deleted && theirs === mine && !intoItemDeleted(into, mine)) {
        attempt((doc) => doc.getMap(root).delete(key));
      } else if (!mine.deleted && shape.kind === 'entries' && mine.content instanceof Y.ContentType) {
        carryFields(mine.content.type as Y.Map<unknown>, into, root, key, attempt);
      }
    }
  }
  (scratch as Y.Doc | null)?.destroy();
  return result;
}

function intoItemDeleted(into: Y.Doc, item: Y.Item): boolean {
  const same = Y.getItem(into.store, item.id) as Y.Item | Y.GC;
  return !(same instanceof Y.Item) || same.deleted;
}

/** Field edits on an entry both copies hold: each field value the server never got is written again. */
function carryFields(
  old: Y.Map<unknown>,
  into: Y.Doc,
  root: string,
  key: string,
  attempt: (change: (doc: Y.Doc) => void) => void,
): void {
  const entryItem = currentItem(mapOf(into, root), key);
  if (!entryItem || entryItem.deleted || !(entryItem.content instanceof Y.ContentType)) return;
  const fresh = entryItem.content.type as Y.Map<unknown>;
  const fields: [string, unknown, boolean][] = [];
  for (const [field, item] of old._map) {
    if (holds(into, item.id)) continue;
    fields.push([field, item.deleted ? undefined : valueOf(item), item.deleted]);
  }
  if (fields.length === 0 || fresh.doc !== into) return;
  attempt((doc) => {
    const entry = doc.getMap<Y.Map<unknown>>(root).get(key);
    if (!(entry instanceof Y.Map)) return;
    for (const [field, value, deleted] of fields) {
      if (deleted) entry.delete(field);
      else entry.set(field, value);
    }
  });
}

function copyMap(map: Y.Map<unknown>): Y.Map<unknown> {
  const copy = new Y.Map<unknown>();
  for (const [key, value] of map.entries()) copy.set(key, value instanceof Y.Map ? copyMap(value) : value);
  return copy;
}

function cloneDoc(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}
