/**
 * Every HTTP endpoint against malformed JSON, wrong types, oversized bodies, wrong methods and missing or
 * forged auth, table-driven; plus join-code brute force. Every error is JSON `{error, message}` with the
 * right status, and no answer echoes a secret, the request's own content or a stack trace.
 */
import { SignJWT } from 'jose';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, postJson, joinTable, startServer, tempDir, type CreatedEvent } from './testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
const ORGANISER_KEY = 'organiser-key-that-must-never-leak';
/** Planted in every bad request: no answer may repeat it. */
const MARKER = 'MARKER-7f3a9c';

interface Case {
  name: string;
  method: string;
  path: (event: CreatedEvent) => string;
  body?: string | ((event: CreatedEvent) => string);
  auth?: (ctx: Context) => string | undefined;
  contentLength?: number;
  status: number;
  error: string;
}

interface Context {
  event: CreatedEvent;
  participantToken: string;
  forgedToken: string;
}

const facilitator = (ctx: Context) => `Bearer ${ctx.event.facilitatorToken}`;
const organiser = () => `Bearer ${ORGANISER_KEY}`;
const oversized = JSON.stringify({ title: MARKER + 'x'.repeat(40_000), tableCount: 1 });
const scribePath = (event: CreatedEvent) => `/api/events/${event.eventId}/scribe`;
const revokePath = (event: CreatedEvent) => `/api/events/${event.eventId}/revoke`;

const CASES: Case[] = [
  // Health and time: read-only.
  { name: 'healthz POST', method: 'POST', path: () => '/healthz', status: 405, error: 'method_not_allowed' },
  { name: 'time DELETE', method: 'DELETE', path: () => '/api/time', status: 405, error: 'method_not_allowed' },
  { name: 'unknown API path', method: 'GET', path: () => `/api/${MARKER}`, status: 404, error: 'not_found' },
  // Create event (organiser key set on this server).
  { name: 'events GET', method: 'GET', path: () => '/api/events', status: 405, error: 'method_not_allowed' },
  { name: 'events PUT', method: 'PUT', path: () => '/api/events', auth: organiser, body: '{}', status: 405, error: 'method_not_allowed' },
  { name: 'events without key', method: 'POST', path: () => '/api/events', body: JSON.stringify({ title: MARKER, tableCount: 2 }), status: 401, error: 'organiser_key_required' },
  { name: 'events forged key', method: 'POST', path: () => '/api/events', auth: () => `Bearer ${MARKER}`, body: JSON.stringify({ title: 'x', tableCount: 2 }), status: 401, error: 'organiser_key_required' },
  { name: 'events facilitator token as key', method: 'POST', path: () => '/api/events', auth: facilitator, body: JSON.stringify({ title: 'x', tableCount: 2 }), status: 401, error: 'organiser_key_required' },
  { name: 'events malformed JSON', method: 'POST', path: () => '/api/events', auth: organiser, body: `{"title": "${MARKER}"`, status: 400, error: 'invalid_json' },
  { name: 'events empty body', method: 'POST', path: () => '/api/events', auth: organiser, body: '', status: 400, error: 'invalid_json' },
  { name: 'events wrong types', method: 'POST', path: () => '/api/events', auth: organiser, body: JSON.stringify({ title: [MARKER], tableCount: '3' }), status: 400, error: 'invalid_input' },
  { name: 'events array body', method: 'POST', path: () => '/api/events', auth: organiser, body: JSON.stringify([MARKER]), status: 400, error: 'invalid_input' },
  { name: 'events too many tables', method: 'POST', path: () => '/api/events', auth: organiser, body: JSON.stringify({ title: MARKER, tableCount: 1e9 }), status: 400, error: 'invalid_input' },
  { name: 'events oversized', method: 'POST', path: () => '/api/events', auth: organiser, body: oversized, status: 413, error: 'body_too_large' },
  { name: 'events lying content-length', method: 'POST', path: () => '/api/events', auth: organiser, body: '{}', contentLength: 10_000_000, status: 413, error: 'body_too_large' },
  // Join.
  { name: 'join GET', method: 'GET', path: () => '/api/join', status: 405, error: 'method_not_allowed' },
  { name: 'join malformed JSON', method: 'POST', path: () => '/api/join', body: `{${MARKER}`, status: 400, error: 'invalid_json' },
  { name: 'join wrong types', method: 'POST', path: () => '/api/join', body: JSON.stringify({ joinCode: { $ne: MARKER }, tableId: 1, group: null, consent: true }), status: 400, error: 'invalid_input' },
  { name: 'join prototype pollution', method: 'POST', path: () => '/api/join', body: `{"__proto__": {"consent": true}, "joinCode": "${MARKER}", "tableId": "t1", "group": "carer"}`, status: 400, error: 'consent_required' },
  { name: 'join oversized', method: 'POST', path: () => '/api/join', body: JSON.stringify({ joinCode: MARKER.repeat(5000) }), status: 413, error: 'body_too_large' },
  // Join lookup.
  { name: 'lookup POST', method: 'POST', path: (event) => `/api/join/${event.joinCode}`, body: '{}', status: 405, error: 'method_not_allowed' },
  { name: 'lookup bad escape', method: 'GET', path: () => '/api/join/%E0%A4%A', status: 404, error: 'unknown_code' },
  // Scribe links: facilitator only.
  { name: 'scribe GET', method: 'GET', path: scribePath, auth: facilitator, status: 405, error: 'method_not_allowed' },
  { name: 'scribe no auth', method: 'POST', path: scribePath, body: JSON.stringify({ tableId: 't1' }), status: 401, error: 'unauthorized' },
  { name: 'scribe forged token', method: 'POST', path: scribePath, auth: (ctx) => `Bearer ${ctx.forgedToken}`, body: JSON.stringify({ tableId: 't1' }), status: 401, error: 'unauthorized' },
  { name: 'scribe garbage token', method: 'POST', path: scribePath, auth: () => `Bearer ${MARKER}`, body: JSON.stringify({ tableId: 't1' }), status: 401, error: 'unauthorized' },
  { name: 'scribe participant token', method: 'POST', path: scribePath, auth: (ctx) => `Bearer ${ctx.participantToken}`, body: JSON.stringify({ tableId: 't1' }), status: 403, error: 'forbidden' },
  { name: 'scribe observer token', method: 'POST', path: scribePath, auth: (ctx) => `Bearer ${ctx.event.observerToken}`, body: JSON.stringify({ tableId: 't1' }), status: 403, error: 'forbidden' },
  { name: 'scribe malformed JSON', method: 'POST', path: scribePath, auth: facilitator, body: `[${MARKER}`, status: 400, error: 'invalid_json' },
  { name: 'scribe wrong types', method: 'POST', path: scribePath, auth: facilitator, body: JSON.stringify({ tableId: 7 }), status: 400, error: 'invalid_input' },
  { name: 'scribe oversized', method: 'POST', path: scribePath, auth: facilitator, body: oversized, status: 413, error: 'body_too_large' },
  { name: 'scribe unknown table', method: 'POST', path: scribePath, auth: facilitator, body: JSON.stringify({ tableId: 't99' }), status: 404, error: 'unknown_table' },
  // Revocation: facilitator only.
  { name: 'revoke GET', method: 'GET', path: revokePath, auth: facilitator, status: 405, error: 'method_not_allowed' },
  { name: 'revoke no auth', method: 'POST', path: revokePath, body: JSON.stringify({ participantId: 'abc' }), status: 401, error: 'unauthorized' },
  { name: 'revoke forged token', method: 'POST', path: revokePath, auth: (ctx) => `Bearer ${ctx.forgedToken}`, body: JSON.stringify({ participantId: 'abc' }), status: 401, error: 'unauthorized' },
  { name: 'revoke participant token', method: 'POST', path: revokePath, auth: (ctx) => `Bearer ${ctx.participantToken}`, body: JSON.stringify({ participantId: 'abc' }), status: 403, error: 'forbidden' },
  { name: 'revoke other event', method: 'POST', path: () => '/api/events/someotherevent/revoke', auth: facilitator, body: JSON.stringify({ participantId: 'abc' }), status: 403, error: 'forbidden' },
  { name: 'revoke malformed JSON', method: 'POST', path: revokePath, auth: facilitator, body: `{"participantId": ${MARKER}}`, status: 400, error: 'invalid_json' },
  { name: 'revoke wrong types', method: 'POST', path: revokePath, auth: facilitator, body: JSON.stringify({ participantId: [MARKER] }), status: 400, error: 'invalid_input' },
  { name: 'revoke oversized', method: 'POST', path: revokePath, auth: facilitator, body: oversized, status: 413, error: 'body_too_large' },
];

describe('HTTP API under abuse (table-driven)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let ctx: Context;
  let secrets: string[];

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path, { organiserKey: ORGANISER_KEY, limits: { joinBurstPerCode: 20, joinRefillPerSecond: 0.01, unknownCodeBurst: 10, unknownCodeRefillPerSecond: 0.01 } });
    const event = await createEvent(server.url, 2, { Authorization: `Bearer ${ORGANISER_KEY}` });
    const forgedToken = await new SignJWT({ eventId: event.eventId, role: 'facilitator', participantId: 'forger' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a guessed key, not the server key!!'));
    ctx = { event, forgedToken, participantToken: await joinTable(server.url, event.joinCode, 't1') };
    const signingKey = (await readFile(join(dir.path, 'secret.key'), 'utf8')).trim();
    secrets = [ORGANISER_KEY, signingKey, event.facilitatorToken, event.observerToken, ctx.participantToken, forgedToken, MARKER];
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it.each(CASES)('$name → $status $error', async (testCase) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const auth = testCase.auth?.(ctx);
    if (auth) headers.Authorization = auth;
    const body = typeof testCase.body === 'function' ? testCase.body(ctx.event) : testCase.body;
    let response: { status: number; headers: Headers; text: string };
    if (testCase.contentLength !== undefined) {
      response = await rawRequest(server.port, testCase.method, testCase.path(ctx.event), { ...headers, 'Content-Length': String(testCase.contentLength) }, body ?? '');
    } else {
      const answer = await fetch(`${server.url}${testCase.path(ctx.event)}`, { method: testCase.method, headers, ...(body !== undefined ? { body } : {}) });
      response = { status: answer.status, headers: answer.headers, text: await answer.text() };
    }
    expect(response.status).toBe(testCase.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const json = JSON.parse(response.text) as Record<string, unknown>;
    expect(json.error).toBe(testCase.error);
    expect(typeof json.message).toBe('string');
    expect(Object.keys(json).sort()).toEqual(['code', 'error', 'message']);
    expect(json.code).toBe(json.error);
    if (testCase.status === 405) expect(response.headers.get('allow')).toMatch(/^(GET|POST)/);
    for (const secret of secrets) expect(response.text).not.toContain(secret);
    expect(response.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/src\/|Error:/);
  });

  it('brute-forcing join codes is rate-limited per code and for unknown codes (the per-IP limit is generous), and real codes keep working', async () => {
    const guesses: number[] = [];
    for (let index = 0; index < 20; index++) {
      guesses.push((await fetch(`${server.url}/api/join/${'ZZZZ' + String(index).padStart(2, 'Z')}`)).status);
    }
    // A burst of 10 unknown codes for the whole server (earlier cases used some), then 429.
    expect(guesses.filter((status) => status === 404).length).toBeLessThanOrEqual(10);
    expect(guesses.slice(10)).toEqual(Array(10).fill(429));
    // The room's real code still works from the same IP: the limit is per code, not per address.
    expect((await fetch(`${server.url}/api/join/${ctx.event.joinCode}`)).status).toBe(200);
    // Looking a real code up is cached and has its own bucket: it never uses up the joins.
    const lookups: number[] = [];
    for (let index = 0; index < 25; index++) lookups.push((await fetch(`${server.url}/api/join/${ctx.event.joinCode}`)).status);
    expect(lookups).toEqual(Array(25).fill(200));
    // Hammering joins on one real code runs out that code's join budget only.
    const join = (joinCode: string) => postJson(`${server.url}/api/join`, { joinCode, tableId: 't1', group: 'carer', consent: true });
    const hammer: number[] = [];
    for (let index = 0; index < 25; index++) hammer.push((await join(ctx.event.joinCode)).status);
    expect(hammer).toContain(429);
    const limited = await join(ctx.event.joinCode);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(limited.json.error).toBe('rate_limited');
    expect((await fetch(`${server.url}/api/join/${ctx.event.joinCode}`)).status).toBe(200);
    const other = await createEvent(server.url, 1, { Authorization: `Bearer ${ORGANISER_KEY}` });
    expect((await join(other.joinCode)).status).toBe(200);
  });
});

/** A request with a Content-Length that lies (fetch will not send one), over a plain socket. */
async function rawRequest(port: number, method: string, path: string, headers: Record<string, string>, body: string) {
  const { connect } = await import('node:net');
  return new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const head = Object.entries({ Host: `127.0.0.1:${port}`, Connection: 'close', ...headers })
        .map(([key, value]) => `${key}: ${value}`)
        .join('\r\n');
      socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n\r\n${body}`);
    });
    let raw = '';
    socket.on('data', (chunk) => (raw += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headText = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = headText.split('\r\n');
      const parsed = new Headers();
      for (const line of headerLines) {
        const at = line.indexOf(':');
        if (at > 0) parsed.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed, text: rest.join('\r\n\r\n') });
    });
  });
}
