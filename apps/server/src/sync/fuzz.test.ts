import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOrganisation, readTable } from '@tablemap/model';
import { connectProvider, createEvent, joinTable, openRaw, roundTrip, startServer, tempDir, waitFor, waitForSync, type CreatedEvent } from '../testing.ts';
import { DOCUMENTED_CLOSE_CODES, hostileFrame } from './fuzz.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

describe('bad frames (fast-check)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Awaited<ReturnType<typeof startServer>>;
  let event: CreatedEvent;

  beforeAll(async () => {
    dir = await tempDir();
    // Every case reuses one token: the cooldown after repeated refusals (tested in budgets.test.ts) is lifted here.
    server = await startServer(dir.path, { limits: { maxFrameBytes: 4096, messagesPerSecond: 10_000, refusalsPerMinute: 1_000_000, eventRefusalsPerMinute: 1_000_000 } });
    event = await createEvent(server.url, 2);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it(`never crashes and closes only the offending socket, with a documented code (${RUNS} cases)`, async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    // Bystanders on the same table and on another doc must keep working throughout.
    const bystander = connectProvider(server.wsBase, `table/${event.eventId}/t1`, event.facilitatorToken);
    const watcher = connectProvider(server.wsBase, `table/${event.eventId}/t1`, await joinTable(server.url, event.joinCode, 't1'));
    await Promise.all([waitForSync(bystander.provider), waitForSync(watcher.provider)]);
    const otherDoc = await openRaw(server.wsBase, `table/${event.eventId}/t2`, event.facilitatorToken);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(hostileFrame, { minLength: 1, maxLength: 3 }), async (frames) => {
          const client = await openRaw(server.wsBase, `table/${event.eventId}/t1`, token);
          for (const frame of frames) if (!client.isClosed()) client.ws.send(frame);
          const outcome = await roundTrip(client);
          if (outcome === 'closed') {
            const { code } = await client.closed;
            expect(DOCUMENTED_CLOSE_CODES.has(code), `close code ${code}`).toBe(true);
          } else {
            client.ws.close();
            await client.closed;
          }
        }),
        { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
      );
      expect(await roundTrip(otherDoc)).toBe('answered');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      addOrganisation(bystander.doc, { name: 'After the fuzz', sector: 'vcse' }, { group: 'carer', participantId: 'p1' });
      await waitFor(() => readTable(watcher.doc).organisations.some((org) => org.name === 'After the fuzz'), 'bystanders to converge');
    } finally {
      bystander.provider.destroy();
      watcher.provider.destroy();
      otherDoc.ws.close();
    }
  });
});
