import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addTable, initEventDoc, readEvent } from '@tablemap/model';
import { tryChange } from './try-change.ts';

describe('tryChange', () => {
  it('returns nothing for an accepted change and the model’s reason for a refused one', () => {
    const doc = new Y.Doc();
    initEventDoc(doc, { eventId: 'ev1', title: 'Exchange', tableCount: 1 });
    expect(tryChange(() => addTable(doc, 'Garden room'))).toBe('');
    expect(tryChange(() => addTable(doc, 'garden room'))).toBe('There is already a table called "garden room"');
    expect(readEvent(doc).tables.map((table) => table.name)).toEqual(['Table 1', 'Garden room']);
  });
});
