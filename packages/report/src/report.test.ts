import { deflateSync, crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  renderReportHtml,
  ReportInputError,
  SECTION_IDS,
  SECTION_TITLES,
  buildReportDefinition,
  renderReport,
  validateLogo,
  type ReportSnapshot,
} from './index.ts';
import { ATTENDEE_NAMES, fixtureEvent } from './fixtures/event-fixture.ts';
import { inkShare, pdfInfo, pdfPages, pdfText, rasterisePage } from '@tablemap/test-support';

/** A minimal valid PNG (solid colour), built by hand so the test needs no image files. */
function tinyPng(size = 4): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.concat(Array.from({ length: size }, () => Buffer.from([0, ...Array.from({ length: size }, () => [200, 30, 60]).flat()])));
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]),
  );
}

/** The first line, after the contents page, whose whole text is `heading`. Returns its page and line. */
function findHeading(pages: string[], heading: string): number {
  const contentsPage = pages.findIndex((page) => page.split('\n').some((line) => line.trim() === 'Contents'));
  for (let p = contentsPage + 1; p < pages.length; p++) {
    const lines = pages[p]!.split('\n');
    const at = lines.findIndex((line) => line.trim() === heading);
    if (at >= 0) return p * 10_000 + at;
  }
  return -1;
}

describe('the fixture event report', () => {
  const snapshot = fixtureEvent();
  let pages: string[];
  let text: string;
  let pdf: Uint8Array;

  beforeAll(async () => {
    pdf = await renderReport(snapshot, { author: 'Leeds Mind Alliance' });
    pages = await pdfPages(pdf);
    text = pages.join('\n');
  });

  it('has every section heading, in the chosen order, after a contents page', () => {
    const headings = SECTION_IDS.filter((id) => id !== 'cover').map((id) => SECTION_TITLES[id]);
    const positions = headings.map((heading) => findHeading(pages, heading));
    expect(positions.every((p) => p >= 0), `missing: ${headings.filter((_, i) => positions[i]! < 0)}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // The contents page lists each heading with its page number.
    for (const heading of headings) expect(text).toMatch(new RegExp(`${heading}\\s+\\d+`));
  });

  it('follows a custom section order', async () => {
    const order = ['themes', 'at-a-glance', 'directory'] as const;
    const custom = await pdfPages(await renderReport(snapshot, { sections: [...order] }));
    const positions = order.map((id) => findHeading(custom, SECTION_TITLES[id]));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(findHeading(custom, SECTION_TITLES.ecosystem)).toBe(-1);
  });

  it('marks every page of a demo event’s report, and no page of a real one', async () => {
    const sections = ['at-a-glance', 'directory'] as const;
    const demo = await pdfPages(await renderReport({ ...snapshot, event: { ...snapshot.event, demo: true } }, { sections: [...sections] }));
    expect(demo.length).toBeGreaterThan(1);
    for (const page of demo) expect(page).toContain('DEMO · made-up data');
    const real = await pdfPages(await renderReport(snapshot, { sections: [...sections] }));
    for (const page of real) expect(page).not.toContain('DEMO');
    // The HTML edition says so too.
    expect(renderReportHtml({ ...snapshot, event: { ...snapshot.event, demo: true } }, { sections: [...sections] })).toContain('DEMO · made-up data');
    expect(renderReportHtml(snapshot, { sections: [...sections] })).not.toContain('DEMO');
  });

  it('shows at-a-glance counts equal to the event’s real counts', () => {
    const hidden = new Set(snapshot.synthesis!.hiddenNoteIds);
    const visibleNotes = snapshot.tables.flatMap((t) => t.notes).filter((n) => !hidden.has(n.id));
    const expected = {
      Participants: snapshot.attendees!.length,
      Tables: snapshot.event.tables.length,
      'Organisations mapped': snapshot.tables.reduce((n, t) => n + t.organisations.length, 0),
      Links: snapshot.tables.reduce((n, t) => n + t.links.length, 0),
      Notes: visibleNotes.length,
      'Votes on notes': snapshot.tables.reduce((n, t) => n + Object.entries(t.votes ?? {}).filter(([id]) => !hidden.has(id)).reduce((m, [, v]) => m + v.total, 0), 0),
      Themes: snapshot.synthesis!.themes.length,
      'Votes on themes': snapshot.synthesis!.themes.reduce((n, t) => n + (t.votes?.total ?? 0), 0),
    };
    const glance = pages[findHeading(pages, 'At a glance') / 10_000 | 0]!;
    for (const [label, count] of Object.entries(expected)) {
      const match = glance.match(new RegExp(`^\\s*${label}\\s+(\\d+)\\s*$`, 'm'));
      expect(match?.[1], label).toBe(String(count));
    }
    expect(expected.Notes).toBe(4);
    expect(expected['Votes on notes']).toBe(8);
    expect(expected['Votes on themes']).toBe(10);
  });

  it('prints each theme’s title and quotes, attributed only by stakeholder group', async () => {
    const flat = (await pdfText(pdf, false)).replace(/\s+/g, ' ');
    expect(flat).toContain('Access and waiting times');
    expect(flat).toContain('Safe community spaces');
    expect(flat).toContain('“Waiting lists push people into crisis before anyone sees them.” — Carers and family');
    expect(flat).toContain('“The drop-in is the only place that feels safe.” — People with lived experience / service users');
    expect(flat).toMatch(/Drew on 2 notes from 2 tables\. 8 votes \(Carers and family 4, Housing 3/);
  });

  it('lists gaps, key messages and next steps', async () => {
    const flat = (await pdfText(pdf, false)).replace(/\s+/g, ' ');
    for (const expected of ['People not known to services', 'Build on what already works locally', 'Publish a shared map of routes into support', 'Commissioners (integrated care boards)', '3 months']) {
      expect(flat).toContain(expected);
    }
  });

  it('shows who was in the room: the group × table matrix, the rainbow check and consent counts', async () => {
    const flat = (await pdfText(pdf, false)).replace(/\s+/g, ' ');
    const consent = snapshot.tables.reduce((n, t) => n + Object.values(t.consentByGroup ?? {}).reduce((a, b) => a + b, 0), 0);
    expect(flat).toContain(`${consent} people gave consent for their contributions to be used.`);
    expect(flat).toContain('3 tables lacked at least one of the 4 stakeholder groups present at the event');
    expect(flat).toContain('Table Cedar lacked: People with lived experience / service users, Carers and family, Voluntary, community and social enterprise sector, Housing');
    expect(flat).toContain('Table Amber lacked: Voluntary, community and social enterprise sector, Housing');
    const matrixRow = text.split('\n').find((line) => line.trim().startsWith('Table Amber') && /\d\s*$/.test(line));
    expect(matrixRow?.trim().split(/\s+/).slice(2)).toEqual(['1', '1', '–', '–', '2']);
  });

  it('never prints a hidden note, its votes, or an attendee name by default', () => {
    expect(text).not.toContain('Zebracrossing');
    for (const name of ATTENDEE_NAMES) expect(text).not.toContain(name.split(' ')[1]);
  });

  it('prints attendee names only when the organiser opts in, and still hides hidden notes', async () => {
    const withNames = await pdfText(await renderReport(snapshot, { includeAttendeeList: true }));
    for (const name of ATTENDEE_NAMES) expect(withNames).toContain(name);
    expect(withNames).not.toContain('Zebracrossing');
  });

  it('reports rendering progress up to completion', async () => {
    const seen: number[] = [];
    await renderReport(snapshot, { sections: ['themes', 'table-appendix'] }, { onProgress: (fraction) => seen.push(fraction) });
    expect(seen.length).toBeGreaterThan(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(1);
  });

  it('sets PDF metadata and language', async () => {
    const info = await pdfInfo(pdf);
    expect(info.Title).toBe('Leeds Learning Exchange');
    expect(info.Author).toBe('Leeds Mind Alliance');
    expect(info.Subject).toContain('Post-event report');
    const raw = Buffer.from(pdf).toString('latin1');
    expect(raw).toMatch(/\/Lang \(en-GB\)/);
    expect(pages.at(-1)).toMatch(new RegExp(`Page ${pages.length} of ${pages.length}`));
  });

  it('draws a cover and a map that are not blank', async () => {
    const cover = await rasterisePage(pdf, 1);
    expect(inkShare(cover)).toBeGreaterThan(0.005);
    const mapPage = findHeading(pages, 'The merged map');
    expect(mapPage).toBeGreaterThan(0);
    const pageNumber = ((mapPage / 10_000) | 0) + 1;
    // The map's drawing area (above its legend): sector-coloured nodes and coloured links must show.
    const map = await rasterisePage(pdf, pageNumber, 60);
    const drawingArea = { top: 0.2, left: 0.07, bottom: 0.65, right: 0.93 };
    expect(inkShare(map, drawingArea, true)).toBeGreaterThan(0.0015);
    // The same area on a text-only page has no colour at all, so the threshold means something.
    const glancePage = ((findHeading(pages, 'At a glance') / 10_000) | 0) + 1;
    expect(inkShare(await rasterisePage(pdf, glancePage, 60), drawingArea, true)).toBe(0);
  });
});

describe('bad and unusual input', () => {
  it('gives a short, valid report for an empty event and says what is empty', async () => {
    const empty: ReportSnapshot = {
      event: { title: 'Empty event', groups: [], sectors: [], prompts: [], tables: [] },
      tables: [],
    };
    const pdf = await renderReport(empty);
    const pages = await pdfPages(pdf);
    // At most one page per section, plus the contents page: no empty section runs on.
    expect(pages.length).toBeLessThanOrEqual(SECTION_IDS.length + 1);
    const flat = pages.join(' ').replace(/\s+/g, ' ');
    expect(flat).toContain('This event has no tables, no notes, no themes, no mapped organisations yet.');
    expect(flat).toContain('No themes were recorded.');
    expect(flat).toContain('No network analysis was available for this report.');
    expect(flat).toContain('the directory is empty');
    expect(flat).toContain('No agreement or statistics were available for this report.');
    expect(flat).toContain('No earlier event was chosen for comparison.');
  });

  it('wraps 5,000-character notes instead of cutting them off', async () => {
    const snapshot = fixtureEvent();
    const words = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    const long = `${words} ENDOFLONGNOTE`.slice(-5000);
    const unbroken = `${'x'.repeat(4985)}ENDOFUNBROKEN`;
    snapshot.tables[2]!.notes = [
      { id: 'notelong', text: long, kind: 'observation', promptId: null, group: 'carer' },
      { id: 'noteunbroken', text: unbroken, kind: 'observation', promptId: null, group: 'carer' },
    ];
    const pdf = await renderReport(snapshot, { sections: ['table-appendix'] });
    const pages = await pdfPages(pdf, false);
    const all = pages.join('\n');
    expect(all).toContain('ENDOFLONGNOTE');
    expect(all.replace(/\s+/g, '')).toContain('ENDOFUNBROKEN');
    // Wrapped: every line fits the page (the text layer keeps the PDF's own line breaks).
    const longest = Math.max(...all.split('\n').map((line) => line.length));
    expect(longest).toBeLessThan(200);
  });

  it('refuses a corrupt logo and leaves the report unrendered', async () => {
    const png = tinyPng();
    const truncated = png.slice(0, png.length - 20);
    await expect(renderReport(fixtureEvent(), { logo: truncated })).rejects.toThrow(/PNG but is damaged/);
    expect(() => validateLogo(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(ReportInputError);
    expect(() => validateLogo(new Uint8Array([1, 2, 3, 4, 5]))).toThrow('Logo must be a PNG or JPEG image.');
    expect(() => validateLogo(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toThrow(/JPEG but is damaged/);
    expect(() => validateLogo(new Uint8Array(0))).toThrow(/empty/);
    const tooBig = new Uint8Array(2 * 1024 * 1024 + 1);
    tooBig.set(png.subarray(0, 8));
    expect(() => validateLogo(tooBig)).toThrow(/limit is 2 MB/);
  });

  it('puts a valid logo on the cover', async () => {
    expect(validateLogo(tinyPng()).mimeType).toBe('image/png');
    const pdf = await renderReport(fixtureEvent(), { logo: tinyPng(40), sections: ['cover'] });
    const cover = await rasterisePage(pdf, 1, 40);
    // The logo is drawn in red near the top-left corner.
    let red = 0;
    for (let i = 0; i < cover.pixels.length; i += 3) if (cover.pixels[i]! > 150 && cover.pixels[i + 1]! < 80) red++;
    expect(red).toBeGreaterThan(50);
  });

  it('rejects a malformed snapshot or options with a message naming the problem', () => {
    const snapshot = fixtureEvent();
    expect(() => buildReportDefinition({ ...snapshot, event: { ...snapshot.event, title: '' } })).toThrow(/event\.title: event title is required/);
    expect(() => buildReportDefinition(snapshot, { sections: ['cover', 'appendix-z' as never] })).toThrow(/section must be one of/);
    expect(() => buildReportDefinition(snapshot, { sections: [] })).toThrow(/at least one section/);
    expect(() => buildReportDefinition(snapshot, { sections: ['themes', 'themes'] })).toThrow(/only once/);
  });

  it('prints markup in names as text, in the map too', async () => {
    const snapshot = fixtureEvent();
    snapshot.analysis!.organisations[0]!.name = '<script>alert("x")</script> & Co';
    const pdf = await renderReport(snapshot, { sections: ['ecosystem'] });
    expect(await pdfText(pdf)).toContain('<script>alert("x")</script> & Co');
  });
});

describe('page layout of tables', () => {
  it('an empty table takes one line at the end of the appendix, not a page', async () => {
    const snapshot = fixtureEvent();
    snapshot.event.tables.push({ id: 'tabled', name: 'Table Dune', order: 3 }, { id: 'tablee', name: 'Table Elm', order: 4 });
    snapshot.tables.push(
      { id: 'tabled', name: 'Table Dune', organisations: [], links: [], notes: [], positions: {}, consentByGroup: {}, votes: {} },
      { id: 'tablee', name: 'Table Elm', organisations: [], links: [], notes: [], positions: {}, consentByGroup: {}, votes: {} },
    );
    const withEmpty = await pdfPages(await renderReport(snapshot, { sections: ['table-appendix'] }), false);
    const flat = withEmpty.join('\n').replace(/\s+/g, ' ');
    expect(flat).toContain('Nothing was mapped or written at 2 tables: Table Dune, Table Elm.');
    expect(withEmpty.some((page) => /^\s*Table Dune\s*$/m.test(page))).toBe(false);
    const without = await pdfPages(await renderReport(fixtureEvent(), { sections: ['table-appendix'] }), false);
    expect(withEmpty.length).toBe(without.length);
  });

});
