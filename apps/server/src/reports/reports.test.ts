import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import { newId } from '@tablemap/model';
import { renderReportHtml } from '@tablemap/report';
import { pdfText } from '@tablemap/test-support';
import { TokenSigner, loadOrCreateSecret } from '../auth.ts';
import { startServer, tempDir } from '../testing.ts';
import { storeSource } from './doc-source.ts';
import { EventNotFoundError, buildEventSnapshot } from './event-snapshot.ts';
import { FIXTURE, fillEvent, runScript, type FilledEvent } from './test-fixture.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('reports, exports and analysis over HTTP', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: FilledEvent;
  let otherEvent: FilledEvent;
  let signer: TokenSigner;
  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await fillEvent(server);
    otherEvent = await fillEvent(server);
    signer = new TokenSigner(await loadOrCreateSecret(dir.path));
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  const paths = (eventId: string) => [
    `/api/events/${eventId}/report.pdf`,
    `/api/events/${eventId}/table-packs.pdf`,
    `/api/events/${eventId}/export?format=json`,
    `/api/events/${eventId}/analysis`,
  ];

  it('refuses every endpoint without a token (401), for observers and other events’ facilitators (403), and unknown events (404)', async () => {
    const ghostId = newId();
    const ghostToken = await signer.sign({ eventId: ghostId, role: 'facilitator', participantId: newId() });
    for (const path of paths(event.eventId)) {
      const none = await get(path);
      expect(none.status, path).toBe(401);
      expect((await none.json()).error).toBe('unauthorized');
      expect((await get(path, 'not-a-jwt')).status, path).toBe(401);
      const observer = await get(path, event.observerToken);
      expect(observer.status, path).toBe(403);
      expect((await observer.json()).error).toBe('forbidden');
      expect((await get(path, otherEvent.facilitatorToken)).status, path).toBe(403);
    }
    for (const path of paths(ghostId)) {
      const missing = await get(path, ghostToken);
      expect(missing.status, path).toBe(404);
      expect((await missing.json()).error).toBe('unknown_event');
    }
    const post = await fetch(`${server.url}/api/events/${event.eventId}/report.pdf`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(401);
  });

  it('downloads the report as a PDF with the chosen sections; hidden notes and names stay out unless asked', async () => {
    const response = await get(`/api/events/${event.eventId}/report.pdf?sections=cover,glance,themes`, event.facilitatorToken);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain('riverside-learning-exchange-report.pdf');
    const text = await pdfText(new Uint8Array(await response.arrayBuffer()));
    expect(text).toContain(FIXTURE.title);
    expect(text).toContain(FIXTURE.themeTitle);
    expect(text).toContain('At a glance');
    expect(text).not.toContain('Appendix: table by table');
    expect(text).not.toContain('REDACTED-SENTINEL');

    const withNames = await get(`/api/events/${event.eventId}/report.pdf?sections=who-was-in-the-room&attendees=1`, event.facilitatorToken);
    expect(await pdfText(new Uint8Array(await withNames.arrayBuffer()))).toContain(FIXTURE.attendeeName);
    const bad = await get(`/api/events/${event.eventId}/report.pdf?sections=cover,nonsense`, event.facilitatorToken);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain('nonsense');
  });

  it('POST report takes options and a logo; a corrupt logo is refused with 400', async () => {
    const post = (body: unknown) =>
      fetch(`${server.url}/api/events/${event.eventId}/report.pdf`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${event.facilitatorToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ sections: ['cover', 'themes'], includeAttendeeList: false, logo: ONE_PIXEL_PNG });
    expect(ok.status).toBe(200);
    expect(await pdfText(new Uint8Array(await ok.arrayBuffer()))).toContain(FIXTURE.themeTitle);
    const truncated = Buffer.from(ONE_PIXEL_PNG, 'base64').subarray(0, 40).toString('base64');
    const corrupt = await post({ sections: ['cover'], logo: truncated });
    expect(corrupt.status).toBe(400);
    const body = await corrupt.json();
    expect(body.error).toBe('invalid_logo');
    expect(body.message).toMatch(/PNG/);
    expect((await post({ logo: Buffer.from('GIF89a not a logo').toString('base64') })).status).toBe(400);
  });

  it('POST report compares with an earlier event’s export in its own section; a file that is not one is refused with 400', async () => {
    const post = (body: unknown) =>
      fetch(`${server.url}/api/events/${event.eventId}/report.pdf`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${event.facilitatorToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const org = (id: string, name: string) => ({ id, name, sector: 'vcse', locality: '', remit: '', addedByGroup: 'carer', createdAt: 0 });
    const earlier = {
      format: 'tablemap-event', version: 1, eventId: 'old', title: 'Riverside exchange 2025',
      docs: { event: { content: { tables: {}, sectors: [] } }, synthesis: null, roster: null, tables: { t1: { content: {
        organisations: { a: org('a', FIXTURE.organisations[0]!), b: org('b', 'Closed Drop-in Centre') }, links: {},
      } } } },
    };
    const ok = await post({ sections: ['change-over-time'], earlier });
    expect(ok.status).toBe(200);
    const text = (await pdfText(new Uint8Array(await ok.arrayBuffer()))).replace(/\s+/g, ' ');
    expect(text).toContain('Compared with Riverside exchange 2025.');
    expect(text).toContain('Closed Drop-in Centre');
    expect(text).toContain('The number of organisations mapped rose from 2 to');
    const refused = await post({ sections: ['change-over-time'], earlier: { format: 'kumu' } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/not a Tablemap event export/);
  });

  it('prints table packs with the join code, first names only on request', async () => {
    const plain = await get(`/api/events/${event.eventId}/table-packs.pdf`, event.facilitatorToken);
    expect(plain.status).toBe(200);
    const text = await pdfText(new Uint8Array(await plain.arrayBuffer()));
    // The code is printed letter-spaced for reading across a table; a text layer may split it into letters.
    expect(text.replace(/\s+/g, '')).toContain(event.joinCode);
    expect(text).toContain('Table 1');
    expect(text).toContain(new URL(server.url).host);
    expect(text).not.toContain('Zebedee');
    const named = await pdfText(new Uint8Array(await (await get(`/api/events/${event.eventId}/table-packs.pdf?firstNames=1`, event.facilitatorToken)).arrayBuffer()));
    expect(named).toContain('Zebedee');
    expect(named).not.toContain('Quartermaine');
  });

  it('exports every format with its content type and file name; GEXF parses back; hidden notes stay out of the codebook', async () => {
    const expected: Record<string, [string, string]> = {
      json: ['application/json', '-event.json'],
      gexf: ['application/gexf+xml', '.gexf'],
      graphml: ['application/graphml+xml', '.graphml'],
      'directory-csv': ['text/csv', 'directory.csv'],
      hsds: ['application/json', 'hsds.json'],
      'codebook-csv': ['text/csv', 'codebook.csv'],
      qdc: ['application/xml', '.qdc'],
      qdpx: ['application/zip', 'notes.qdpx'],
    };
    const bodies: Record<string, string> = {};
    const archives: Record<string, Uint8Array> = {};
    for (const [format, [type, suffix]] of Object.entries(expected)) {
      const response = await get(`/api/events/${event.eventId}/export?format=${format}`, event.facilitatorToken);
      expect(response.status, format).toBe(200);
      expect(response.headers.get('content-type'), format).toContain(type);
      expect(response.headers.get('content-disposition'), format).toMatch(new RegExp(`attachment; filename="riverside-learning-exchange.*${suffix.replace('.', '\\.')}"`));
      if (format === 'qdpx') archives[format] = new Uint8Array(await response.arrayBuffer());
      else bodies[format] = await response.text();
    }
    // The REFI-QDA project: a zip with project.qde and one source per visible note, none of the hidden one.
    const qdpx = unzipSync(archives.qdpx!);
    const project = strFromU8(qdpx['project.qde']!);
    expect(project).toContain('urn:QDA-XML:project:1.0');
    expect(project).toContain(FIXTURE.themeTitle);
    const sources = Object.keys(qdpx).filter((path) => path.startsWith('sources/')).map((path) => strFromU8(qdpx[path]!));
    expect(sources).toContain(FIXTURE.visibleNote);
    expect(sources.join('\n') + project).not.toContain('REDACTED-SENTINEL');
    const gexf = new XMLParser({ ignoreAttributes: false }).parse(bodies.gexf!);
    const nodes = [gexf.gexf.graph.nodes.node].flat() as { '@_label': string; attvalues: { attvalue: { '@_for': string; '@_value': string }[] } }[];
    // "Riverside Mind" and "riverside MIND" are one organisation after merging.
    expect(nodes.map((node) => node['@_label']).sort()).toEqual([...FIXTURE.organisations].sort());
    // Its power-round ratings from both tables (4 and 1) give a median of 2.5, for Gephi to size nodes by.
    const mind = nodes.find((node) => node['@_label'] === FIXTURE.organisations[0])!;
    const mindValues = Object.fromEntries(mind.attvalues.attvalue.map((value) => [value['@_for'], value['@_value']]));
    expect(mindValues).toMatchObject({ influence: '2.5', influence_ratings: '2' });
    expect(new XMLParser().parse(bodies.graphml!).graphml).toBeDefined();
    expect(bodies['directory-csv']).toContain('Northshore PCN');
    expect(JSON.parse(bodies.hsds!).organizations).toHaveLength(3);
    expect(bodies['codebook-csv']).toContain(FIXTURE.visibleNote);
    expect(bodies['codebook-csv']).toContain(FIXTURE.themeTitle);
    expect(bodies['codebook-csv']).not.toContain('REDACTED-SENTINEL');
    expect(bodies.qdc).toContain(FIXTURE.themeTitle);
    expect(bodies.qdc).not.toContain('REDACTED-SENTINEL');
    expect(JSON.parse(bodies.json!).format).toBe('tablemap-event');
    const unknown = await get(`/api/events/${event.eventId}/export?format=pdf`, event.facilitatorToken);
    expect(unknown.status).toBe(400);
  });

  it('builds the snapshot with hidden notes removed before the report package sees it; no roster unless asked', async () => {
    const bundle = await buildEventSnapshot(event.eventId, storeSource(server.store));
    const text = JSON.stringify({ report: bundle.report, notes: bundle.visibleNotes, synthesis: bundle.synthesis, tables: bundle.tables });
    expect(text).not.toContain('REDACTED-SENTINEL');
    expect(text).not.toContain(FIXTURE.attendeeName);
    expect(bundle.roster).toBeNull();
    const [theme] = bundle.report.synthesis!.themes;
    expect(theme!.title).toBe(FIXTURE.themeTitle);
    expect(theme!.noteIds).toHaveLength(2);
    expect(theme!.quoteNoteIds).not.toContain(event.hiddenRef);
    expect(theme!.votes).toEqual({ total: 1, byGroup: { primary_care: 1 } });
    expect(bundle.report.synthesis!.gaps).toEqual([]);
    // The carer's referral is the only link drawn by lived experience or carers alone; the report names it.
    expect(bundle.report.insights!.mappingTables).toBe(2);
    expect(bundle.report.insights!.livedExperienceOnly).toEqual([{ from: FIXTURE.organisations[0], to: FIXTURE.organisations[1], groups: ['carer'] }]);
    expect(bundle.report.insights!.contested).toEqual([]);
    // The power round's ratings from both tables meet on the merged organisation, and the report lists them.
    expect(bundle.influence.points.find((point) => point.name === FIXTURE.organisations[0])).toMatchObject({ influence: 2.5, ratings: 2 });
    expect(bundle.influence.points.find((point) => point.name === FIXTURE.organisations[1])).toMatchObject({ influence: 2, ratings: 1 });
    expect(bundle.report.insights!.influence!.rated.map(({ name, influence, ratings }) => [name, influence, ratings])).toEqual([
      [FIXTURE.organisations[0], 2.5, 2],
      [FIXTURE.organisations[1], 2, 1],
    ]);
    const html = renderReportHtml(bundle.report, { sections: ['agreement-and-statistics'] });
    expect(html).toContain('Who holds power');
    expect(html).toMatch(new RegExp(`${FIXTURE.organisations[0]}</t[dh]><td[^>]*>2\\.5<`));
    const withRoster = await buildEventSnapshot(event.eventId, storeSource(server.store), { includeRoster: true });
    expect(withRoster.report.attendees).toEqual([{ name: FIXTURE.attendeeName, group: 'carer', tableId: 't1' }]);
    await expect(buildEventSnapshot('nosuchevent', storeSource(server.store))).rejects.toBeInstanceOf(EventNotFoundError);
  });

  it('carries theme provenance: the tables that raised a theme, their own themes as sub-codes; a hidden note is off every table board', async () => {
    const bundle = await buildEventSnapshot(event.eventId, storeSource(server.store));
    const t1 = bundle.tables.find(({ entry }) => entry.id === 't1')!.snapshot;
    expect(t1.tableThemes.map((theme) => [theme.title, theme.noteIds.length, theme.groups])).toEqual([[FIXTURE.tableThemes[0], 1, { carer: 1 }]]);
    expect(Object.keys(t1.notePlacements)).toHaveLength(1);
    expect(bundle.report.synthesis!.themes[0]!.raisedBy).toEqual([
      { tableId: 't1', tableThemes: [FIXTURE.tableThemes[0]], noteCount: 1, groups: { carer: 1 } },
      { tableId: 't2', tableThemes: [FIXTURE.tableThemes[1]], noteCount: 1, groups: { primary_care: 1 } },
    ]);

    const pdf = await get(`/api/events/${event.eventId}/report.pdf?sections=themes`, event.facilitatorToken);
    const text = (await pdfText(new Uint8Array(await pdf.arrayBuffer()))).replace(/\s+/g, ' ');
    expect(text).toContain(`Raised by 2 tables: Table 1 (“${FIXTURE.tableThemes[0]}”); Table 2 (“${FIXTURE.tableThemes[1]}”).`);
    expect(text).toMatch(/Groups behind it: (Carers and family 1, Primary care \(GP practices, PCNs\) 1|Primary care \(GP practices, PCNs\) 1, Carers and family 1)\./);

    const qdc = await (await get(`/api/events/${event.eventId}/export?format=qdc`, event.facilitatorToken)).text();
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name, _p, _l, attr) => !attr && name === 'Code' }).parse(qdc);
    const [code] = parsed.CodeBook.Codes.Code;
    expect(code.name).toBe(FIXTURE.themeTitle);
    expect(code.Code.map((sub: { name: string }) => sub.name)).toEqual(FIXTURE.tableThemes);
    expect(qdc).not.toContain('REDACTED-SENTINEL');
    const csv = await (await get(`/api/events/${event.eventId}/export?format=codebook-csv`, event.facilitatorToken)).text();
    expect(csv.split('\n')[0]).toContain('table_theme');
    expect(csv).toContain(FIXTURE.tableThemes[1]);
  });

  it('serves the analysis with merge suggestions for the merged-map screen', async () => {
    const response = await get(`/api/events/${event.eventId}/analysis`, event.facilitatorToken);
    expect(response.status).toBe(200);
    const analysis = await response.json();
    const mind = analysis.organisations.find((org: { name: string }) => org.name.toLowerCase() === 'riverside mind');
    expect(mind.tableIds.sort()).toEqual(['t1', 't2']);
    expect(analysis.wantedLinks).toHaveLength(1);
    expect(analysis.missingSectors).toContain('social_care');
    expect(Array.isArray(analysis.suggestions)).toBe(true);
    // "Riverside Mind" vs "Riverside Housing" share a word but are different: the suggester may or may not
    // pair them; what matters is that nothing was merged on fuzzy evidence.
    expect(analysis.organisations).toHaveLength(3);
  });
});

describe('CLI against the server’s DATA_DIR', () => {
  it('renders the report and exports while the server runs and after it stopped', async () => {
    const dir = await tempDir();
    const server = await startServer(dir.path);
    try {
      const event = await fillEvent(server);
      const out = join(dir.path, 'report.pdf');
      const run = await runScript('report.ts', [event.eventId, '--out', out, '--data-dir', dir.path]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const text = await pdfText(await readFile(out));
      expect(text).toContain(FIXTURE.title);
      expect(text).toContain(FIXTURE.themeTitle);
      expect(text).toContain(FIXTURE.visibleNote);
      expect(text).not.toContain(FIXTURE.attendeeName);
      expect(text).not.toContain('REDACTED-SENTINEL');

      const named = join(dir.path, 'named.pdf');
      const withNames = await runScript('report.ts', [event.eventId, '--out', named, '--include-attendees', '--sections', 'cover,who-was-in-the-room'], { DATA_DIR: dir.path });
      expect(withNames.code).toBe(0);
      const namedText = await pdfText(await readFile(named));
      expect(namedText).toContain(FIXTURE.attendeeName);
      expect(namedText).not.toContain('REDACTED-SENTINEL');

      await server.close();
      const gexfPath = join(dir.path, 'map.gexf');
      const exported = await runScript('export.ts', [event.eventId, '--format', 'gexf', '--out', gexfPath, '--data-dir', dir.path]);
      expect(exported.code).toBe(0);
      const gexf = new XMLParser({ ignoreAttributes: false }).parse(await readFile(gexfPath, 'utf8'));
      expect([gexf.gexf.graph.nodes.node].flat()).toHaveLength(3);
      const stopped = await runScript('report.ts', [event.eventId, '--out', out, '--data-dir', dir.path]);
      expect(stopped.code).toBe(0);
      expect(await pdfText(await readFile(out))).toContain(FIXTURE.themeTitle);
    } finally {
      await server.close();
      await dir.remove();
    }
  });

  it('says what is wrong: unknown event, missing database, bad format, missing --out', async () => {
    const dir = await tempDir();
    const server = await startServer(dir.path);
    await server.close();
    try {
      const out = join(dir.path, 'x.pdf');
      const unknown = await runScript('report.ts', ['nosuchevent', '--out', out, '--data-dir', dir.path]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('There is no event nosuchevent');
      const noDb = await runScript('export.ts', ['e1', '--format', 'json', '--out', out, '--data-dir', join(dir.path, 'nowhere')]);
      expect(noDb.code).toBe(1);
      expect(noDb.stderr).toContain('no Tablemap database');
      const badFormat = await runScript('export.ts', ['e1', '--format', 'xlsx', '--out', out, '--data-dir', dir.path]);
      expect(badFormat.code).toBe(1);
      expect(badFormat.stderr).toContain('Unknown export format');
      const noOut = await runScript('report.ts', ['e1', '--data-dir', dir.path]);
      expect(noOut.code).toBe(2);
      expect(noOut.stderr).toContain('Usage:');
      // A failed run leaves no file behind.
      expect(existsSync(out)).toBe(false);
    } finally {
      await dir.remove();
    }
  });
});
