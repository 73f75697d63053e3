import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError, addTable, initEventDoc, readEvent } from '@tablemap/model';
import { ApiError } from '@tablemap/sync-client';
import { ERROR_MESSAGES, friendlyError, tryBuild, tryChange, tryRequest } from './errors.ts';

const repo = join(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|svelte)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every error code the product's source can send to a person: thrown, sent as `{ error }` or declared on an error class. */
function emittedCodes(): Set<string> {
  const patterns = [
    /new (?:HttpError|ApiError)\(\s*\d+,\s*'([a-z_]+)'/g,
    /new (?:ModelError|ImportError|PrivacyError)\(\s*'([a-z_]+)'/g,
    /sendJson\(res, \d+, \{ error: '([a-z_]+)'/g,
    /closeCode: CLOSE_CODES\.\w+, code: '([a-z_]+)'/g,
    /extends ModelError<('[^>]+)>/g,
    /export type ModelErrorCode =([^;]+);/g,
  ];
  const codes = new Set<string>();
  const roots = ['apps/server/src', 'apps/facilitator/src', 'apps/participant/src', 'packages'].map((dir) => join(repo, dir));
  for (const file of roots.flatMap(sourceFiles)) {
    if (file.includes('/loadgen/') || file.includes('/test-support/') || file.includes('/cli/')) continue;
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) for (const code of match[1]!.matchAll(/'([a-z_]+)'/g)) codes.add(code[1]!);
      for (const match of text.matchAll(pattern)) if (/^[a-z_]+$/.test(match[1]!)) codes.add(match[1]!);
    }
  }
  return codes;
}

describe('the error vocabulary', () => {
  it('has a plain-English message for every code the model, the server and the apps can emit', () => {
    const codes = emittedCodes();
    // The sweep must see the codes of each layer, or it proves nothing.
    for (const code of ['duplicate', 'vote_limit', 'unknown_code', 'rate_limited', 'consent_required', 'invalid_export', 'network', 'not_hidden', 'cooling_down']) {
      expect(codes).toContain(code);
    }
    const missing = [...codes].filter((code) => !ERROR_MESSAGES[code]);
    expect(missing).toEqual([]);
    for (const [code, message] of Object.entries(ERROR_MESSAGES)) {
      expect(message, code).toMatch(/^[A-Z].*[.!]$/);
      expect(message, code).not.toMatch(/[a-z]+_[a-z]+|HTTP \d|Bearer/);
    }
  });

  it('shows a model refusal’s own reason, without field paths', () => {
    const error = new ModelError('invalid_input', 'Invalid organisation: name: Organisation name is required', ['name: Organisation name is required']);
    expect(friendlyError(error)).toBe('Organisation name is required');
    expect(friendlyError(new ModelError('vote_limit', 'You have used all 3 votes'))).toBe('You have used all 3 votes');
  });

  it('shows the plain message of a server code, and the server’s own words where they name the problem', () => {
    expect(friendlyError(new ApiError(404, 'unknown_code', 'There is no event with that join code'))).toBe(
      'We could not find that. Check the code and try again.',
    );
    expect(friendlyError(new ApiError(0, 'network', 'fetch failed'))).toBe('No connection to the event server. Check your Wi-Fi and try again.');
    expect(friendlyError(new ApiError(400, 'invalid_option', 'There is no report section called "maps"'))).toBe('There is no report section called "maps"');
    expect(friendlyError(new ApiError(418, 'brand_new_code', 'The teapot is busy'))).toBe('The teapot is busy');
    expect(friendlyError('not an error', 'The download failed.')).toBe('The download failed.');
  });

  it('tryChange returns nothing for an accepted change and the model’s reason for a refused one', () => {
    const doc = new Y.Doc();
    initEventDoc(doc, { eventId: 'ev1', title: 'Exchange', tableCount: 1 });
    expect(tryChange(() => addTable(doc, 'Garden room'))).toBe('');
    expect(tryChange(() => addTable(doc, 'garden room'))).toBe('There is already a table called "garden room"');
    expect(readEvent(doc).tables.map((table) => table.name)).toEqual(['Table 1', 'Garden room']);
  });

  it('tryRequest returns nothing for a request that went through and the plain reason for a refused one', async () => {
    expect(await tryRequest(() => Promise.resolve({ ok: true }))).toBe('');
    expect(await tryRequest(() => Promise.reject(new ApiError(410, 'event_deleted', 'gone')))).toBe('This event has been deleted.');
  });

  it('tryBuild gives the built value, or nothing and the plain reason the build was refused', () => {
    expect(tryBuild(() => 42, 'The maps could not be merged.')).toEqual({ value: 42, problem: '' });
    const refused = tryBuild(() => {
      throw new ModelError('not_allowed', 'Those maps cannot be merged yet');
    }, 'The maps could not be merged.');
    expect(refused).toEqual({ value: null, problem: 'Those maps cannot be merged yet' });
    expect(tryBuild(() => JSON.parse('{'), 'The maps could not be merged.').value).toBeNull();
  });
});
