/**
 * Joining, sockets and presence, tried as an attacker who saw the join code on the projector: lookups
 * cannot stop the room joining, one join code cannot take every socket, and nobody can overwrite
 * another phone's presence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectProvider,
  createEvent,
  joinTable,
  openRaw,
  postJson,
  presenceFrame,
  roundTrip,
  sleep,
  serverPool,
  waitFor,
  waitForSync,
} from '../testing.ts';

describe('joins, sockets and presence', () => {
  const pool = serverPool();
  afterEach(() => pool.stopAll());
  const server = (overrides: Parameters<typeof pool.start>[0] = {}) => pool.start(overrides);

  it('hundreds of code lookups do not use up the joins: lookups are cached and have their own bucket', async () => {
    const srv = await server();
    const event = await createEvent(srv.url, 1);
    const statuses = await Promise.all(Array.from({ length: 400 }, () => fetch(`${srv.url}/api/join/${event.joinCode}`).then((r) => r.status)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    // 120 phones of one venue (one IP) still join.
    const joins = await Promise.all(
      Array.from({ length: 120 }, () => postJson(`${srv.url}/api/join`, { joinCode: event.joinCode, tableId: 't1', group: 'carer', consent: true })),
    );
    expect(joins.filter((join) => join.status === 200)).toHaveLength(120);
  });

  it('a per-IP limit sits beside the per-code one', async () => {
    const srv = await server({ limits: { joinBurstPerIp: 5, joinRefillPerSecondPerIp: 0.001 } });
    const first = await createEvent(srv.url, 1);
    const second = await createEvent(srv.url, 1);
    const statuses: number[] = [];
    for (const event of [first, second, first, second, first, second]) {
      statuses.push((await postJson(`${srv.url}/api/join`, { joinCode: event.joinCode, tableId: 't1', group: 'carer', consent: true })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('one join code cannot take every socket: an event is capped by its table count, and another event still connects', async () => {
    const srv = await server({ limits: { socketsPerTable: 4, maxConnectionsPerToken: 80 } });
    const flooded = await createEvent(srv.url, 1);
    const other = await createEvent(srv.url, 1);
    const tokens = await Promise.all(Array.from({ length: 3 }, () => joinTable(srv.url, flooded.joinCode, 't1')));
    const sockets = [];
    for (let index = 0; index < 8; index++) sockets.push(await openRaw(srv.wsBase, `table/${flooded.eventId}/t1`, tokens[index % 3]!));
    const outcomes = await Promise.all(sockets.map((socket) => roundTrip(socket, 1000)));
    expect(outcomes.filter((outcome) => outcome === 'answered')).toHaveLength(4);
    for (const [index, socket] of sockets.entries()) if (outcomes[index] === 'closed') expect((await socket.closed).code).toBe(1013);
    // The other event's phone connects and works.
    const phone = await openRaw(srv.wsBase, `table/${other.eventId}/t1`, await joinTable(srv.url, other.joinCode, 't1'));
    expect(await roundTrip(phone)).toBe('answered');
    for (const socket of sockets) socket.ws.close();
    phone.ws.close();
  });

  it('a participant cannot overwrite another phone’s presence by sending its client id with a higher clock', async () => {
    const srv = await server();
    const event = await createEvent(srv.url, 1);
    const name = `table/${event.eventId}/t1`;
    const victim = connectProvider(srv.wsBase, name, await joinTable(srv.url, event.joinCode, 't1'));
    const watcher = connectProvider(srv.wsBase, name, event.facilitatorToken);
    await Promise.all([waitForSync(victim.provider), waitForSync(watcher.provider)]);
    victim.provider.awareness.setLocalState({ group: 'carer', role: 'participant', editingOrganisationId: null });
    const victimId = victim.doc.clientID;
    await waitFor(() => (watcher.provider.awareness.getStates().get(victimId) as { group?: string } | undefined)?.group === 'carer', 'the victim’s presence');

    const attacker = await openRaw(srv.wsBase, name, await joinTable(srv.url, event.joinCode, 't1'));
    attacker.ws.send(presenceFrame(victimId, { group: 'impostor', role: 'participant' }, 1000));
    // The attacker's own id is still accepted.
    attacker.ws.send(presenceFrame(424242, { group: 'housing', role: 'participant' }, 1));
    await waitFor(() => watcher.provider.awareness.getStates().has(424242), 'the attacker’s own presence');
    await sleep(100);
    expect((watcher.provider.awareness.getStates().get(victimId) as { group?: string }).group).toBe('carer');
    attacker.ws.close();
    victim.provider.destroy();
    watcher.provider.destroy();
  });
});
