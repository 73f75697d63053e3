import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersionOf, type Migration } from './versions.ts';

describe('migrate', () => {
  it('brings an empty doc to the current version once, by name', () => {
    const doc = new Y.Doc();
    expect(migrate(doc, 'table')).toEqual({ from: 0, to: CURRENT_SCHEMA_VERSION, applied: ['v1-initial-layout', 'v2-table-theme-boards'] });
    expect(schemaVersionOf(doc)).toBe(CURRENT_SCHEMA_VERSION);
    expect(doc.getMap('meta').get('kind')).toBe('table');
    expect(migrate(doc, 'table').applied).toEqual([]);
  });

  it('runs pending migrations in order and converges when two replicas migrate concurrently', () => {
    const addLocality: Migration = {
      version: CURRENT_SCHEMA_VERSION + 1,
      name: 'v2-default-locality',
      up(doc) {
        for (const org of doc.getMap<Y.Map<unknown>>('organisations').values()) {
          if (!org.has('locality')) org.set('locality', 'unknown');
        }
      },
    };
    const steps = [...MIGRATIONS, addLocality];
    const a = new Y.Doc();
    migrate(a, 'table');
    const org = new Y.Map<unknown>();
    org.set('name', 'Old org');
    a.getMap('organisations').set('o1', org);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(migrate(a, 'table', steps).applied).toEqual(['v2-default-locality']);
    expect(migrate(b, 'table', steps).applied).toEqual(['v2-default-locality']);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const root of ['meta', 'organisations']) expect(a.getMap(root).toJSON()).toEqual(b.getMap(root).toJSON());
    expect(schemaVersionOf(a)).toBe(CURRENT_SCHEMA_VERSION + 1);
    expect((a.getMap('organisations').get('o1') as Y.Map<unknown>).get('locality')).toBe('unknown');
  });

  it('brings a version-1 table doc with notes up to the theme-board layout without touching its notes', () => {
    const doc = new Y.Doc();
    migrate(doc, 'table', MIGRATIONS.slice(0, 1));
    const note = new Y.Map<unknown>();
    note.set('text', 'kept');
    doc.getMap('notes').set('n1', note);
    expect(migrate(doc, 'table').applied).toEqual(['v2-table-theme-boards']);
    expect(schemaVersionOf(doc)).toBe(2);
    expect(doc.getMap('notes').toJSON()).toEqual({ n1: { text: 'kept' } });
  });

  it('refuses a doc written by a newer version instead of downgrading it', () => {
    const doc = new Y.Doc();
    doc.getMap('meta').set('schemaVersion', CURRENT_SCHEMA_VERSION + 1);
    expect(() => migrate(doc, 'event')).toThrow(ModelError);
    expect(schemaVersionOf(doc)).toBe(CURRENT_SCHEMA_VERSION + 1);
  });
});
