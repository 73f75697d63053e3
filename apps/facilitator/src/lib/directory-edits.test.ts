import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DirectoryEditError, clearDirectoryEdit, readDirectoryEdits, setDirectoryEdit } from './directory-edits.ts';

describe('directory edits in the synthesis doc', () => {
  it('stores trimmed overrides per organisation, drops empty fields, and syncs to another replica', () => {
    const doc = new Y.Doc();
    setDirectoryEdit(doc, 'name:riverside housing', { name: ' Riverside Housing Assoc. ', remit: 'Supported housing', locality: '', size: undefined });
    expect(readDirectoryEdits(doc)).toEqual({ 'name:riverside housing': { name: 'Riverside Housing Assoc.', remit: 'Supported housing' } });

    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    expect(readDirectoryEdits(replica)).toEqual(readDirectoryEdits(doc));

    setDirectoryEdit(doc, 'name:riverside housing', { name: '', remit: '' });
    expect(readDirectoryEdits(doc)).toEqual({});
  });

  it('refuses an invalid edit with a clear message and leaves the stored edit unchanged', () => {
    const doc = new Y.Doc();
    setDirectoryEdit(doc, 'org', { remit: 'Peer groups' });
    expect(() => setDirectoryEdit(doc, 'org', { size: 'enormous' })).toThrow(DirectoryEditError);
    expect(() => setDirectoryEdit(doc, 'org', { sector: 'Not An Id' })).toThrow(/sector/);
    expect(() => setDirectoryEdit(doc, 'org', { name: 'x'.repeat(121) })).toThrow(/120/);
    expect(() => setDirectoryEdit(doc, '', { remit: 'x' })).toThrow(DirectoryEditError);
    expect(readDirectoryEdits(doc)).toEqual({ org: { remit: 'Peer groups' } });
  });

  it('skips malformed entries written by another client instead of failing', () => {
    const doc = new Y.Doc();
    doc.getMap('directoryEdits').set('bad', { size: 'enormous' });
    doc.getMap('directoryEdits').set('worse', 42);
    setDirectoryEdit(doc, 'good', { locality: 'Northshore' });
    expect(readDirectoryEdits(doc)).toEqual({ good: { locality: 'Northshore' } });
    clearDirectoryEdit(doc, 'good');
    expect(readDirectoryEdits(doc)).toEqual({});
  });
});
