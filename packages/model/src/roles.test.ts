import { describe, expect, it } from 'vitest';
import { parseDocName } from './doc-names.ts';
import { docAccess, mayShareAwareness, type TokenClaims } from './roles.ts';

const claims = (role: TokenClaims['role'], tableId?: string): TokenClaims => ({
  eventId: 'ev1',
  role,
  participantId: 'p1',
  ...(tableId ? { tableId, group: 'carer' } : {}),
});

function access(who: TokenClaims, name: string) {
  const ref = parseDocName(name);
  if (!ref) throw new Error(`bad doc name ${name}`);
  return docAccess(who, ref);
}

describe('role rules', () => {
  it.each([
    ['facilitator', undefined, 'event/ev1', 'write'],
    ['facilitator', undefined, 'table/ev1/t2', 'write'],
    ['facilitator', undefined, 'roster/ev1', 'write'],
    ['participant', 't1', 'event/ev1', 'read'],
    ['participant', 't1', 'table/ev1/t1', 'write'],
    ['participant', 't1', 'table/ev1/t2', 'none'],
    ['participant', 't1', 'roster/ev1', 'none'],
    ['scribe', 't1', 'table/ev1/t1', 'write'],
    ['scribe', 't1', 'roster/ev1', 'none'],
    ['observer', undefined, 'event/ev1', 'read'],
    ['observer', undefined, 'table/ev1/t3', 'read'],
    ['observer', undefined, 'roster/ev1', 'none'],
    ['facilitator', undefined, 'synthesis/ev1', 'write'],
    ['participant', 't1', 'synthesis/ev1', 'read'],
    ['observer', undefined, 'synthesis/ev1', 'read'],
  ] as const)('%s (table %s) has %s access… to %s', (role, tableId, name, expected) => {
    expect(access(claims(role, tableId), name)).toBe(expected);
  });

  it('never opens another event, whatever the role', () => {
    for (const role of ['facilitator', 'participant', 'scribe', 'observer'] as const) {
      expect(access(claims(role, 't1'), 'event/ev2')).toBe('none');
      expect(access(claims(role, 't1'), 'table/ev2/t1')).toBe('none');
    }
  });

  it('relays presence only for connections that may write', () => {
    expect(mayShareAwareness('write')).toBe(true);
    expect(mayShareAwareness('read')).toBe(false);
    expect(mayShareAwareness('none')).toBe(false);
  });
});

describe('parseDocName', () => {
  it.each(['event', 'event/', 'event/EV1', 'event/ev1/extra', 'table/ev1', 'table/ev1/t1/x', 'other/ev1', '../etc/passwd', 'event/ev 1', ''])(
    'refuses %j',
    (name) => expect(parseDocName(name)).toBeNull(),
  );

  it('parses the three kinds', () => {
    expect(parseDocName('event/ev1')).toEqual({ kind: 'event', eventId: 'ev1' });
    expect(parseDocName('roster/ev1')).toEqual({ kind: 'roster', eventId: 'ev1' });
    expect(parseDocName('table/ev1/t1')).toEqual({ kind: 'table', eventId: 'ev1', tableId: 't1' });
  });
});
