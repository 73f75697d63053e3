import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION } from '@tablemap/model';
import { createEvent, postJson, startServer, tempDir } from '../testing.ts';
import { FIXTURE, fillEvent, type FilledEvent } from '../reports/test-fixture.ts';
import type { EventExport } from './event-export.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

/** Events in the index and docs in storage, read straight from the SQLite file. */
function countStored(dataDir: string): { events: number; docs: number } {
  const db = new DatabaseSync(join(dataDir, 'tablemap.sqlite'), { readOnly: true });
  try {
    const events = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const docs = (
      db.prepare('SELECT count(*) AS n FROM (SELECT name FROM doc_updates UNION SELECT name FROM doc_snapshots)').get() as { n: number }
    ).n;
    return { events: Number(events), docs: Number(docs) };
  } finally {
    db.close();
  }
}

/** The parts of an export that legitimately change on import: the event id and the export time. */
function withoutIds(data: EventExport): unknown {
  const copy = structuredClone(data) as EventExport & { docs: { event: { content: { meta: Record<string, unknown> } } } };
  copy.eventId = '<id>';
  copy.exportedAt = '<time>';
  copy.docs.event.content.meta.eventId = '<id>';
  // Retention dates and the access log belong to each event (an imported event starts its own).
  delete copy.privacy;
  return copy;
}

describe('full event export and import', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: FilledEvent;
  let original: EventExport;
  const exportOf = async (eventId: string, token: string): Promise<EventExport> => {
    const response = await fetch(`${server.url}/api/events/${eventId}/export?format=json`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as EventExport;
  };
  const importText = (body: string) =>
    fetch(`${server.url}/api/events/import`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await fillEvent(server);
    // The organisers' narrative, with a note quoted by reference: the backup carries it and an import restores it.
    const narrative = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Why we met', marks: [{ type: 'italic' }] }] }, { type: 'noteQuote', attrs: { noteId: event.visibleRef } }] };
    const put = await fetch(`${server.url}/api/events/${event.eventId}/report/sections/introduction`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${event.facilitatorToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(narrative),
    });
    expect(put.status).toBe(200);
    original = await exportOf(event.eventId, event.facilitatorToken);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it('exports every doc as plain data with its schema version', () => {
    expect(original).toMatchObject({ format: 'tablemap-event', version: 1, eventId: event.eventId, title: FIXTURE.title });
    expect(original.docs.event.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(original.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(original.skipped).toEqual([]);
    expect(Object.keys(original.docs.tables).sort()).toEqual(['t1', 't2']);
    expect(original.docs.tables.t1?.nested).toContain('notes');
    const notes = Object.values(original.docs.tables.t1!.content.notes as Record<string, { text: string }>).map((note) => note.text);
    // The full export is the facilitators' backup: the hidden note is kept, together with its redaction.
    expect(notes).toContain(FIXTURE.hiddenNote);
    expect(Object.keys(original.docs.synthesis!.content.hiddenNotes as object)).toEqual([event.hiddenRef]);
    expect(JSON.stringify(original.docs.roster)).toContain(FIXTURE.attendeeName);
    // Influence ratings travel per table under anonymous ids (`<organisationId>:<participantId>` → 0..5), never a name.
    const ratings = original.docs.tables.t1!.content.influence as Record<string, number>;
    expect(Object.values(ratings).sort()).toEqual([2, 4]);
    for (const key of Object.keys(ratings)) expect(key).toMatch(/^[a-z0-9_-]+:[a-z0-9_-]+$/);
    // It holds names, so its own download is in the access log it carries, with the retention date.
    expect(original.privacy?.accessLog).toEqual([expect.objectContaining({ role: 'facilitator', what: 'export.json', options: { format: 'json' } })]);
    expect(original.privacy?.deleteAfter).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(original.docs.report?.sections.introduction?.content[1]).toEqual({ type: 'noteQuote', attrs: { noteId: event.visibleRef } });
  });

  it('round-trips: export → import → export is equal apart from the event id and export time', async () => {
    const before = countStored(dir.path);
    const response = await importText(JSON.stringify(original));
    expect(response.status).toBe(201);
    const created = (await response.json()) as { eventId: string; joinCode: string; facilitatorToken: string; observerToken: string };
    expect(created.eventId).not.toBe(event.eventId);
    expect(created.joinCode).not.toBe(event.joinCode);
    expect(typeof created.observerToken).toBe('string');
    const after = countStored(dir.path);
    expect(after.events).toBe(before.events + 1);

    const again = await exportOf(created.eventId, created.facilitatorToken);
    expect(again.eventId).toBe(created.eventId);
    expect(again.docs.event.content.meta).toMatchObject({ eventId: created.eventId });
    expect(withoutIds(again)).toEqual(withoutIds(original));

    // The new event is a working event: phones can look up its join code, and its report renders.
    const lookup = await fetch(`${server.url}/api/join/${created.joinCode}`);
    expect(lookup.status).toBe(200);
    expect((await lookup.json()).title).toBe(FIXTURE.title);
    const report = await fetch(`${server.url}/api/events/${created.eventId}/report.pdf?sections=themes`, {
      headers: { Authorization: `Bearer ${created.facilitatorToken}` },
    });
    expect(report.status).toBe(200);
    // The old facilitator token does not open the new event.
    const foreign = await fetch(`${server.url}/api/events/${created.eventId}/analysis`, { headers: { Authorization: `Bearer ${event.facilitatorToken}` } });
    expect(foreign.status).toBe(403);
  });

  const badFiles: [string, () => string, number, RegExp][] = [
    ['not JSON', () => '{"format": "tablemap-event", "version": 1, ', 400, /not JSON/],
    ['another kind of file', () => JSON.stringify({ hello: 'world' }), 400, /not a Tablemap event export/],
    ['a newer export version', () => JSON.stringify({ ...original, version: 2 }), 400, /version 2.*version 1/],
    ['a doc with a newer schema version', () => {
      const copy = structuredClone(original);
      copy.docs.tables.t1!.schemaVersion = 99;
      return JSON.stringify(copy);
    }, 400, /schemaVersion is newer/],
    ['a missing event doc', () => {
      const copy = structuredClone(original) as unknown as { docs: Record<string, unknown> };
      delete copy.docs.event;
      return JSON.stringify(copy);
    }, 400, /docs\.event/],
    ['a missing eventId', () => {
      const { eventId: _dropped, ...rest } = original;
      return JSON.stringify(rest);
    }, 400, /eventId/],
    ['an export from a newer server', () => JSON.stringify({ ...original, schemaVersion: 99 }), 400, /schemaVersion is newer/],
  ];

  it('drops entries the model does not define with warnings, and imports the rest', async () => {
    const copy = structuredClone(original);
    const orgs = copy.docs.tables.t1!.content.organisations as Record<string, Record<string, unknown>>;
    const [firstId, first] = Object.entries(orgs)[0]!;
    first.sector = 'Not A Sector!';
    (copy.docs.tables.t1!.content.notes as Record<string, unknown>).junk1 = 42;
    copy.docs.tables.t9 = copy.docs.tables.t1!;
    copy.docs.event.content.payload = { evil: true };
    const response = await importText(JSON.stringify(copy));
    expect(response.status).toBe(201);
    const answer = (await response.json()) as { eventId: string; facilitatorToken: string; warnings: string[] };
    const warnings = answer.warnings.join('\n');
    expect(warnings).toContain(`docs.tables.t1.content.organisations.${firstId}: not an entry the model defines; left out`);
    expect(warnings).toContain('docs.tables.t1.content.notes.junk1');
    expect(warnings).toContain('docs.tables.t9: the event has no such table');
    expect(warnings).toContain('unknown part "payload"');
    const exported = await exportOf(answer.eventId, answer.facilitatorToken);
    expect(Object.keys(exported.docs.tables.t1!.content.organisations as object)).not.toContain(firstId);
    expect(Object.keys(exported.docs.tables.t1!.content.notes as object)).not.toContain('junk1');
    expect(exported.skipped).toEqual([]);
  });

  for (const [name, body, status, message] of badFiles) {
    it(`refuses ${name} with a clear message and creates nothing`, async () => {
      const before = countStored(dir.path);
      const response = await importText(body());
      expect(response.status).toBe(status);
      const answer = await response.json();
      expect(answer.message).toMatch(message);
      expect(countStored(dir.path)).toEqual(before);
    });
  }

  it('refuses a file over 50 MB with 413 and creates nothing', async () => {
    const before = countStored(dir.path);
    const padding = 'x'.repeat(50 * 1024 * 1024);
    const response = await importText(JSON.stringify({ ...original, padding }));
    expect(response.status).toBe(413);
    expect((await response.json()).message).toMatch(/50 MB/);
    expect(countStored(dir.path)).toEqual(before);
  });

  it('needs the organiser key when one is configured', async () => {
    const keyed = await tempDir();
    const guarded = await startServer(keyed.path, { organiserKey: 'sesame-organiser-key' });
    try {
      const without = await postJson(`${guarded.url}/api/events/import`, original);
      expect(without.status).toBe(401);
      const withKey = await postJson(`${guarded.url}/api/events/import`, original, { Authorization: 'Bearer sesame-organiser-key' });
      expect(withKey.status).toBe(201);
      expect(countStored(keyed.path).events).toBe(1);
    } finally {
      await guarded.close();
      await keyed.remove();
    }
  });

  it('export leaves out entries the model does not define and lists what it skipped', async () => {
    const event = await createEvent(server.url, 1);
    await server.registry.withDoc(`table/${event.eventId}/t1`, { kind: 'table', eventId: event.eventId, tableId: 't1' }, (entry) => {
      entry.doc.getMap('notes').set('junk1', 42);
      entry.doc.getMap('junkroot').set('x', 1);
    });
    const exported = await exportOf(event.eventId, event.facilitatorToken);
    expect(exported.skipped).toEqual(['table.notes.junk1: not an entry the model defines', 'table.junkroot: not part of a table document'].map((line) => line.replace('table.', `table/${event.eventId}/t1.`)));
    expect(exported.docs.tables.t1!.content.notes).toEqual({});
    // The export imports cleanly.
    const response = await importText(JSON.stringify(exported));
    expect(response.status).toBe(201);
  });
});
