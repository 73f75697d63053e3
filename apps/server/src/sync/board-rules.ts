import * as Y from 'yjs';
import { tableBoardViolations, type ReadProblem } from '@tablemap/model';

/** The table doc's theme-board roots; a participant's change to them is checked against the model's rules. */
const BOARD_ROOTS = new Set(['tableThemes', 'notePlacements']);
const MAX_DEPTH = 16;

type Struct = Y.Item | Y.GC | Y.Skip;

/** Finds the struct holding `id`: one of the update's own (not yet applied), or one already in the doc. */
function locate(doc: Y.Doc, own: Map<number, Struct[]>, id: Y.ID): Y.Item | null {
  for (const struct of own.get(id.client) ?? []) {
    if (struct instanceof Y.Item && id.clock >= struct.id.clock && id.clock < struct.id.clock + struct.length) return struct;
  }
  try {
    return Y.getItem(doc.store, id);
  } catch {
    return null; // not known yet: its change waits in Yjs's pending queue
  }
}

/** The root type an item belongs to, following parents and (where the encoding leaves the parent out) origins. */
function rootOf(doc: Y.Doc, own: Map<number, Struct[]>, item: Y.Item, depth = 0): string | null {
  if (depth > MAX_DEPTH) return null;
  const parent = item.parent as Y.AbstractType<unknown> | Y.ID | string | null;
  if (typeof parent === 'string') return parent;
  if (parent instanceof Y.AbstractType) return parent._item ? rootOf(doc, own, parent._item, depth + 1) : Y.findRootTypeKey(parent);
  const next = parent instanceof Y.ID ? parent : (item.origin ?? item.rightOrigin);
  const found = next ? locate(doc, own, next) : null;
  return found ? rootOf(doc, own, found, depth + 1) : null;
}

/** Does this update (its decoded structs) write into the theme board? Unresolvable items count as yes, so they get checked. */
export function touchesBoard(doc: Y.Doc, structs: readonly Struct[]): boolean {
  const own = new Map<number, Struct[]>();
  for (const struct of structs) {
    const ofClient = own.get(struct.id.client);
    if (ofClient) ofClient.push(struct);
    else own.set(struct.id.client, [struct]);
  }
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const root = rootOf(doc, own, struct);
    if (root === null || BOARD_ROOTS.has(root)) return true;
  }
  return false;
}

type Copy = { doc: Y.Doc; unconfirmed: object | null };

/**
 * The board rules a participant's change must keep (the model's `tableBoardViolations`), judged on a copy of
 * the table doc with the change applied; only problems the change introduces count, so junk already there
 * (written by a facilitator or an older build) does not lock a table's board.
 *
 * The copy is kept per doc and brought up to date before each check with only what the doc applied since:
 * a fresh copy for every check costs in proportion to the whole table, every time a note is dragged
 * (`bench/validation.ts` times both). It is thrown away, and rebuilt at the next check, when the change it
 * was given is not applied to the doc: refused here, or by a rule after this one (`applied` never came).
 * Otherwise it could keep content, or a deletion, the doc never had.
 */
export class BoardChecker {
  private readonly copies = new WeakMap<Y.Doc, Copy>();

  /** The board problems `update` would introduce in `doc`; `change` names this check for `applied`. */
  broken(doc: Y.Doc, update: Uint8Array, change: object): ReadProblem[] {
    const copy = this.currentCopy(doc);
    const key = (problem: ReadProblem) => `${problem.collection}/${problem.key}/${problem.reason}`;
    const before = new Set(tableBoardViolations(copy.doc).map(key));
    Y.applyUpdate(copy.doc, update);
    const after = tableBoardViolations(copy.doc).filter((problem) => !before.has(key(problem)));
    if (after.length > 0) this.copies.delete(doc);
    else copy.unconfirmed = change;
    return after;
  }

  /** The change last judged for `doc` was applied to it: the copy holds exactly the doc again. */
  applied(doc: Y.Doc, change: object): void {
    const copy = this.copies.get(doc);
    if (copy?.unconfirmed === change) copy.unconfirmed = null;
  }

  private currentCopy(doc: Y.Doc): Copy {
    let copy = this.copies.get(doc);
    if (!copy || copy.unconfirmed !== null) {
      copy = { doc: new Y.Doc({ gc: false }), unconfirmed: null };
      this.copies.set(doc, copy);
    }
    // What the doc applied since the last check, with its whole delete set (deletions carry no clock).
    Y.applyUpdate(copy.doc, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(copy.doc)));
    return copy;
  }
}
