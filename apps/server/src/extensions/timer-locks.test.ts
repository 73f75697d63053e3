/**
 * "Lock every table when time is up" is kept by the server, so it holds when no console is open at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvent, setTimerEndAction, startTimer, stopTimer, type TimerEndAction } from '@tablemap/model';
import { connectProvider, createEvent, joinTable, mapUpdate, openRaw, startServer, storedDoc, tempDir, updateFrame, waitFor, waitForSync } from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

describe('time up locks the tables on the server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  /** A new event whose facilitator console set the end action and started a timer of `durationMs`. */
  async function eventWithTimer(action: TimerEndAction, durationMs: number) {
    const event = await createEvent(server.url, 2);
    const console = connectProvider(server.wsBase, `event/${event.eventId}`, event.facilitatorToken);
    await waitForSync(console.provider);
    setTimerEndAction(console.doc, action);
    startTimer(console.doc, durationMs, Date.now());
    const lockedNow = async () => readEvent(await storedDoc(server, `event/${event.eventId}`)).tables.map((table) => table.locked);
    return { event, console, lockedNow };
  }

  it('locks every table at the end of a "lock" timer with the console closed, and phones can no longer write', async () => {
    const { event, console, lockedNow } = await eventWithTimer('lock', 400);
    await waitFor(() => readEvent(console.doc).timer !== null, 'the timer to be set');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the change reaches the server
    console.provider.destroy(); // the laptop went to sleep
    expect(await lockedNow()).toEqual([false, false]);

    let locked = await lockedNow();
    for (let attempt = 0; attempt < 100 && !locked.every(Boolean); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      locked = await lockedNow();
    }
    expect(locked).toEqual([true, true]);

    const token = await joinTable(server.url, event.joinCode, 't1');
    const phone = await openRaw(server.wsBase, `table/${event.eventId}/t1`, token);
    phone.ws.send(updateFrame(mapUpdate('positions', 'after-time-up', { x: 1, y: 1 })));
    expect((await phone.closed).code).toBe(4423);
    expect((await storedDoc(server, `table/${event.eventId}/t1`)).getMap('positions').has('after-time-up')).toBe(false);
  });

  it('leaves the tables open when the timer only signals, or was stopped before its end', async () => {
    const signalOnly = await eventWithTimer('signal', 300);
    const stopped = await eventWithTimer('lock', 300);
    await waitFor(() => readEvent(stopped.console.doc).timer !== null, 'the timer to be set');
    stopTimer(stopped.console.doc);
    await new Promise((resolve) => setTimeout(resolve, 900)); // well past both ends
    expect(await signalOnly.lockedNow()).toEqual([false, false]);
    expect(await stopped.lockedNow()).toEqual([false, false]);
    signalOnly.console.provider.destroy();
    stopped.console.provider.destroy();
  });
});
