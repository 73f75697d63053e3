/**
 * The demo event: made from the fictional Northshore export, marked as a demo, seeded with votes and table
 * themes; its pretend phones write through the sync server's own checks (a locked table stops them); it is
 * deleted when the server stops, and `main.ts --demo` stops cleanly on SIGTERM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventDocName, readEvent, readTable, setTableLocked, tableDocName } from '@tablemap/model';
import { DEMO_RETENTION_MS } from './demo-events.ts';
import {
  connectProvider,
  exitOf,
  postJson,
  startMain,
  startServer,
  storedDoc,
  tempDir,
  waitFor,
  waitForSync,
} from '../testing.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(overrides: Parameters<typeof startServer>[1] = {}) {
  const dir = await tempDir();
  const started = await startServer(dir.path, { demoPhoneIntervalMs: 40, ...overrides });
  cleanups.push(async () => {
    await started.close();
    await dir.remove();
  });
  return started;
}

describe('demo event', () => {
  it('is the fictional Northshore event, marked as a demo, with maps, notes, votes and themes on 6 tables', async () => {
    const running = await server();
    const created = await postJson(`${running.url}/api/demo`, {});
    expect(created.status).toBe(201);
    const eventId = created.json.eventId as string;
    expect(created.json).toMatchObject({
      demo: true,
      joinCode: expect.any(String),
      facilitatorToken: expect.any(String),
    });
    const event = readEvent(await storedDoc(running, eventDocName(eventId)));
    expect(event.demo).toBe(true);
    expect(event.title).toMatch(/demo/i);
    expect(event.tables).toHaveLength(6);
    // Left behind by a crash, retention removes it within a day.
    const retention = await running.store.privacy.getPrivacy(eventId);
    expect(retention!.deleteAfter).toBeLessThanOrEqual(Date.now() + DEMO_RETENTION_MS);
    for (const table of event.tables) {
      const snapshot = readTable(await storedDoc(running, tableDocName(eventId, table.id)));
      expect(snapshot.organisations.length, `${table.id} organisations`).toBeGreaterThan(3);
      expect(snapshot.notes.length, `${table.id} notes`).toBeGreaterThan(0);
      expect(Object.keys(snapshot.votes).length, `${table.id} votes`).toBeGreaterThan(0);
      expect(snapshot.tableThemes.map((theme) => theme.title)).toEqual(
        expect.arrayContaining(['Getting help early', 'Passed between services']),
      );
    }
    // A real event is not a demo.
    const real = await postJson(`${running.url}/api/events`, { title: 'Real exchange', tableCount: 2 });
    expect(readEvent(await storedDoc(running, eventDocName(real.json.eventId as string))).demo).toBe(false);
  });

  it('has pretend phones adding to two tables through the sync server, which a locked table stops', async () => {
    const running = await server();
    const demo = await running.demo.create();
    const t1 = connectProvider(running.wsBase, tableDocName(demo.eventId, 't1'), demo.facilitatorToken);
    const t3 = connectProvider(running.wsBase, tableDocName(demo.eventId, 't3'), demo.facilitatorToken);
    cleanups.push(async () => (t1.provider.destroy(), t3.provider.destroy()));
    await Promise.all([waitForSync(t1.provider), waitForSync(t3.provider)]);
    const count = (doc: typeof t1.doc) => {
      const table = readTable(doc);
      return (
        table.organisations.length + table.links.length + table.notes.length + Object.keys(table.votesByVoter).length
      );
    };
    const t1Before = count(t1.doc);
    const t3Before = count(t3.doc);
    await waitFor(() => count(t1.doc) >= t1Before + 6, 'the pretend phones to add to table 1', 10_000);
    // They are "here" by group, as phones announce themselves.
    const present = () => [...t1.provider.awareness.getStates().values()].filter((state) => (state as { role?: string }).role === 'participant');
    await waitFor(() => present().length === 2, 'the pretend phones to be present at table 1');
    expect(count(t3.doc), 'table 3 has no pretend phones').toBe(t3Before);

    // Lock table 1 as a facilitator would: the server refuses the phones' next change (4423) and they stop.
    const eventDoc = connectProvider(running.wsBase, eventDocName(demo.eventId), demo.facilitatorToken);
    cleanups.push(async () => eventDoc.provider.destroy());
    await waitForSync(eventDoc.provider);
    setTableLocked(eventDoc.doc, 't1', true);
    // Changes already on their way when the lock landed may still arrive; after a second nothing more does.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const atLock = count(t1.doc);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(count(t1.doc), 'nothing reaches a locked table').toBe(atLock);
  });

  it('is deleted when the server stops', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const first = await startServer(dir.path, { demoPhoneIntervalMs: 40 });
    const demo = await first.demo.create();
    await first.close();
    const second = await startServer(dir.path);
    cleanups.push(() => second.close());
    expect(await second.store.findById(demo.eventId)).toBeNull();
    expect((await fetch(`${second.url}/api/join/${demo.joinCode}`)).status).toBe(404);
    expect((await second.store.load(tableDocName(demo.eventId, 't1'))).updates).toEqual([]);
  });

  it('needs the organiser key when one is set, and runs at most three at once', async () => {
    const running = await server({ organiserKey: 'organiser-key-for-tests-0123456789' });
    expect((await postJson(`${running.url}/api/demo`, {})).status).toBe(401);
    const organiser = { Authorization: 'Bearer organiser-key-for-tests-0123456789' };
    for (let index = 0; index < 3; index++)
      expect((await postJson(`${running.url}/api/demo`, {}, organiser)).status).toBe(201);
    const fourth = await postJson(`${running.url}/api/demo`, {}, organiser);
    expect(fourth.status).toBe(429);
    expect(fourth.json.error).toBe('too_many_demos');
  });

  it('main.ts --demo: its pretend phones stop and the demo is deleted on SIGTERM, exit 0', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const demo = await startMain(dir.path, { LOG_LEVEL: 'info' }, ['--demo']);
    await waitFor(() => demo.output().includes('Demo event (made-up data'), 'the demo link', 10_000);
    const joinCode = /join with the code ([A-Z0-9]+)/.exec(demo.output())![1]!;
    // Let the phones add for a moment, then stop the server as systemd would.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = exitOf(demo.process);
    demo.process.kill('SIGTERM');
    const { code, ms } = await exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(demo.output()).toContain('demo event deleted as the server stops');
    expect(demo.output()).not.toMatch(/"level":50/);

    const after = await startMain(dir.path);
    cleanups.push(async () => {
      const done = exitOf(after.process);
      after.process.kill('SIGTERM');
      await done;
    });
    expect((await fetch(`${after.url}/api/join/${joinCode}`)).status).toBe(404);
  }, 30_000);
});
