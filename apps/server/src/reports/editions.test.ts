import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { newId, readReportNarrative, reportDocName, writeRichText, type RichDoc } from '@tablemap/model';
import { pdfText } from '@tablemap/test-support';
import { TokenSigner, loadOrCreateSecret } from '../auth.ts';
import { connectProvider, joinTable, startServer, storedDoc, tempDir, waitForSync } from '../testing.ts';
import { FIXTURE, fillEvent, type FilledEvent } from './test-fixture.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

const INTRO = 'We met to hear what gets in the way of care';

const intro = (event: FilledEvent): RichDoc => ({
  type: 'doc',
  content: [
    { type: 'paragraph', content: [{ type: 'text', text: INTRO, marks: [{ type: 'bold' }] }] },
    { type: 'noteQuote', attrs: { noteId: event.visibleRef } },
    { type: 'noteQuote', attrs: { noteId: event.hiddenRef } },
  ],
});

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the report doc to be stored');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Heading 1 paragraphs of a Word file, in order. */
function docxHeadings(bytes: Uint8Array): string[] {
  const xml = strFromU8(unzipSync(bytes)['word/document.xml']!);
  return [...xml.matchAll(/<w:p>(?:(?!<\/w:p>).)*?<w:pStyle w:val="Heading1"\/>(.*?)<\/w:p>/gs)].map((m) => [...m[1]!.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
}

const docxText = (bytes: Uint8Array) => strFromU8(unzipSync(bytes)['word/document.xml']!).replace(/<[^>]+>/g, '');

describe('the report editions, the narrative and share links over HTTP', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: FilledEvent;
  let other: FilledEvent;
  let signer: TokenSigner;
  const call = (path: string, token?: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer());

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await fillEvent(server);
    other = await fillEvent(server);
    signer = new TokenSigner(await loadOrCreateSecret(dir.path));
    const put = await call(`/api/events/${event.eventId}/report/sections/introduction`, event.facilitatorToken, { method: 'PUT', body: JSON.stringify(intro(event)) });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it('gives the same sections and themes in the PDF, HTML and Word editions, with the narrative; a hidden note quoted before it was hidden is in none', async () => {
    const [pdf, html, docx] = await Promise.all(
      ['pdf', 'html', 'docx'].map((edition) => call(`/api/events/${event.eventId}/report.${edition}`, event.facilitatorToken)),
    );
    expect([pdf!.status, html!.status, docx!.status]).toEqual([200, 200, 200]);
    expect(html!.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(docx!.headers.get('content-disposition')).toContain('riverside-learning-exchange-report.docx');
    const pdfTextContent = await pdfText(await bytes(pdf!));
    const htmlText = await html!.text();
    const docxBytes = await bytes(docx!);
    const sections = docxHeadings(docxBytes);
    expect(sections).toContain('Introduction');
    expect(sections).toContain('Recommendations');
    const htmlSections = [...htmlText.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]).filter((title) => title !== 'Contents');
    expect(htmlSections).toEqual(sections);
    for (const title of sections) expect(pdfTextContent).toContain(title);
    for (const text of [pdfTextContent, htmlText, docxText(docxBytes)]) {
      expect(text).toContain(FIXTURE.themeTitle);
      expect(text).toContain(INTRO);
      expect(text).toContain(FIXTURE.visibleNote);
      expect(text).not.toContain('REDACTED-SENTINEL');
      expect(text).not.toContain(FIXTURE.attendeeName);
    }
  });

  it('names attendees only when the attendee list is asked for', async () => {
    for (const edition of ['html', 'docx']) {
      const response = await call(`/api/events/${event.eventId}/report.${edition}?attendees=1`, event.facilitatorToken);
      const text = edition === 'html' ? await response.text() : docxText(await bytes(response));
      expect(text, edition).toContain(FIXTURE.attendeeName);
    }
  });

  it('takes the narrative from facilitators’ live edits of the report doc, which participants cannot open', async () => {
    const connection = connectProvider(server.wsBase, reportDocName(event.eventId), event.facilitatorToken);
    await waitForSync(connection.provider);
    writeRichText(connection.doc, 'acknowledgements', { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Thank you to the hall staff' }] }] });
    await until(async () => readReportNarrative(await storedDoc(server, reportDocName(event.eventId))).sections.acknowledgements !== undefined);
    connection.provider.destroy();
    const html = await (await call(`/api/events/${event.eventId}/report.html`, event.facilitatorToken)).text();
    expect(html).toContain('Thank you to the hall staff');

    const participantToken = await joinTable(server.url, event.joinCode, 't1', 'carer');
    for (const token of [participantToken, event.observerToken]) {
      const refused = connectProvider(server.wsBase, reportDocName(event.eventId), token);
      const synced = await waitForSync(refused.provider, 1500).then(() => true, () => false);
      refused.provider.destroy();
      expect(synced).toBe(false);
    }
  });

  it('refuses a narrative over the size limit, an unknown section, a node outside the schema and a wrong event, changing nothing', async () => {
    const path = `/api/events/${event.eventId}/report/sections/introduction`;
    const huge: RichDoc = { type: 'doc', content: Array.from({ length: 7 }, () => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'x'.repeat(9_500) }] })) };
    const tooLong = await call(path, event.facilitatorToken, { method: 'PUT', body: JSON.stringify(huge) });
    expect(tooLong.status).toBe(413);
    expect(await tooLong.json()).toMatchObject({ error: 'narrative_too_long' });
    const script = await call(path, event.facilitatorToken, { method: 'PUT', body: JSON.stringify({ type: 'doc', content: [{ type: 'script', content: [] }] }) });
    expect(script.status).toBe(400);
    expect((await script.json()).error).toBe('invalid_input');
    const badLink = await call(path, event.facilitatorToken, {
      method: 'PUT',
      body: JSON.stringify({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] }),
    });
    expect((await badLink.json()).message).toMatch(/a link must start with http/);
    const section = await call(`/api/events/${event.eventId}/report/sections/sidebar`, event.facilitatorToken, { method: 'PUT', body: JSON.stringify(intro(event)) });
    expect(section.status).toBe(400);
    expect((await section.json()).message).toMatch(/Unknown narrative section "sidebar"/);
    const ghostId = newId();
    const ghost = await call(`/api/events/${ghostId}/report/sections/introduction`, await signer.sign({ eventId: ghostId, role: 'facilitator', participantId: newId() }), { method: 'PUT', body: JSON.stringify(intro(event)) });
    expect(ghost.status).toBe(404);
    expect((await call(path, other.facilitatorToken, { method: 'PUT', body: JSON.stringify(intro(event)) })).status).toBe(403);
    expect((await call(path, event.observerToken, { method: 'PUT', body: JSON.stringify(intro(event)) })).status).toBe(403);
    const stored = await storedDoc(server, reportDocName(event.eventId));
    expect(readReportNarrative(stored).sections.introduction).toEqual(intro(event));
  });

  it('serves the HTML edition through a share link under a strict CSP, until it is revoked; forged and misplaced tokens find nothing', async () => {
    expect((await call(`/api/events/${event.eventId}/report-shares`, event.observerToken, { method: 'POST' })).status).toBe(403);
    const created = await call(`/api/events/${event.eventId}/report-shares`, event.facilitatorToken, { method: 'POST' });
    expect(created.status).toBe(201);
    const share = (await created.json()) as { id: string; path: string; revokedAt: null };
    expect(share.path).toMatch(new RegExp(`^/shared/report/${event.eventId}/[A-Za-z0-9_-]{43}$`));
    const token = share.path.split('/').at(-1)!;

    const page = await fetch(`${server.url}${share.path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:;.*frame-ancestors 'none'/);
    const html = await page.text();
    expect(html).toContain(FIXTURE.themeTitle);
    expect(html).not.toContain(FIXTURE.attendeeName);
    expect(html).not.toContain('REDACTED-SENTINEL');

    // Only the token's hash is stored.
    const stored = await storedDoc(server, reportDocName(event.eventId));
    expect(JSON.stringify(stored.getMap('shares').toJSON())).not.toContain(token);

    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [`/shared/report/${event.eventId}/${forged}`, `/shared/report/${event.eventId}/short`, `/shared/report/${other.eventId}/${token}`, `/shared/report/not%20an%20id/${token}`]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain('This link does not open a report');
    }

    const listed = await (await call(`/api/events/${event.eventId}/report-shares`, event.facilitatorToken)).json();
    expect(listed.shares).toEqual([{ id: share.id, createdAt: expect.any(Number), revokedAt: null }]);
    const revoked = await call(`/api/events/${event.eventId}/report-shares/${share.id}`, event.facilitatorToken, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).revokedAt).toEqual(expect.any(Number));
    const gone = await fetch(`${server.url}${share.path}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('This link has been withdrawn');
    const unknown = await call(`/api/events/${event.eventId}/report-shares/${newId()}`, event.facilitatorToken, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toBe('unknown_share');
    expect((await call(`/api/events/${other.eventId}/report-shares/${share.id}`, other.facilitatorToken, { method: 'DELETE' })).status).toBe(404);
  });

  it('starts “How the day ran” from the event once, then leaves the organisers’ text alone', async () => {
    const path = `/api/events/${other.eventId}/report/prefill-how-the-day-ran`;
    const first = await call(path, other.facilitatorToken, { method: 'POST' });
    expect(first.status).toBe(200);
    const stored = readReportNarrative(await storedDoc(server, reportDocName(other.eventId))).sections.howTheDayRan!;
    expect(JSON.stringify(stored)).toContain('took part at 2 tables');
    expect(JSON.stringify(stored)).not.toContain(FIXTURE.attendeeName);
    const again = await call(path, other.facilitatorToken, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('not_empty');
    expect((await call(path, other.observerToken, { method: 'POST' })).status).toBe(403);
  });

  it('gives the easy-read summary in the participant languages, and refuses an unknown one', async () => {
    const pdf = await call(`/api/events/${event.eventId}/easy-read.pdf?language=cy`, event.facilitatorToken);
    expect(pdf.status).toBe(200);
    expect(await pdfText(await bytes(pdf))).toContain('Beth glywson ni');
    const html = await call(`/api/events/${event.eventId}/easy-read.html?language=ur`, event.facilitatorToken);
    expect(await html.text()).toContain('dir="rtl"');
    const bad = await call(`/api/events/${event.eventId}/easy-read.html?language=klingon`, event.facilitatorToken);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/Unknown language "klingon"; use en, cy, pl, ur, bn, pa/);
    expect((await call(`/api/events/${event.eventId}/easy-read.pdf`, event.observerToken)).status).toBe(403);
  });
});
