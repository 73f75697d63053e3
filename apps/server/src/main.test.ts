import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { addOrganisation, readTable } from '@tablemap/model';
import { connectProvider, createEvent, exitOf, openRaw, postJson, roundTrip, startMain, tempDir, updateFrame, waitForSync } from './testing.ts';
import * as Y from 'yjs';

describe('node src/main.ts', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the facilitator URL, and on SIGTERM flushes, exits 0 within 5 s and serves everything after a restart', async () => {
    const dir = await tempDir();
    try {
      const first = await startMain(dir.path);
      children.push(first.process);
      expect(first.output()).toContain('/facilitate');
      const event = await createEvent(first.url, 2);
      const wsBase = first.url.replace('http', 'ws');
      const docName = `table/${event.eventId}/t1`;
      // Raw writes with no relay to anyone: only the server's own durability keeps them.
      const raw = await openRaw(wsBase, docName, event.facilitatorToken);
      const writer = new Y.Doc();
      for (let index = 0; index < 20; index++) {
        const before = Y.encodeStateVector(writer);
        addOrganisation(writer, { name: `Org ${index}`, sector: 'vcse' }, { group: 'carer', participantId: 'p1' });
        raw.ws.send(updateFrame(Y.encodeStateAsUpdate(writer, before)));
      }
      expect(await roundTrip(raw)).toBe('answered');
      const exited = exitOf(first.process);
      first.process.kill('SIGTERM');
      const { code, ms } = await exited;
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
      expect((await raw.closed).code).toBe(1001);

      const second = await startMain(dir.path);
      children.push(second.process);
      const reader = connectProvider(second.url.replace('http', 'ws'), docName, event.facilitatorToken);
      await waitForSync(reader.provider);
      expect(readTable(reader.doc).organisations).toHaveLength(20);
      reader.provider.destroy();
      const lookup = await postJson(`${second.url}/api/join`, { joinCode: event.joinCode, tableId: 't2', group: 'carer', consent: true });
      expect(lookup.status).toBe(200);
      const stopped = exitOf(second.process);
      second.process.kill('SIGINT');
      expect((await stopped).code).toBe(0);
    } finally {
      await dir.remove();
    }
  });
});
