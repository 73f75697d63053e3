/**
 * A doc written by a newer build is refused, never served as it is; a token spelled with an escaped
 * parameter name authenticates like any other and never reaches the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEvent, joinTable, logCapture, startServer, tempDir, upgradeStatus, type CreatedEvent } from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

describe('schema versions and log redaction', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  let log: ReturnType<typeof logCapture>;

  beforeAll(async () => {
    dir = await tempDir();
    log = logCapture();
    server = await startServer(dir.path, { logger: log.logger });
    event = await createEvent(server.url, 2);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it('refuses a doc written by a newer build (409) instead of serving it, over sync and over HTTP', async () => {
    const name = `table/${event.eventId}/t2`;
    const newer = new Y.Doc();
    newer.getMap('meta').set('schemaVersion', 99);
    newer.getMap('meta').set('kind', 'table');
    await server.store.append(name, Y.encodeStateAsUpdate(newer));
    expect(await upgradeStatus(server.wsBase, `${name}?token=${event.facilitatorToken}`)).toBe(409);
    expect(server.registry.isLoaded(name)).toBe(false);
    const exported = await fetch(`${server.url}/api/events/${event.eventId}/export?format=json`, { headers: { Authorization: `Bearer ${event.facilitatorToken}` } });
    expect(exported.status).toBe(409);
    expect(((await exported.json()) as { message: string }).message).toMatch(/schema version 99, newer than this app understands/);
    expect(log.lines.some((line) => line.includes('document from a newer build'))).toBe(true);
  });

  it('a token under an escaped parameter name (tok%65n) authenticates, and a refused upgrade logs the path only', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    expect(await upgradeStatus(server.wsBase, `table/${event.eventId}/t1?tok%65n=${token}`)).toBe(101);
    expect(await upgradeStatus(server.wsBase, `roster/${event.eventId}?tok%65n=${token}`)).toBe(403);
    const all = log.lines.join('\n');
    const [, payload, signature] = token.split('.');
    expect(all).not.toContain(payload);
    expect(all).not.toContain(signature);
    const refused = log.lines.map((line) => JSON.parse(line) as { msg: string; path?: string; url?: string }).filter((line) => line.msg === 'sync upgrade refused');
    expect(refused.at(-1)).toMatchObject({ path: `/sync/roster/${event.eventId}` });
    expect(refused.every((line) => line.url === undefined && !line.path?.includes('?'))).toBe(true);
  });
});
