/**
 * Deleting an event in multi-instance mode, against a real PostgreSQL and a real redis-server: the rows
 * and the table files of the database, and the Redis relay stream, keep nothing of it; sockets on every
 * instance close with 4410; another event is untouched.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { CLOSE_CODES, addNote, readTable, tableDocName, type Actor } from '@tablemap/model';
import { claimsOf, connectProvider, createEvent, joinTable, openRaw, postJson, startServer, tempDir, waitFor, waitForSync, type CreatedEvent } from '../testing.ts';
import { startRedisAndPostgres, type PostgresCluster, type RedisProcess } from '../../dev/infra.ts';

const TITLE = 'Marrowfield Peer Exchange';
const noteText = (table: number) => `Marrowfield crisis line ${table} never answers at night`;
const asStored = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** Every file under a directory, as latin1 text. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [inner, text] of filesUnder(path)) files.set(inner, text);
    else files.set(path, readFileSync(path).toString('latin1'));
  }
  return files;
}

describe('deleting an event on PostgreSQL + Redis', () => {
  let redis: RedisProcess;
  let postgres: PostgresCluster;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];

  beforeAll(async () => {
    ({ redis, postgres } = await startRedisAndPostgres());
  }, 60_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await redis?.kill();
    await postgres?.stop();
  });

  /** Two instances on a fresh database and relay stream of their own. */
  async function twoInstances(label: string) {
    const databaseUrl = await postgres.createDatabase(`tablemap_${label}_${process.pid}`);
    const stream = `relay:${label}:${process.pid}`;
    const start = async () => {
      const dir = await tempDir();
      const server = await startServer(dir.path, { databaseUrl, redisUrl: redis.url, relayStreamKey: stream });
      cleanups.push(() => dir.remove(), () => server.close());
      return server;
    };
    return { databaseUrl, stream, a: await start(), b: await start() };
  }

  it('leaves nothing of the event in the database rows, its table files or the relay stream', async () => {
    const { databaseUrl, stream, a, b } = await twoInstances('delete');
    const doomed = (await postJson(`${a.url}/api/events`, { title: TITLE, tableCount: 6 })).json as unknown as CreatedEvent;
    const keeper = await createEvent(b.url, 1);

    // Six tables of notes, written through both instances.
    for (let table = 0; table < 6; table++) {
      const server = table % 2 === 0 ? a : b;
      const tableId = doomed.tables[table]!.id;
      const token = await joinTable(server.url, doomed.joinCode, tableId);
      const client = connectProvider(server.wsBase, tableDocName(doomed.eventId, tableId), token);
      cleanups.push(() => client.provider.destroy());
      await waitForSync(client.provider);
      // The server refuses notes not signed with the sender's own id.
      const actor: Actor = { group: 'carer', participantId: claimsOf(token).participantId };
      addNote(client.doc, { text: noteText(table), kind: 'observation' }, actor);
      await waitFor(() => readTable(client.doc).notes.length === 1, 'note written');
    }
    const keeperToken = await joinTable(b.url, keeper.joinCode, 't1');
    const keeperClient = connectProvider(b.wsBase, tableDocName(keeper.eventId, 't1'), keeperToken);
    cleanups.push(() => keeperClient.provider.destroy());
    await waitForSync(keeperClient.provider);
    addNote(keeperClient.doc, { text: 'Keeper note stays put', kind: 'idea' }, { group: 'carer', participantId: claimsOf(keeperToken).participantId });

    const redisClient = new Redis(redis.url);
    cleanups.push(() => redisClient.disconnect());
    const streamText = async () => (await redisClient.xrangeBuffer(stream, '-', '+')).map(([, fields]) => Buffer.concat(fields).toString('latin1')).join('\n');
    await expect.poll(streamText, { timeout: 5000 }).toContain(asStored(noteText(5)));

    // Phones on both instances.
    const watcherToken = await joinTable(a.url, doomed.joinCode, 't2');
    const watchers = await Promise.all([a, b].map((server) => openRaw(server.wsBase, tableDocName(doomed.eventId, 't2'), watcherToken)));

    const response = await fetch(`${b.url}/api/events/${doomed.eventId}`, { method: 'DELETE', headers: { Authorization: `Bearer ${doomed.facilitatorToken}` } });
    expect(response.status).toBe(204);
    for (const watcher of watchers) expect((await watcher.closed).code).toBe(CLOSE_CODES.eventDeleted);
    expect((await fetch(`${a.url}/api/events/${doomed.eventId}/privacy`, { headers: { Authorization: `Bearer ${doomed.facilitatorToken}` } })).status).toBe(410);
    await waitFor(() => readTable(keeperClient.doc).notes.length === 1, 'keeper note');

    // The rows: nothing of the event in any table but its tombstone.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    cleanups.push(() => client.end());
    await expect.poll(async () => (await client.query("SELECT count(*)::int AS n FROM doc_updates WHERE name LIKE 'table/%'")).rows[0].n, { timeout: 5000 }).toBeGreaterThan(0);
    const tables = (await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows.map((row: { table_name: string }) => row.table_name);
    const secrets = [TITLE, doomed.joinCode, ...Array.from({ length: 6 }, (_, table) => noteText(table))];
    let keeperSeen = false;
    for (const table of tables) {
      const rows = (await client.query(`SELECT * FROM "${table}"`)).rows;
      // Buffers become latin1 text first (JSON.stringify would turn them into lists of numbers).
      const text = JSON.stringify(rows.map((row: Record<string, unknown>) => Object.values(row).map((value) => (Buffer.isBuffer(value) ? value.toString('latin1') : value))));
      if (text.includes('Keeper note stays put')) keeperSeen = true;
      for (const secret of secrets) expect(text.includes(asStored(secret)), `${table} still holds "${secret}"`).toBe(false);
      if (table !== 'deleted_events') expect(text, table).not.toContain(doomed.eventId);
    }
    expect(keeperSeen).toBe(true);

    // The database's files on disk (after a checkpoint writes every page): the keeper's note is there, the event's text is not.
    await client.query('CHECKPOINT');
    const oid = (await client.query('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0].oid as number;
    const files = filesUnder(join(postgres.dataDir, 'base', String(oid)));
    const all = [...files.values()].join('');
    expect(all).toContain('Keeper note stays put');
    for (const [path, text] of files) {
      for (const secret of secrets) expect(text.includes(asStored(secret)), `${path} still holds "${secret}"`).toBe(false);
    }

    // The relay stream: no entry of the event's docs and none of its text; the keeper's changes may stay.
    const entries = await redisClient.xrangeBuffer(stream, '-', '+');
    for (const [, fields] of entries) {
      const docName = fields[fields.findIndex((field) => field.toString() === 'd') + 1]?.toString() ?? '';
      expect(docName.includes(doomed.eventId), `stream entry for ${docName}`).toBe(false);
    }
    const remaining = await streamText();
    for (const secret of secrets) expect(remaining.includes(asStored(secret)), `stream still holds "${secret}"`).toBe(false);
    expect(readTable(keeperClient.doc).notes.map((note) => note.text)).toEqual(['Keeper note stays put']);
  }, 60_000);

  it('a withdrawal through one instance removes what the participant wrote through another from every stored row', async () => {
    const { databaseUrl, a, b } = await twoInstances('withdraw');
    const event = await createEvent(a.url, 1);
    const docName = tableDocName(event.eventId, 't1');
    // A holds the doc first (the facilitator's console), so what B stores later is newer than A's load.
    const console = connectProvider(a.wsBase, docName, event.facilitatorToken);
    cleanups.push(() => console.provider.destroy());
    await waitForSync(console.provider);
    const leaverToken = await joinTable(b.url, event.joinCode, 't1');
    const stayerToken = await joinTable(b.url, event.joinCode, 't1');
    const leaverId = JSON.parse(Buffer.from(leaverToken.split('.')[1]!, 'base64url').toString()).participantId as string;
    const phones = [leaverToken, stayerToken].map((token) => connectProvider(b.wsBase, docName, token));
    for (const phone of phones) cleanups.push(() => phone.provider.destroy());
    await Promise.all(phones.map((phone) => waitForSync(phone.provider)));
    for (let index = 0; index < 5; index++) {
      addNote(phones[0]!.doc, { text: `Leaver's private note number ${index}`, kind: 'observation' }, { group: 'carer', participantId: leaverId });
    }
    addNote(phones[1]!.doc, { text: 'Stayer note about the Tuesday drop-in', kind: 'idea' }, { group: 'carer', participantId: claimsOf(stayerToken).participantId });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    cleanups.push(() => client.end());
    const storedText = async () => {
      const rows = await client.query('SELECT data FROM doc_updates WHERE name = $1 UNION ALL SELECT snapshot FROM doc_snapshots WHERE name = $1', [docName]);
      return rows.rows.map((row: { data: Buffer }) => row.data.toString('latin1')).join('');
    };
    await expect.poll(storedText, { timeout: 5000 }).toContain("Leaver's private note number 4");
    await expect.poll(storedText, { timeout: 5000 }).toContain('Stayer note about the Tuesday drop-in');

    const answer = await postJson(`${a.url}/api/events/${event.eventId}/withdraw`, { participantId: leaverId }, { Authorization: `Bearer ${event.facilitatorToken}` });
    expect(answer.status).toBe(200);
    expect(answer.json.removed).toMatchObject({ notes: 5, consent: 1 });
    const after = await storedText();
    expect(after).not.toContain("Leaver's private note");
    expect(after).toContain('Stayer note about the Tuesday drop-in');
    await waitFor(() => readTable(phones[1]!.doc).notes.length === 1, 'the other phone on B sees the notes go');
  }, 60_000);
});
