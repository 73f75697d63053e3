import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addOrganisation, readEvent } from '@tablemap/model';
import { createEvent, joinTable, logCapture, postJson, serverPool, startServer, storedDoc, waitFor } from './testing.ts';
import { JOIN_CODE_ALPHABET } from './join-codes.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

describe('HTTP API', () => {
  const servers = serverPool();
  let server: Server;
  let log: ReturnType<typeof logCapture>;

  beforeEach(async () => {
    log = logCapture();
    server = await servers.start({ logger: log.logger, limits: { joinBurstPerCode: 5, joinRefillPerSecond: 0.001 } });
  });
  afterEach(() => servers.stopAll());

  it('answers health and time checks', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const before = Date.now();
    const { now } = (await (await fetch(`${server.url}/api/time`)).json()) as { now: number };
    expect(now).toBeGreaterThanOrEqual(before - 1000);
    expect(now).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('creates an event with tables, a typeable join code and tokens', async () => {
    const result = await postJson(`${server.url}/api/events`, { title: 'Autumn exchange', tableCount: 3 });
    expect(result.status).toBe(201);
    const event = result.json as Record<string, unknown>;
    expect(event.tables).toEqual([
      { id: 't1', name: 'Table 1' },
      { id: 't2', name: 'Table 2' },
      { id: 't3', name: 'Table 3' },
    ]);
    expect(String(event.joinCode)).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{6,}$`));
    expect(typeof event.facilitatorToken).toBe('string');
    expect(typeof event.observerToken).toBe('string');
    const stored = await storedDoc(server, `event/${String(event.eventId)}`);
    expect(stored.getMap('meta').get('title')).toBe('Autumn exchange');
  });

  it('refuses a bad event body with 400 and creates nothing', async () => {
    for (const body of [{ title: '', tableCount: 2 }, { title: 'x', tableCount: 0 }, { title: 'x', tableCount: 2.5 }, { title: 3, tableCount: 2 }, []]) {
      const result = await postJson(`${server.url}/api/events`, body);
      expect(result.status).toBe(400);
      expect(result.json.error).toBe('invalid_input');
    }
    expect(await server.store.findByJoinCode('AAAAAA')).toBeNull();
  });

  it('gives malformed JSON a 400, an oversized body a 413 and a wrong method a 405, all as JSON without stacks', async () => {
    const malformed = await postJson(`${server.url}/api/events`, '{"title": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toBe('invalid_json');
    const huge = await postJson(`${server.url}/api/join`, { joinCode: 'x'.repeat(40_000) });
    expect(huge.status).toBe(413);
    expect(huge.json.error).toBe('body_too_large');
    const wrongMethod = await fetch(`${server.url}/api/events`, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const wrongMethodBody = (await wrongMethod.json()) as Record<string, unknown>;
    expect(wrongMethodBody.error).toBe('method_not_allowed');
    const deleteJoin = await fetch(`${server.url}/api/join`, { method: 'DELETE' });
    expect(deleteJoin.status).toBe(405);
    for (const text of [malformed.text, huge.text, JSON.stringify(wrongMethodBody)]) expect(text).not.toMatch(/at .*\.ts:\d+/);
    const unknown = await fetch(`${server.url}/api/nope`);
    expect(unknown.status).toBe(404);
  });

  it('sets security headers on API answers and on the app pages (503 while unbuilt)', async () => {
    for (const path of ['/api/time', '/', '/facilitate', '/facilitate/abc']) {
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      if (path !== '/api/time') {
        expect(response.status).toBe(503);
        expect(await response.text()).toContain('pnpm --filter @tablemap/');
      }
    }
  });

  it('joins a table: token, consent recorded on the table doc, and the lookup lists tables, groups and organisations', async () => {
    const event = await createEvent(server.url, 2);
    const joined = await postJson(`${server.url}/api/join`, {
      joinCode: event.joinCode.toLowerCase(),
      tableId: 't2',
      group: 'lived_experience',
      consent: true,
    });
    expect(joined.status).toBe(200);
    expect(joined.json).toMatchObject({ eventId: event.eventId, tableId: 't2', group: 'lived_experience' });
    expect(typeof joined.json.token).toBe('string');
    expect(typeof joined.json.participantId).toBe('string');
    // Consent is recorded in the server's database and its count published read-only in the event doc.
    expect(await server.store.consentCounts(event.eventId, 't2')).toEqual({ lived_experience: 1 });
    expect(readEvent(await storedDoc(server, `event/${event.eventId}`)).consentByTable).toEqual({ t2: { lived_experience: 1 } });
    expect((await storedDoc(server, `table/${event.eventId}/t2`)).share.has('consent')).toBe(false);

    // An organisation added on a table shows up in the lookup's autocomplete list.
    await server.registry.withDoc(`table/${event.eventId}/t1`, { kind: 'table', eventId: event.eventId, tableId: 't1' }, (entry) =>
      addOrganisation(entry.doc, { name: 'Mind in Town', sector: 'vcse' }, { group: 'carer', participantId: 'p1' }),
    );
    const lookup = await fetch(`${server.url}/api/join/${event.joinCode}`);
    expect(lookup.status).toBe(200);
    const body = (await lookup.json()) as Record<string, unknown>;
    expect(body.eventId).toBe(event.eventId);
    expect(body.title).toBe('Learning exchange');
    expect(body.tables).toEqual(event.tables);
    expect((body.groups as { id: string }[]).map((group) => group.id)).toContain('lived_experience');
    expect(body.organisations).toEqual(['Mind in Town']);
  });

  it('refuses joins without consent (400), with an unknown code or table (404) or group (400), changing nothing', async () => {
    const event = await createEvent(server.url, 1);
    const base = { joinCode: event.joinCode, tableId: 't1', group: 'carer' };
    const noConsent = await postJson(`${server.url}/api/join`, base);
    expect(noConsent.status).toBe(400);
    expect(noConsent.json.error).toBe('consent_required');
    expect((await postJson(`${server.url}/api/join`, { ...base, consent: false })).status).toBe(400);
    expect((await postJson(`${server.url}/api/join`, { ...base, consent: 'yes' })).status).toBe(400);
    const unknownCode = await postJson(`${server.url}/api/join`, { ...base, joinCode: 'ZZZZZZ', consent: true });
    expect(unknownCode.status).toBe(404);
    expect(unknownCode.json.error).toBe('unknown_code');
    const unknownTable = await postJson(`${server.url}/api/join`, { ...base, tableId: 't9', consent: true });
    expect(unknownTable.status).toBe(404);
    expect(unknownTable.json.error).toBe('unknown_table');
    const badGroup = await postJson(`${server.url}/api/join`, { ...base, group: 'ceo', consent: true });
    expect(badGroup.status).toBe(400);
    expect(badGroup.json.error).toBe('unknown_group');
    const wrongTypes = await postJson(`${server.url}/api/join`, { joinCode: 5, tableId: 't1', group: 'carer', consent: true });
    expect(wrongTypes.status).toBe(400);
    expect(await server.store.consentCounts(event.eventId, 't1')).toEqual({});
    expect(readEvent(await storedDoc(server, `event/${event.eventId}`)).consentByTable).toEqual({});
    expect((await fetch(`${server.url}/api/join/ZZZZZZ`)).status).toBe(404);
  });

  it('rate-limits join attempts per join code, not per IP: another event keeps working', async () => {
    const busy = await createEvent(server.url, 1);
    const other = await createEvent(server.url, 1);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      statuses.push((await postJson(`${server.url}/api/join`, { joinCode: busy.joinCode, tableId: 't1', group: 'carer', consent: true })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Looking the code up has its own bucket (and a cache): used-up joins do not stop the lookup.
    expect((await fetch(`${server.url}/api/join/${busy.joinCode}`)).status).toBe(200);
    // Same IP, different code: unaffected.
    expect((await postJson(`${server.url}/api/join`, { joinCode: other.joinCode, tableId: 't1', group: 'carer', consent: true })).status).toBe(200);
  });

  it('issues scribe tokens only to the event’s facilitator', async () => {
    const event = await createEvent(server.url, 2);
    const other = await createEvent(server.url, 1);
    const url = `${server.url}/api/events/${event.eventId}/scribe`;
    const ok = await postJson(url, { tableId: 't2' }, { Authorization: `Bearer ${event.facilitatorToken}` });
    expect(ok.status).toBe(200);
    expect(ok.json.tableId).toBe('t2');
    const [, payload] = String(ok.json.token).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ eventId: event.eventId, role: 'scribe', tableId: 't2', group: 'other' });
    expect((await postJson(url, { tableId: 't2' })).status).toBe(401);
    expect((await postJson(url, { tableId: 't2' }, { Authorization: 'Bearer forged.token.here' })).status).toBe(401);
    expect((await postJson(url, { tableId: 't2' }, { Authorization: `Bearer ${other.facilitatorToken}` })).status).toBe(403);
    expect((await postJson(url, { tableId: 't2' }, { Authorization: `Bearer ${event.observerToken}` })).status).toBe(403);
    const participant = await joinTable(server.url, event.joinCode, 't1');
    expect((await postJson(url, { tableId: 't1' }, { Authorization: `Bearer ${participant}` })).status).toBe(403);
    expect((await postJson(url, { tableId: 't7' }, { Authorization: `Bearer ${event.facilitatorToken}` })).status).toBe(404);
  });

  it('never writes tokens to the log', async () => {
    const event = await createEvent(server.url, 1);
    const token = await joinTable(server.url, event.joinCode, 't1');
    await fetch(`${server.url}/sync/event/${event.eventId}?token=${token}`);
    await postJson(`${server.url}/api/events/${event.eventId}/scribe`, { tableId: 't1' }, { Authorization: `Bearer ${token}` });
    const ws = await import('ws');
    const socket = new ws.WebSocket(`${server.url.replace('http', 'ws')}/sync/roster/${event.eventId}?token=${token}`);
    socket.on('error', () => {});
    await waitFor(() => log.lines.some((line) => line.includes('sync upgrade refused')), 'the refusal log line');
    const all = log.lines.join('\n');
    for (const secret of [token, event.facilitatorToken, event.observerToken]) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.split('.')[2]!);
    }
    // A refused upgrade logs its path only, never the query a token travels in.
    const refusal = JSON.parse(log.lines.find((line) => line.includes('sync upgrade refused'))!) as { path: string };
    expect(refusal.path).toBe(`/sync/roster/${event.eventId}`);
  });
});

describe('organiser key', () => {
  const servers = serverPool();
  afterEach(() => servers.stopAll());

  it('requires Authorization: Bearer <ORGANISER_KEY> to create events when set', async () => {
    const server = await servers.start({ organiserKey: 'let-me-in-please' });
    expect((await postJson(`${server.url}/api/events`, { title: 'x', tableCount: 1 })).status).toBe(401);
    expect((await postJson(`${server.url}/api/events`, { title: 'x', tableCount: 1 }, { Authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await postJson(`${server.url}/api/events`, { title: 'x', tableCount: 1 }, { Authorization: 'Bearer let-me-in-please' });
    expect(ok.status).toBe(201);
    expect(ok.text).not.toContain('let-me-in-please');
  });
});
