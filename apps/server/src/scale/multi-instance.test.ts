/**
 * Multi-instance mode against a real redis-server and a real PostgreSQL (temp cluster), with two or
 * three server instances: in-process ones, and child processes where one has to crash.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import * as Y from 'yjs';
import { addOrganisation, readTable, tableDocName, type Actor } from '@tablemap/model';
import { PostgresStore } from '../storage/postgres-store.ts';
import {
  connectProvider,
  createEvent,
  joinTable,
  openRaw,
  postJson,
  sleep,
  startServer,
  tempDir,
  waitFor,
  waitForSync,
} from '../testing.ts';
import type { Limits } from '../config.ts';
import { FailoverProxy, InstanceProcess, startRedisAndPostgres, type PostgresCluster, type RedisProcess } from '../../dev/infra.ts';

const orgNames = (doc: Y.Doc) => readTable(doc).organisations.map((org) => org.name).sort();
const range = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix} ${index}`);
const actor = (participantId: string): Actor => ({ group: 'carer', participantId });

// Never skipped: without Redis or PostgreSQL, starting them fails every test with the reason and the fix.
describe('multi-instance mode (PostgreSQL + Redis)', () => {
  let redis: RedisProcess;
  let postgres: PostgresCluster;
  let databaseCount = 0;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];

  beforeAll(async () => {
    ({ redis, postgres } = await startRedisAndPostgres());
  }, 60_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await Promise.all([redis?.kill(), postgres?.stop()]);
  });

  /** A fresh database per test, so their tables never mix. */
  function newDatabase(): Promise<string> {
    return postgres.createDatabase(`tablemap_${process.pid}_${++databaseCount}`);
  }

  async function startInstance(databaseUrl: string, streamKey: string, limits: Partial<Limits> = {}) {
    const dir = await tempDir();
    const server = await startServer(dir.path, { databaseUrl, redisUrl: redis.url, relayStreamKey: streamKey, limits });
    cleanups.push(() => dir.remove(), () => server.close());
    return server;
  }

  function provider(wsBase: string, docName: string, token: string, doc?: Y.Doc) {
    const client = connectProvider(wsBase, docName, token, doc);
    cleanups.push(() => client.provider.destroy());
    return client;
  }

  it('clients on three instances converge, share tokens and join codes, and see each other\'s presence', async () => {
    const databaseUrl = await newDatabase();
    const stream = `relay:${databaseUrl}`;
    const [a, b, c] = [await startInstance(databaseUrl, stream), await startInstance(databaseUrl, stream), await startInstance(databaseUrl, stream)];
    const event = await createEvent(a!.url);
    const tableId = event.tables[0]!.id;
    // The join code created on A works on B, and B's token is accepted by C (one signing key in the database).
    const token = await joinTable(b!.url, event.joinCode, tableId);
    const docName = tableDocName(event.eventId, tableId);
    const clients = [a!, b!, c!].map((server) => provider(server.wsBase, docName, token));
    await Promise.all(clients.map((client) => waitForSync(client.provider)));

    clients.forEach((client, index) => {
      for (const name of range(`Instance ${index}`, 5)) addOrganisation(client.doc, { name, sector: 'vcse' }, actor(`p${index}`));
    });
    const expected = [...range('Instance 0', 5), ...range('Instance 1', 5), ...range('Instance 2', 5)].sort();
    await waitFor(() => clients.every((client) => orgNames(client.doc).join() === expected.join()), 'all three clients to converge', 10_000);

    // Presence set on A reaches the client on C.
    clients[0]!.provider.awareness.setLocalStateField('user', { group: 'carer', colour: '#123456' });
    const watcherAwareness = clients[2]!.provider.awareness;
    await waitFor(
      () => [...watcherAwareness.getStates().values()].some((state) => (state as { user?: { colour?: string } }).user?.colour === '#123456'),
      'presence from instance A to reach a client on C',
    );

    // What PostgreSQL holds is the same state.
    const store = await PostgresStore.connect(databaseUrl);
    cleanups.push(() => store.close());
    const stored = new Y.Doc();
    for (const update of (await store.load(docName)).updates) Y.applyUpdate(stored, update);
    expect(orgNames(stored)).toEqual(expected);
  });

  it('restarting Redis mid-edit loses nothing', async () => {
    const databaseUrl = await newDatabase();
    const stream = `relay:${databaseUrl}`;
    const a = await startInstance(databaseUrl, stream);
    const b = await startInstance(databaseUrl, stream);
    const event = await createEvent(a.url);
    const docName = tableDocName(event.eventId, event.tables[0]!.id);
    const token = await joinTable(a.url, event.joinCode, event.tables[0]!.id);
    const onA = provider(a.wsBase, docName, token);
    const onB = provider(b.wsBase, docName, token);
    await Promise.all([waitForSync(onA.provider), waitForSync(onB.provider)]);

    const edits = 30;
    const typing = (async () => {
      for (let index = 0; index < edits; index++) {
        addOrganisation(onA.doc, { name: `From A ${index}`, sector: 'vcse' }, actor('pa'));
        addOrganisation(onB.doc, { name: `From B ${index}`, sector: 'nhs' }, actor('pb'));
        await sleep(25);
      }
    })();
    await sleep(250);
    await redis.restart(400); // an empty Redis: the stream and everything in flight are gone
    await typing;

    const expected = [...range('From A', edits), ...range('From B', edits)].sort();
    await waitFor(
      () => orgNames(onA.doc).join() === expected.join() && orgNames(onB.doc).join() === expected.join(),
      'both clients to hold all 60 edits after the Redis restart',
      15_000,
    );
  });

  it('a change whose relay message was lost reaches the other instance from the database', async () => {
    const databaseUrl = await newDatabase();
    const stream = `relay:${databaseUrl}`;
    const a = await startInstance(databaseUrl, stream);
    const event = await createEvent(a.url);
    const docName = tableDocName(event.eventId, event.tables[0]!.id);
    const token = await joinTable(a.url, event.joinCode, event.tables[0]!.id);
    const watcher = provider(a.wsBase, docName, token);
    await waitForSync(watcher.provider);

    // Another instance commits a change, but its stream entry never reaches Redis: only its number
    // (announced by the next heartbeat) shows that something is missing.
    const store = await PostgresStore.connect(databaseUrl);
    cleanups.push(() => store.close());
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(watcher.doc));
    const before = Y.encodeStateVector(writer);
    addOrganisation(writer, { name: 'Committed, never relayed', sector: 'housing' }, actor('px'));
    await store.append(docName, Y.encodeStateAsUpdate(writer, before));
    const admin = new Redis(redis.url);
    cleanups.push(() => admin.quit());
    await admin.xadd(stream, '*', 'i', 'lost-instance', 'n', '1', 'k', 'h', 'd', '', 'p', '');
    expect(orgNames(watcher.doc)).toEqual([]);
    await admin.xadd(stream, '*', 'i', 'lost-instance', 'n', '2', 'k', 'h', 'd', '', 'p', '');

    await waitFor(() => orgNames(watcher.doc).includes('Committed, never relayed'), 'the gap to be filled from PostgreSQL');
    expect(a.remoteChanges?.resyncCount).toBeGreaterThan(0);
  });

  it('revoking a participant on one instance closes their socket on another (4401)', async () => {
    const databaseUrl = await newDatabase();
    const stream = `relay:${databaseUrl}`;
    const a = await startInstance(databaseUrl, stream);
    const b = await startInstance(databaseUrl, stream);
    const event = await createEvent(a.url);
    const tableId = event.tables[0]!.id;
    const joined = await postJson(`${b.url}/api/join`, { joinCode: event.joinCode, tableId, group: 'carer', consent: true });
    const socket = await openRaw(b.wsBase, tableDocName(event.eventId, tableId), joined.json.token as string);
    cleanups.push(() => socket.ws.terminate());
    const revoked = await postJson(
      `${a.url}/api/events/${event.eventId}/revoke`,
      { participantId: joined.json.participantId },
      { Authorization: `Bearer ${event.facilitatorToken}` },
    );
    expect(revoked.status).toBe(200);
    expect((await socket.closed).code).toBe(4401);
  });

  it('killing one instance moves its clients to another and loses nothing', async () => {
    const databaseUrl = await newDatabase();
    const dataDir = await tempDir();
    cleanups.push(() => dataDir.remove());
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, DATA_DIR: dataDir.path };
    const [first, second] = await Promise.all([InstanceProcess.start(env), InstanceProcess.start(env)]);
    cleanups.push(() => first!.stop(), () => second!.stop());
    const balancer = await FailoverProxy.start([first!.port, second!.port]);
    cleanups.push(() => balancer.close());
    const wsBalancer = balancer.url.replace(/^http/, 'ws');

    const event = await createEvent(balancer.url);
    const docName = tableDocName(event.eventId, event.tables[0]!.id);
    const token = await joinTable(balancer.url, event.joinCode, event.tables[0]!.id);
    // Two phones through the balancer (so on the first instance), one straight on the second.
    const phones = [provider(wsBalancer, docName, token), provider(wsBalancer, docName, token), provider(second!.url.replace(/^http/, 'ws'), docName, token)];
    await Promise.all(phones.map((phone) => waitForSync(phone.provider)));
    // If the phones never converge, the failure says why: how each socket was closed, and the survivor's log.
    const closes: string[][] = phones.map(() => []);
    phones.forEach((phone, which) => phone.provider.on('connection-close', (event) => closes[which]!.push(String(event?.code))));

    const edits = 12;
    const typing = (async () => {
      for (let index = 0; index < edits; index++) {
        phones.forEach((phone, which) => addOrganisation(phone.doc, { name: `Phone ${which} edit ${index}`, sector: 'vcse' }, actor(`p${which}`)));
        await sleep(60);
      }
    })();
    await sleep(300);
    await first!.kill(); // a crash: no shutdown, no flush
    await typing;

    const expected = [0, 1, 2].flatMap((which) => range(`Phone ${which} edit`, edits)).sort();
    await waitFor(
      () => phones.every((phone) => orgNames(phone.doc).join() === expected.join()),
      'every phone to hold every edit after the failover',
      20_000,
    ).catch((error: Error) => {
      const states = phones.map((phone, which) => `phone ${which}: ${orgNames(phone.doc).length}/${expected.length} edits, connected ${phone.provider.wsconnected}, closes [${closes[which]!.join(', ')}]`);
      throw new Error(`${error.message}\n${states.join('\n')}\nsurviving instance log:\n${second!.output.slice(-4000)}`);
    });
    // And the database has them all: a phone opening the table now gets everything.
    const late = provider(wsBalancer, docName, token);
    await waitForSync(late.provider);
    expect(orgNames(late.doc)).toEqual(expected);
    // Longer than the convergence wait above plus the instances' start, so a phone that never converges
    // fails with its diagnosis (closes, survivor's log) rather than a bare timeout.
  }, 45_000);

  it('concurrent compaction on two instances does not corrupt the log', async () => {
    const databaseUrl = await newDatabase();
    const stream = `relay:${databaseUrl}`;
    // Compaction after every 3 entries: both instances compact the same doc over and over while both are written.
    const a = await startInstance(databaseUrl, stream, { compactAfterUpdates: 3 });
    const b = await startInstance(databaseUrl, stream, { compactAfterUpdates: 3 });
    const event = await createEvent(a.url);
    const docName = tableDocName(event.eventId, event.tables[0]!.id);
    const token = await joinTable(a.url, event.joinCode, event.tables[0]!.id);
    const onA = provider(a.wsBase, docName, token);
    const onB = provider(b.wsBase, docName, token);
    await Promise.all([waitForSync(onA.provider), waitForSync(onB.provider)]);
    const edits = 40;
    for (let index = 0; index < edits; index++) {
      addOrganisation(onA.doc, { name: `A ${index}`, sector: 'vcse' }, actor('pa'));
      addOrganisation(onB.doc, { name: `B ${index}`, sector: 'vcse' }, actor('pb'));
      if (index % 4 === 0) await sleep(5);
    }
    const expected = [...range('A', edits), ...range('B', edits)].sort();
    await waitFor(() => orgNames(onA.doc).join() === expected.join() && orgNames(onB.doc).join() === expected.join(), 'both clients to converge');

    const store = await PostgresStore.connect(databaseUrl);
    cleanups.push(() => store.close());
    // A due log is folded once the table pauses: give it the pause.
    let stored = await store.load(docName);
    for (let tries = 0; tries < 30 && stored.logLength >= 2 * edits; tries++) {
      await sleep(100);
      stored = await store.load(docName);
    }
    const fromDatabase = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(fromDatabase, update);
    expect(orgNames(fromDatabase)).toEqual(expected);
    expect(stored.logLength).toBeLessThan(2 * edits); // compaction did run
  });

  it('two stores compacting the same doc from stale views keep every committed row', async () => {
    const databaseUrl = await newDatabase();
    const [one, two] = await Promise.all([PostgresStore.connect(databaseUrl), PostgresStore.connect(databaseUrl)]);
    cleanups.push(() => one.close(), () => two.close());
    const name = 'table/evt/tbl';
    // Each "instance" knows only its own writes: its snapshot lacks the other's rows, although its
    // throughSeq is past some of them. Naive "delete rows <= throughSeq" would lose the other's rows.
    const views = [new Y.Doc(), new Y.Doc()];
    const stores = [one, two];
    const lastSeq = [0, 0];
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        views.map(async (view, which) => {
          for (let index = 0; index < 4; index++) {
            const before = Y.encodeStateVector(view);
            view.getMap('orgs').set(`store${which}-r${round}-${index}`, round);
            lastSeq[which] = await stores[which]!.append(name, Y.encodeStateAsUpdate(view, before));
          }
        }),
      );
      await Promise.all(views.map((view, which) => stores[which]!.compact(name, Y.encodeStateAsUpdate(view), lastSeq[which]!)));
    }
    const stored = await one.load(name);
    const merged = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(merged, update);
    expect(merged.getMap('orgs').size).toBe(2 * 6 * 4);
    expect(stored.logLength).toBeLessThanOrEqual(8);
  });
});
