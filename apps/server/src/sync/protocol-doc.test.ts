import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { TOKEN_LIFETIME_SECONDS } from '../auth.ts';
import { DEFAULT_LIMITS } from '../config.ts';
import { CLOSE_CODES } from '@tablemap/model';
import * as protocol from './messages.ts';

const doc = readFileSync(new URL('../../../../docs/protocol.md', import.meta.url), 'utf8');

/** The text of one `## ` section of the doc. */
function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  expect(start, `docs/protocol.md has a section "${title}"`).toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

/** Table rows of a section as arrays of cells (header and rule rows left out). */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim().replace(/^`|`$/g, '')))
    .filter((cells) => /^\d|^[a-z]/.test(cells[0]!) && cells[0] !== 'type' && cells[0] !== 'sub-type' && cells[0] !== 'code' && cells[0] !== 'role' && cells[0] !== 'limit');
}

/** The doc's example session, built with the server's own encoders. */
function exampleSession(): { from: string; bytes: Uint8Array }[] {
  const server = new Y.Doc();
  const phone = new Y.Doc();
  phone.clientID = 7;
  let update: Uint8Array = new Uint8Array();
  phone.on('update', (bytes: Uint8Array) => (update = bytes));
  const frames = [
    { from: 'phone', bytes: protocol.syncStep1Message(phone) },
    { from: 'server', bytes: protocol.syncStep1Message(server) },
    { from: 'server', bytes: protocol.syncStep2Message(server, Y.encodeStateVector(phone)) },
    { from: 'phone', bytes: protocol.syncStep2Message(phone, Y.encodeStateVector(server)) },
  ];
  phone.getMap('positions').set('org1', { x: 120, y: 80 });
  frames.push({ from: 'phone', bytes: protocol.syncUpdateMessage(update) });
  const awareness = new awarenessProtocol.Awareness(phone);
  awareness.setLocalState({ group: 'carer' });
  frames.push({ from: 'phone', bytes: protocol.awarenessMessage(awareness, [phone.clientID]) });
  awareness.destroy();
  const query = encoding.createEncoder();
  encoding.writeVarUint(query, protocol.MESSAGE_QUERY_AWARENESS);
  frames.push({ from: 'phone', bytes: encoding.toUint8Array(query) });
  return frames;
}

function documentedFrames(): { from: string; bytes: Uint8Array }[] {
  const block = /```\n([\s\S]*?)```/.exec(section('Example session'))![1]!;
  return block
    .trim()
    .split('\n')
    .map((line) => {
      const [from, ...hex] = line.trim().split(/\s+/);
      return { from: from!, bytes: Uint8Array.from(hex.map((pair) => parseInt(pair, 16))) };
    });
}

describe('docs/protocol.md matches the code', () => {
  it('numbers the message types and sync sub-types as the server does', () => {
    const types = Object.fromEntries(rows(section('Messages')).map((cells) => [cells[1], Number(cells[0])]));
    expect(types).toMatchObject({ sync: protocol.MESSAGE_SYNC, awareness: protocol.MESSAGE_AWARENESS, 'query awareness': protocol.MESSAGE_QUERY_AWARENESS });
    expect(types).toMatchObject({ 'sync step 1': protocol.SYNC_STEP1, 'sync step 2': protocol.SYNC_STEP2, update: protocol.SYNC_UPDATE });
  });

  it('lists every close code the server uses, each under its name in CLOSE_CODES', () => {
    const documented = rows(section('Close codes'));
    for (const [code, name] of documented) expect(CLOSE_CODES[name as keyof typeof CLOSE_CODES], name).toBe(Number(code));
    expect(new Set(documented.map(([code]) => Number(code)))).toEqual(new Set(Object.values(CLOSE_CODES)));
  });

  it('lists every limit with its default', () => {
    const documented = Object.fromEntries(rows(section('Limits')).map(([name, value]) => [name, Number(value)]));
    expect(documented).toEqual({ ...DEFAULT_LIMITS });
  });

  it('gives each role’s token lifetime', () => {
    const documented = Object.fromEntries(rows(section('Connecting')).map(([role, lifetime]) => [role, Number(lifetime!.split(' ')[0]) * 86_400]));
    expect(documented).toEqual(TOKEN_LIFETIME_SECONDS);
  });

  it('shows the example session exactly as the encoders build it', () => {
    const hex = (frames: { from: string; bytes: Uint8Array }[]) => frames.map(({ from, bytes }) => `${from} ${Buffer.from(bytes).toString('hex')}`);
    expect(hex(documentedFrames())).toEqual(hex(exampleSession()));
  });

  it('decodes the example session: the server ends with the phone’s edit and knows its presence', () => {
    const server = new Y.Doc();
    const phone = new Y.Doc();
    const presence = new awarenessProtocol.Awareness(new Y.Doc());
    const types: number[] = [];
    for (const frame of documentedFrames().filter(({ from }) => from === 'phone')) {
      const decoder = decoding.createDecoder(frame.bytes);
      const type = decoding.readVarUint(decoder);
      types.push(type);
      if (type === protocol.MESSAGE_SYNC) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), server, 'phone');
      if (type === protocol.MESSAGE_AWARENESS) awarenessProtocol.applyAwarenessUpdate(presence, decoding.readVarUint8Array(decoder), 'phone');
    }
    expect(types).toEqual([protocol.MESSAGE_SYNC, protocol.MESSAGE_SYNC, protocol.MESSAGE_SYNC, protocol.MESSAGE_AWARENESS, protocol.MESSAGE_QUERY_AWARENESS]);
    expect(server.getMap('positions').toJSON()).toEqual({ org1: { x: 120, y: 80 } });
    expect(presence.getStates().get(7)).toEqual({ group: 'carer' });
    phone.destroy();
  });
});
