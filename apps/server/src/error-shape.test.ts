import { afterEach, describe, expect, it } from 'vitest';
import { createEvent, joinTable, serverPool } from './testing.ts';

const servers = serverPool();
afterEach(() => servers.stopAll());

/** Every API address with its methods (http-api, room, report and privacy routes), `:e` for the event id. */
const ROUTES: [string, string][] = [
  ['POST', '/api/events'],
  ['POST', '/api/join'],
  ['GET', '/api/join/NOSUCH'],
  ['POST', '/api/events/:e/scribe'],
  ['POST', '/api/events/:e/revoke'],
  ['POST', '/api/events/:e/purge'],
  ['POST', '/api/events/:e/done'],
  ['POST', '/api/events/:e/reveal'],
  ['POST', '/api/events/:e/facilitators'],
  ['POST', '/api/events/import'],
  ['GET', '/api/events/:e/report.pdf'],
  ['GET', '/api/events/:e/table-packs.pdf'],
  ['GET', '/api/events/:e/export'],
  ['GET', '/api/events/:e/analysis'],
  ['DELETE', '/api/events/:e'],
  ['GET', '/api/events/:e/privacy'],
  ['PUT', '/api/events/:e/privacy'],
  ['POST', '/api/events/:e/roster/redact'],
  ['POST', '/api/events/:e/withdraw'],
  ['POST', '/api/events/:e/notes/purge'],
  ['GET', '/api/events/:e/access-log'],
  ['GET', '/api/events/:e/roster.csv'],
  ['GET', '/api/events/:e/attendees/nobody/export'],
  ['GET', '/api/no-such-address'],
  ['PATCH', '/api/events'],
  ['GET', '/sync/event/x'],
];

async function expectRefusal(response: Response, what: string): Promise<string> {
  expect(response.ok, what).toBe(false);
  expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort(), what).toEqual(['code', 'error', 'message']);
  expect(body.code, what).toMatch(/^[a-z]+(_[a-z]+)*$/);
  expect(body.error, what).toBe(body.code);
  expect(typeof body.message === 'string' && body.message.length > 0, what).toBe(true);
  return body.error as string;
}

describe('every HTTP refusal is { code, message } (and error: the same code)', () => {
  it('answers each route without a token, with a participant’s token and with a malformed body in that shape', async () => {
    const server = await servers.start({ organiserKey: 'organiser-key-for-tests' });
    const event = await createEvent(server.url, 2, { authorization: 'Bearer organiser-key-for-tests' });
    const participant = await joinTable(server.url, event.joinCode, event.tables[0]!.id);
    const codes = new Set<string>();
    for (const [method, template] of ROUTES) {
      const url = `${server.url}${template.replace(':e', event.eventId)}`;
      const attempts: [string, RequestInit][] = [
        ['no token', { method }],
        ['participant token, junk body', { method, headers: { authorization: `Bearer ${participant}`, 'content-type': 'application/json' }, body: method === 'GET' ? null : '{"not json' }],
        ['bad token', { method, headers: { authorization: 'Bearer not-a-token' }, body: method === 'GET' ? null : '{}' }],
      ];
      for (const [label, init] of attempts) {
        const response = await fetch(url, init);
        if (response.ok) {
          await response.arrayBuffer();
          continue;
        }
        codes.add(await expectRefusal(response, `${method} ${template} (${label}): ${response.status}`));
      }
    }
    // The sweep reached the refusals of each layer, not only the router's 404.
    for (const code of ['organiser_key_required', 'unknown_code', 'unauthorized', 'forbidden', 'invalid_json', 'not_found', 'method_not_allowed', 'upgrade_required']) {
      expect(codes).toContain(code);
    }
  });

  it('answers a body over the limit and a refused join in that shape', async () => {
    const server = await servers.start();
    const event = await createEvent(server.url);
    const join = (body: unknown) => fetch(`${server.url}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await expectRefusal(await join({ joinCode: event.joinCode, tableId: event.tables[0]!.id, group: 'carer' }), 'no consent')).toBe('consent_required');
    expect(await expectRefusal(await join({ joinCode: event.joinCode, tableId: 'nope', group: 'carer', consent: true }), 'unknown table')).toBe('unknown_table');
    expect(await expectRefusal(await join({ joinCode: event.joinCode, tableId: event.tables[0]!.id, group: 'nope', consent: true }), 'unknown group')).toBe('unknown_group');
    expect(await expectRefusal(await join({ joinCode: 42 }), 'malformed')).toBe('invalid_input');
    const huge = await fetch(`${server.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x'.repeat(2_000_000) }) });
    expect(await expectRefusal(huge, 'huge body')).toBe('body_too_large');
  });
});
