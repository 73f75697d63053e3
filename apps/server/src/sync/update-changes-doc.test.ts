import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { updateChangesDoc } from './messages.ts';

function captureUpdates(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return updates;
}

describe('updateChangesDoc', () => {
  it("sees a client's second and later updates as changes, not only its first", () => {
    const phone = new Y.Doc();
    const server = new Y.Doc();
    const updates = captureUpdates(phone);
    phone.getMap('organisations').set('a', 1);
    phone.getMap('organisations').set('b', 2);
    const [first, second] = updates;
    expect(updateChangesDoc(server, first!)).toBe(true);
    Y.applyUpdate(server, first!);
    expect(updateChangesDoc(server, first!)).toBe(false);
    expect(updateChangesDoc(server, second!)).toBe(true);
    Y.applyUpdate(server, second!);
    expect(updateChangesDoc(server, second!)).toBe(false);
  });

  it('sees a deletion of known content as a change, and a repeated one as none', () => {
    const phone = new Y.Doc();
    phone.getMap('organisations').set('a', 1);
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(phone));
    const updates = captureUpdates(phone);
    phone.getMap('organisations').delete('a');
    expect(updateChangesDoc(server, updates[0]!)).toBe(true);
    Y.applyUpdate(server, updates[0]!);
    expect(updateChangesDoc(server, updates[0]!)).toBe(false);
  });
});
