/**
 * The organisers' analysis choices (change-over-time match decisions, pinned route questions, the linked
 * earlier event) live in the
 * facilitator-only report doc: participants, scribes and observers cannot open it at all, so can neither
 * read nor write them; a facilitator's write reaches a second facilitator live and is stored; a malformed
 * entry is refused by the server even from a facilitator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LINKED_EVENT_ROOT, MATCH_DECISION_ROOT, linkEarlierEvent, readLinkedEvent, readMatchDecisions, readPinnedRoutes, reportDocName, pinRoute, setMatchDecision } from '@tablemap/model';
import { nameGroupId } from '@tablemap/analysis';
import { pdfText } from '@tablemap/test-support';
import { connectProvider, createEvent, joinTable, openRaw, postJson, roundTrip, startServer, storedDoc, tempDir, updateFrame, upgradeStatus, waitFor, waitForSync, type CreatedEvent } from '../testing.ts';

import { FIXTURE, fillEvent, type FilledEvent } from './test-fixture.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

describe('analysis choices in the report doc', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  let docName: string;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await createEvent(server.url, 2);
    docName = reportDocName(event.eventId);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it('refuses the doc to a participant, a scribe and an observer: they can neither read nor write the choices', async () => {
    const first = connectProvider(server.wsBase, docName, event.facilitatorToken);
    await waitForSync(first.provider);
    setMatchDecision(first.doc, { earlierEvent: 'event:last-year', earlierId: 'name:eastfield surgery', decision: 'same', currentId: 'name:eastfield gp' });
    const participant = await joinTable(server.url, event.joinCode, event.tables[0]!.id);
    const scribe = (await postJson(`${server.url}/api/events/${event.eventId}/scribe`, { tableId: event.tables[0]!.id }, { Authorization: `Bearer ${event.facilitatorToken}` })).json.token as string;
    for (const token of [participant, scribe, event.observerToken]) expect(await upgradeStatus(server.wsBase, `${docName}?token=${token}`)).toBe(403);
    first.provider.destroy();
  });

  it('reaches a second facilitator live, is stored, and an undo reaches them too', async () => {
    const a = connectProvider(server.wsBase, docName, event.facilitatorToken);
    const b = connectProvider(server.wsBase, docName, event.facilitatorToken);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
    setMatchDecision(a.doc, { earlierEvent: 'event:last-year', earlierId: 'name:riverside homes', decision: 'different' });
    pinRoute(a.doc, { id: 'gp-to-housing', between: 'organisations', from: 'name:eastfield gp', to: 'name:crisis housing', fromName: 'Eastfield GP', toName: 'Crisis Housing', kinds: ['refers_to'], directed: false, maxLength: 4, pinnedAt: 1 });
    await waitFor(() => readMatchDecisions(b.doc, 'event:last-year').separate.includes('name:riverside homes') && readPinnedRoutes(b.doc).length === 1, 'the second laptop to see the choices');
    const stored = await storedDoc(server, docName);
    expect(readMatchDecisions(stored, 'event:last-year')).toMatchObject({ confirmed: { 'name:eastfield surgery': 'name:eastfield gp' }, separate: ['name:riverside homes'] });
    expect(readPinnedRoutes(stored).map((route) => route.toName)).toEqual(['Crisis Housing']);
    b.doc.getMap(MATCH_DECISION_ROOT).delete(JSON.stringify(['event:last-year', 'name:riverside homes']));
    await waitFor(() => readMatchDecisions(a.doc, 'event:last-year').separate.length === 0, 'the undo to reach the first laptop');
    a.provider.destroy();
    b.provider.destroy();
  });

  it('refuses a malformed decision even from a facilitator, and stores nothing of it', async () => {
    const client = await openRaw(server.wsBase, docName, event.facilitatorToken);
    const stateBefore = Y.encodeStateVector(await storedDoc(server, docName));
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(await storedDoc(server, docName)));
    forged.getMap(MATCH_DECISION_ROOT).set('forged', { earlierEvent: 'event:last-year', earlierId: 'name:forged', decision: 'same', currentId: 'name:x', note: '<img onerror>' });
    client.ws.send(updateFrame(Y.encodeStateAsUpdate(forged, stateBefore)));
    expect(await roundTrip(client)).toBe('closed');
    expect((await storedDoc(server, docName)).getMap(MATCH_DECISION_ROOT).has('forged')).toBe(false);
  });

  it('keeps the linked earlier event for facilitators only: a participant cannot write it, a token in it is refused, and the link opens nothing of the earlier event', async () => {
    const earlier = await createEvent(server.url, 1);
    const participant = await joinTable(server.url, event.joinCode, event.tables[0]!.id);
    expect(await upgradeStatus(server.wsBase, `${docName}?token=${participant}`)).toBe(403);
    // Nor can the earlier event's own facilitator write this event's link.
    expect(await upgradeStatus(server.wsBase, `${docName}?token=${earlier.facilitatorToken}`)).toBe(403);

    const a = connectProvider(server.wsBase, docName, event.facilitatorToken);
    const b = connectProvider(server.wsBase, docName, event.facilitatorToken);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
    linkEarlierEvent(a.doc, event.eventId, { eventId: earlier.eventId, title: 'Riverside exchange 2025' });
    await waitFor(() => readLinkedEvent(b.doc)?.eventId === earlier.eventId, 'the second laptop to see the link');
    expect(readLinkedEvent(await storedDoc(server, docName))).toEqual({ eventId: earlier.eventId, title: 'Riverside exchange 2025' });
    a.provider.destroy();
    b.provider.destroy();

    const client = await openRaw(server.wsBase, docName, event.facilitatorToken);
    const stored = await storedDoc(server, docName);
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(stored));
    forged.getMap(LINKED_EVENT_ROOT).set('earlier', { eventId: earlier.eventId, title: 'Riverside exchange 2025', facilitatorToken: earlier.facilitatorToken });
    client.ws.send(updateFrame(Y.encodeStateAsUpdate(forged, Y.encodeStateVector(stored))));
    expect(await roundTrip(client)).toBe('closed');
    expect((await storedDoc(server, docName)).getMap(LINKED_EVENT_ROOT).get('earlier')).toEqual({ eventId: earlier.eventId, title: 'Riverside exchange 2025' });

    // Linking gives this event's facilitator nothing of the earlier event: its export needs its own token.
    const exportOf = (token: string) => fetch(`${server.url}/api/events/${earlier.eventId}/export?format=json`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await exportOf(event.facilitatorToken)).status).toBe(403);
    expect((await exportOf(earlier.facilitatorToken)).status).toBe(200);
  });

  it('answers the pinned questions in the report’s “Routes people take” section, on the server’s fixture', async () => {
    const filled: FilledEvent = await fillEvent(server);
    const facilitator = connectProvider(server.wsBase, reportDocName(filled.eventId), filled.facilitatorToken);
    await waitForSync(facilitator.provider);
    const [mind, housing, pcn] = FIXTURE.organisations.map((name) => ({ id: nameGroupId(name), name }));
    const ask = (id: string, from: { id: string; name: string }, to: { id: string; name: string }, kinds: ('refers_to' | 'collaborates')[], pinnedAt: number) =>
      pinRoute(facilitator.doc, { id, between: 'organisations', from: from.id, to: to.id, fromName: from.name, toName: to.name, kinds, directed: false, maxLength: 4, pinnedAt });
    ask('mind-to-housing', mind!, housing!, ['refers_to'], 1);
    ask('pcn-to-housing', pcn!, housing!, [], 2);
    ask('shelter-to-mind', { id: nameGroupId('Riverside Night Shelter'), name: 'Riverside Night Shelter' }, mind!, [], 3);
    pinRoute(facilitator.doc, { id: 'vcse-to-housing', between: 'sectors', from: 'vcse', to: 'housing', fromName: 'Voluntary sector', toName: 'Housing', kinds: ['refers_to'], directed: true, maxLength: 3, pinnedAt: 4 });
    let html = '';
    for (let attempt = 0; attempt < 50 && !html.includes('Riverside Night Shelter'); attempt++) {
      const response = await fetch(`${server.url}/api/events/${filled.eventId}/report.html?sections=routes`, { headers: { Authorization: `Bearer ${filled.facilitatorToken}` } });
      expect(response.status).toBe(200);
      html = (await response.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      if (!html.includes('Riverside Night Shelter')) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    facilitator.provider.destroy();
    expect(html).toContain('Routes people take');
    expect(html).toContain('From Riverside Mind to Riverside Housing, using only links where one organisation refers people to the other');
    expect(html).toContain('The shortest route takes 1 step: Riverside Mind → Riverside Housing.');
    // The only tie of Northshore PCN is a wanted link, which is no way through.
    expect(html).toContain('There is no route from Northshore PCN to Riverside Housing using any kind of link.');
    expect(html).toContain('Riverside Night Shelter is no longer on the merged map (deleted, or merged under another name), so this question cannot be answered.');
    expect(html).toContain('From the Voluntary, community and social enterprise sector to the Housing sector, using only links where one organisation refers people to the other, following the direction links were drawn in');
    expect(html).toContain('The closest pair is Riverside Mind and Riverside Housing.');
    const participant = await joinTable(server.url, filled.joinCode, filled.tables[0]!.id);
    const refused = await fetch(`${server.url}/api/events/${filled.eventId}/report.html?sections=routes`, { headers: { Authorization: `Bearer ${participant}` } });
    expect(refused.status).toBe(403);
  });

  it('uses the saved match decisions in the report’s change-over-time section', async () => {
    const filled = await fillEvent(server);
    const org = (id: string, name: string) => ({ id, name, sector: 'vcse', locality: '', remit: '', addedByGroup: 'carer', createdAt: 0 });
    const earlier = {
      format: 'tablemap-event', version: 1, eventId: 'last-year', title: 'Riverside exchange 2025',
      docs: { event: { content: { tables: {}, sectors: [] } }, synthesis: null, roster: null, tables: { t1: { content: { organisations: { a: org('a', 'Riverside Mental Health') }, links: {} } } } },
    };
    const changeText = async () => {
      const response = await fetch(`${server.url}/api/events/${filled.eventId}/report.pdf`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${filled.facilitatorToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ sections: ['change-over-time'], earlier }),
      });
      expect(response.status).toBe(200);
      return (await pdfText(new Uint8Array(await response.arrayBuffer()))).replace(/\s+/g, ' ');
    };
    const before = await changeText();
    expect(before).toContain('Organisations new on the map (3)');
    expect(before).toContain('Organisations no longer mapped (1) Riverside Mental Health');
    const facilitator = connectProvider(server.wsBase, reportDocName(filled.eventId), filled.facilitatorToken);
    await waitForSync(facilitator.provider);
    setMatchDecision(facilitator.doc, { earlierEvent: 'event:last-year', earlierId: nameGroupId('Riverside Mental Health'), decision: 'same', currentId: nameGroupId(FIXTURE.organisations[0]!) });
    await waitFor(() => readMatchDecisions(facilitator.doc, 'event:last-year').decisions.length === 1, 'the decision');
    let text = '';
    for (let attempt = 0; attempt < 50 && !text.includes('Every earlier organisation is still on the map.'); attempt++) text = await changeText();
    facilitator.provider.destroy();
    expect(text).toContain('Every earlier organisation is still on the map.');
    expect(text).toContain('Organisations new on the map (2) Northshore PCN Riverside Housing'); // by name
  });
});
