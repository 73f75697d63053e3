/**
 * Web security at the server: text people type (XSS and XML-injection strings, formula prefixes) goes
 * through the API and the docs byte for byte, as data, never as markup; and no token reaches the log,
 * whatever path it took (query string, Authorization header, body, refused or revoked).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, addOrganisation, readTable } from '@tablemap/model';
import {
  connectProvider,
  logCapture,
  openRaw,
  postJson,
  signWithServerKey,
  startServer,
  storedDoc,
  tempDir,
  upgradeStatus,
  waitFor,
  waitForSync,
} from './testing.ts';

/** Hostile text as people might paste it; each ≤ 120 characters and without edge whitespace (the model trims). */
export const HOSTILE_TEXT = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert('x')>",
  '</textarea><script>fetch("//evil")</script>',
  'javascript:alert(document.cookie)',
  ']]><injected/><![CDATA[',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  'Tom & Jerry &amp; &lt;b&gt; &#x3C;',
  '=HYPERLINK("http://evil.example","click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3+cmd|\' /C notepad\'!A1',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  "Robert'); DROP TABLE events;--",
  '{{constructor.constructor("alert(1)")()}}',
  '${process.exit(1)}',
  'Right-to-left \u202Eexe.txt',
  'Zero\u200Bwidth and emoji 🧠💬',
  'quote " backslash \\ tab\tend',
];

type Server = Awaited<ReturnType<typeof startServer>>;

describe('web security', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let log: ReturnType<typeof logCapture>;

  beforeEach(async () => {
    dir = await tempDir();
    log = logCapture();
    server = await startServer(dir.path, { logger: log.logger });
  });
  afterEach(async () => {
    await server.close();
    await dir.remove();
  });

  it('round-trips the XSS / XML-injection corpus through the API unchanged, as JSON that cannot open a tag', async () => {
    for (const title of HOSTILE_TEXT) {
      const created = await postJson(`${server.url}/api/events`, { title, tableCount: 1 });
      expect(created.status, title).toBe(201);
      const lookup = await fetch(`${server.url}/api/join/${String(created.json.joinCode)}`);
      const text = await lookup.text();
      expect(lookup.headers.get('content-type')).toMatch(/^application\/json/);
      expect(lookup.headers.get('x-content-type-options')).toBe('nosniff');
      expect(text).not.toMatch(/[<>]/);
      expect((JSON.parse(text) as { title: string }).title).toBe(title);
    }
  });

  it('round-trips the corpus through the docs: organisation names, notes, the lookup list and SQLite all hold the exact text', async () => {
    const event = (await postJson(`${server.url}/api/events`, { title: 'Corpus', tableCount: 1 })).json as { eventId: string; joinCode: string; facilitatorToken: string };
    const joined = await postJson(`${server.url}/api/join`, { joinCode: event.joinCode, tableId: 't1', group: 'carer', consent: true });
    const docName = `table/${event.eventId}/t1`;
    const writer = connectProvider(server.wsBase, docName, joined.json.token as string);
    const reader = connectProvider(server.wsBase, docName, event.facilitatorToken);
    await Promise.all([waitForSync(writer.provider), waitForSync(reader.provider)]);
    const actor = { group: 'carer', participantId: joined.json.participantId as string };
    for (const text of HOSTILE_TEXT) {
      addOrganisation(writer.doc, { name: text, sector: 'vcse', remit: text }, actor);
      addNote(writer.doc, { text, kind: 'quote' }, actor);
    }
    const sorted = [...HOSTILE_TEXT].sort();
    await waitFor(() => readTable(reader.doc).notes.length === HOSTILE_TEXT.length, 'the corpus to reach the reader');
    for (const doc of [reader.doc, await storedDoc(server, docName)]) {
      const table = readTable(doc);
      expect(table.problems).toEqual([]);
      expect(table.organisations.map((org) => org.name).sort()).toEqual(sorted);
      expect(table.organisations.map((org) => org.remit).sort()).toEqual(sorted);
      expect(table.notes.map((note) => note.text).sort()).toEqual(sorted);
    }
    const lookup = (await (await fetch(`${server.url}/api/join/${event.joinCode}`)).json()) as { organisations: string[] };
    expect([...lookup.organisations].sort()).toEqual(sorted);
    writer.provider.destroy();
    reader.provider.destroy();
  });

  it('never logs a token, at debug level, whichever way it travelled', async () => {
    const event = (await postJson(`${server.url}/api/events`, { title: 'Logs', tableCount: 2 })).json as {
      eventId: string;
      joinCode: string;
      facilitatorToken: string;
      observerToken: string;
    };
    const joined = await postJson(`${server.url}/api/join`, { joinCode: event.joinCode, tableId: 't1', group: 'carer', consent: true });
    const token = joined.json.token as string;
    const auth = { Authorization: `Bearer ${event.facilitatorToken}` };
    const scribe = await postJson(`${server.url}/api/events/${event.eventId}/scribe`, { tableId: 't2' }, auth);
    const expired = await signWithServerKey(dir.path, { eventId: event.eventId, role: 'observer', participantId: 'old1' }, Math.floor(Date.now() / 1000) - 10);
    const tokens = [token, event.facilitatorToken, event.observerToken, scribe.json.token as string, expired];

    const live = await openRaw(server.wsBase, `table/${event.eventId}/t1`, token);
    const docName = `table/${event.eventId}/t2`;
    const provider = connectProvider(server.wsBase, docName, scribe.json.token as string);
    await waitForSync(provider.provider);
    provider.doc.getMap('x').set('y', 1);
    expect(await upgradeStatus(server.wsBase, `table/${event.eventId}/t1?token=${expired}`)).toBe(401);
    expect(await upgradeStatus(server.wsBase, `roster/${event.eventId}?token=${token}`)).toBe(403);
    expect(await upgradeStatus(server.wsBase, `event/${event.eventId}?token=${token.slice(0, -4)}abcd`)).toBe(401);
    await postJson(`${server.url}/api/events/${event.eventId}/scribe`, { tableId: 't1', token }, { Authorization: `Bearer ${token}` });
    await postJson(`${server.url}/api/events/${event.eventId}/revoke`, { participantId: joined.json.participantId }, auth);
    expect((await live.closed).code).toBe(4401);
    expect(await upgradeStatus(server.wsBase, `table/${event.eventId}/t1?token=${token}`)).toBe(401);
    await fetch(`${server.url}/sync/event/${event.eventId}?token=${token}`);
    provider.provider.destroy();
    await server.close();

    const all = log.lines.join('\n');
    expect(all).toContain('sync upgrade refused');
    expect(all).toContain('access revoked');
    for (const secret of tokens) {
      const [, payload, signature] = secret.split('.');
      expect(all).not.toContain(secret);
      expect(all).not.toContain(`${payload}`);
      expect(all).not.toContain(`${signature}`);
    }
    // Every line is structured JSON.
    for (const line of log.lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
