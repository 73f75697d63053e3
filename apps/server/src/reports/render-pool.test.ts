import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError } from '@tablemap/report';
import { startServer, tempDir } from '../testing.ts';
import { renderBytes } from './render-pool.ts';
import { fillEvent, type FilledEvent } from './test-fixture.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

/** Runs `work` while timing the longest stretch this thread's event loop could not run a timer. */
async function longestLoopPause<T>(work: () => Promise<T>): Promise<{ result: T; pauseMs: number; totalMs: number }> {
  let pauseMs = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    pauseMs = Math.max(pauseMs, now - last);
    last = now;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const started = performance.now();
  const result = await work();
  running = false;
  return { result, pauseMs, totalMs: performance.now() - started };
}

describe('reports are built on the report worker', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: FilledEvent;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await fillEvent(server);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it('phones keep being served while the report PDF and the Word edition are built', async () => {
    const { result, pauseMs, totalMs } = await longestLoopPause(async () => {
      const pdf = await fetch(`${server.url}/api/events/${event.eventId}/report.pdf`, { headers: { Authorization: `Bearer ${event.facilitatorToken}` } });
      const docx = await fetch(`${server.url}/api/events/${event.eventId}/report.docx`, { headers: { Authorization: `Bearer ${event.facilitatorToken}` } });
      return [pdf.status, (await pdf.arrayBuffer()).byteLength, docx.status, (await docx.arrayBuffer()).byteLength];
    });
    expect(result[0]).toBe(200);
    expect(result[1]).toBeGreaterThan(10_000);
    expect(result[2]).toBe(200);
    expect(result[3]).toBeGreaterThan(10_000);
    // Built on this thread, the PDF alone would stop the loop for most of the time taken (pdfmake lays out
    // synchronously); on the worker the loop keeps turning and sockets keep being served.
    expect(pauseMs).toBeLessThan(totalMs / 4);
  });

  it('a refusal from inside the worker comes back as the report’s own error, with what was wrong', async () => {
    const refused = renderBytes({
      kind: 'table-packs',
      input: { event: { title: 'No tables' } as never, joinBaseUrl: 'https://example.org', joinCode: 'ABCD-2345', seated: [] },
      options: {},
    });
    await expect(refused).rejects.toBeInstanceOf(ReportInputError);
    await expect(refused).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('table pack') });
  });
});
