import { unzipSync, strFromU8 } from 'fflate';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportNarrative } from '@tablemap/model';
import { pdfInfo, pdfPages, pdfRuns } from '@tablemap/test-support';
import {
  ReportInputError,
  SECTION_TITLES,
  renderEasyReadHtml,
  renderEasyReadPdf,
  renderReport,
  renderReportDocx,
  renderReportHtml,
  type ReportOptions,
  type ReportSnapshot,
} from './index.ts';
import { ATTENDEE_NAMES, HIDDEN_TEXT, fixtureEvent } from './fixtures/event-fixture.ts';

const VISIBLE_QUOTE = 'The drop-in is the only place that feels safe.';
const INTRO_WORDS = 'Organisers from four services wrote this report together';

function narrative(): ReportNarrative {
  return {
    sections: {
      introduction: {
        type: 'doc',
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: `${INTRO_WORDS}, ` }, { type: 'text', text: 'the same week', marks: [{ type: 'bold' }] }, { type: 'text', text: '.' }] },
          { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Why we met' }] },
          { type: 'paragraph', content: [{ type: 'text', text: 'Read the seed report', marks: [{ type: 'link', attrs: { href: 'https://example.org/report' } }] }] },
          { type: 'noteQuote', attrs: { noteId: 'notea2' } },
          // Quoted while visible, hidden later: it must drop out of every edition.
          { type: 'noteQuote', attrs: { noteId: 'notehidden' } },
          { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Listen first' }] }] }] },
        ],
      },
      // A subheading written with no heading before it is printed as a heading, so no level is skipped.
      acknowledgements: { type: 'doc', content: [{ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Our thanks' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'Thanks to Civic Hall staff.' }] }] },
    },
    recommendations: [{ id: 'rec1', text: 'Fund a shared referral map', themeIds: ['themeaccess'], order: 0 }],
    easyRead: [
      { id: 'er1', part: 'heard', text: 'Waiting is too long.', icon: 'alert', order: 0 },
      { id: 'er2', part: 'heard', text: 'Drop-ins feel safe.', icon: 'home', order: 1 },
      { id: 'er3', part: 'contact', text: 'Email hello@example.org', icon: 'mail', order: 0 },
    ],
  };
}

const snapshotWithNarrative = (): ReportSnapshot => ({ ...fixtureEvent(), narrative: narrative() });

interface Editions {
  pdf: string;
  pdfLines: string[];
  html: string;
  docx: DocxParts;
}

interface DocxParts {
  documentXml: string;
  stylesXml: string;
  /** Paragraphs in order: their style id (if any) and text. */
  paragraphs: { style: string; text: string }[];
  mediaCount: number;
}

/** Unzips a .docx, checks the main part is well-formed XML and lists its paragraphs with their styles. */
function readDocx(bytes: Uint8Array): DocxParts {
  const files = unzipSync(bytes);
  const documentXml = strFromU8(files['word/document.xml']!);
  const stylesXml = strFromU8(files['word/styles.xml']!);
  expect(XMLValidator.validate(documentXml)).toBe(true);
  expect(XMLValidator.validate(stylesXml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: true, trimValues: false });
  const tree = parser.parse(documentXml) as unknown[];
  const paragraphs: { style: string; text: string }[] = [];
  const walk = (nodes: unknown[]): void => {
    for (const node of nodes as Record<string, unknown>[]) {
      for (const [key, value] of Object.entries(node)) {
        if (key === ':@' || !Array.isArray(value)) continue;
        if (key === 'w:p') paragraphs.push({ style: styleOf(value), text: textOf(value) });
        else walk(value);
      }
    }
  };
  walk(tree);
  return { documentXml, stylesXml, paragraphs, mediaCount: Object.keys(files).filter((name) => name.startsWith('word/media/')).length };
}

function styleOf(paragraph: unknown[]): string {
  for (const node of paragraph as Record<string, unknown>[]) {
    const properties = node['w:pPr'] as Record<string, unknown>[] | undefined;
    for (const property of properties ?? []) if ('w:pStyle' in property) return String((property[':@'] as Record<string, string>)['@_w:val']);
  }
  return '';
}

function textOf(nodes: unknown[]): string {
  let text = '';
  for (const node of nodes as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '#text') text += String(value);
      else if (key !== ':@' && Array.isArray(value)) text += textOf(value);
    }
  }
  return text;
}

const htmlHeadings = (html: string, level: number) =>
  [...html.matchAll(new RegExp(`<h${level}[^>]*>(.*?)</h${level}>`, 'gs'))].map((match) => match[1]!.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/&apos;/g, '’').trim());
const docxWithStyle = (docx: DocxParts, style: string) => docx.paragraphs.filter((p) => p.style === style).map((p) => p.text.trim());

async function allEditions(snapshot: ReportSnapshot, options: ReportOptions = {}): Promise<Editions> {
  const [pdfBytes, docxBytes] = await Promise.all([renderReport(snapshot, options), renderReportDocx(snapshot, options)]);
  const pdfLines = (await pdfPages(pdfBytes)).flatMap((page) => page.split('\n').map((line) => line.trim()));
  return { pdf: pdfLines.join('\n'), pdfLines, html: renderReportHtml(snapshot, options), docx: readDocx(docxBytes) };
}

describe('one report, three editions', () => {
  const snapshot = snapshotWithNarrative();
  let editions: Editions;
  beforeAll(async () => {
    editions = await allEditions(snapshot);
  });

  it('carries the same section headings, in the same order, in the PDF, the HTML and the Word file', () => {
    const titles = Object.entries(SECTION_TITLES).filter(([id]) => id !== 'cover').map(([, title]) => title);
    const html = htmlHeadings(editions.html, 2).filter((text) => text !== 'Contents');
    const docx = docxWithStyle(editions.docx, 'Heading1');
    expect(html).toEqual(titles);
    expect(docx).toEqual(titles);
    // In the PDF, each title stands on its own line after the contents page, in the same order.
    const contentsEnd = editions.pdfLines.lastIndexOf(titles.at(-1)!.replace(/\s+/g, ' ')) ;
    expect(contentsEnd).toBeGreaterThan(0);
    const positions = titles.map((title) => editions.pdfLines.findLastIndex((line) => line === title));
    expect(positions.every((p) => p > 0), `missing in the PDF: ${titles.filter((_, i) => positions[i]! <= 0)}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('carries the same themes as headings in each edition, and the recommendation with the theme behind it', () => {
    const themes = snapshot.synthesis!.themes.map((theme) => theme.title);
    expect(htmlHeadings(editions.html, 3)).toEqual(expect.arrayContaining(themes));
    expect(docxWithStyle(editions.docx, 'Heading2')).toEqual(expect.arrayContaining(themes));
    for (const theme of themes) expect(editions.pdfLines).toContain(theme);
    for (const text of [editions.pdf, editions.html, editions.docx.paragraphs.map((p) => p.text).join('\n')]) {
      expect(text).toContain('Fund a shared referral map');
      expect(text).toMatch(/Supported by: Access and waiting times \(gap\)/);
    }
  });

  it('prints the narrative with its formatting in each edition', () => {
    expect(editions.pdf).toContain(INTRO_WORDS);
    expect(editions.html).toContain('<strong>the same week</strong>');
    expect(editions.html).toContain('<a href="https://example.org/report">Read the seed report</a>');
    expect(editions.docx.documentXml).toMatch(/<w:hyperlink[^>]*>.*Read the seed report/s);
    expect(docxWithStyle(editions.docx, 'Heading2')).toContain('Why we met');
    expect(htmlHeadings(editions.html, 3)).toContain('Why we met');
    expect(htmlHeadings(editions.html, 3)).toContain('Our thanks');
    expect(docxWithStyle(editions.docx, 'Heading2')).toContain('Our thanks');
    // "How the day ran" is written from the event when the organisers leave it empty.
    for (const text of [editions.pdf, editions.html, editions.docx.paragraphs.map((p) => p.text).join('\n')]) {
      expect(text).toContain('The day ran in 2 rounds, each with its own prompt:');
    }
  });

  it('quotes a visible note by reference, as a quote, and leaves out one hidden since it was quoted', () => {
    expect(editions.pdf).toContain(`“${VISIBLE_QUOTE}”`);
    expect(editions.html).toContain(`<blockquote><p dir="auto">“${VISIBLE_QUOTE}”</p>`);
    expect(editions.docx.paragraphs).toContainEqual({ style: 'Quote', text: `“${VISIBLE_QUOTE}”` });
    for (const text of [editions.pdf, editions.html, editions.docx.documentXml]) {
      expect(text).not.toContain(HIDDEN_TEXT);
      expect(text).not.toContain('Zebracrossing');
    }
  });

  it('names no attendee unless the attendee list is asked for, and then names them in every edition', async () => {
    for (const text of [editions.pdf, editions.html, editions.docx.documentXml]) for (const name of ATTENDEE_NAMES) expect(text).not.toContain(name);
    const named = await allEditions(snapshot, { includeAttendeeList: true });
    for (const text of [named.pdf, named.html, named.docx.documentXml]) for (const name of ATTENDEE_NAMES) expect(text).toContain(name);
  });

  it('leaves out the sections not chosen, in every edition', async () => {
    const chosen = await allEditions(snapshot, { sections: ['themes', 'recommendations'] });
    expect(docxWithStyle(chosen.docx, 'Heading1')).toEqual(['Themes', 'Recommendations']);
    expect(htmlHeadings(chosen.html, 2).filter((t) => t !== 'Contents')).toEqual(['Themes', 'Recommendations']);
    for (const text of [chosen.pdf, chosen.html, chosen.docx.documentXml]) expect(text).not.toContain(INTRO_WORDS);
  });

  it('makes a Word file with real Title, Heading 1–3 and Quote styles, styled tables and the maps as pictures', () => {
    const used = new Set(editions.docx.paragraphs.map((p) => p.style));
    for (const style of ['Title', 'Heading1', 'Heading2', 'Heading3', 'Quote']) expect(used.has(style), style).toBe(true);
    for (const style of ['Heading1', 'Heading2', 'Quote']) expect(editions.docx.stylesXml).toContain(`w:styleId="${style}"`);
    expect(editions.docx.documentXml).toContain('<w:tblHeader/>');
    // The merged map and the two tables that mapped organisations.
    expect(editions.docx.mediaCount).toBe(4);
    expect(editions.docx.documentXml).toMatch(/<wp:docPr[^>]*descr="The map has 5 organisations/);
  });

  it('makes a self-contained HTML file: no script, nothing fetched, a skip link, a contents list and maps with a text alternative', () => {
    const { html } = editions;
    expect(html).not.toMatch(/<script|<link|<iframe|src="http|url\(/i);
    expect(html).toContain(`content="default-src 'none';`);
    expect(html).toContain('<a class="skip" href="#main">');
    expect(html).toMatch(/<nav class="contents"[^>]*>/);
    expect(html).toMatch(/<svg[^>]*role="img" aria-labelledby="map-1-caption" aria-describedby="map-1-text"/);
    expect(html).toMatch(/<div class="map-text" id="map-1-text"><p dir="auto">The map has 5 organisations and 3 links\.<\/p>/);
    expect(html).toMatch(/<th scope="col">Measure<\/th>/);
  });
});

describe('narrative input', () => {
  it('refuses a link that is not a web or mail address, naming the problem', () => {
    const bad = snapshotWithNarrative();
    bad.narrative!.sections!.introduction = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'click', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }],
    };
    expect(() => renderReportHtml(bad)).toThrow(ReportInputError);
    expect(() => renderReportHtml(bad)).toThrow(/a link must start with http/);
  });

  it('refuses a narrative over the size limit', () => {
    const big = snapshotWithNarrative();
    big.narrative!.sections!.introduction = { type: 'doc', content: Array.from({ length: 8 }, () => ({ type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'x'.repeat(9_000) }] })) };
    expect(() => renderReportHtml(big)).toThrow(/narrative must be at most 60,000 characters/);
  });

  it('refuses a node outside the allowed schema', () => {
    const bad = snapshotWithNarrative() as unknown as { narrative: { sections: Record<string, unknown> } };
    bad.narrative.sections.introduction = { type: 'doc', content: [{ type: 'image', attrs: { src: 'https://tracker.example/x.png' } }] };
    expect(() => renderReportHtml(bad as unknown as ReportSnapshot)).toThrow(ReportInputError);
  });
});

describe('the easy-read summary', () => {
  const snapshot = snapshotWithNarrative();

  it('prints 2–4 pages, every word at 14 pt or more, with the organisers’ points in three parts', async () => {
    const pdf = await renderEasyReadPdf(snapshot);
    const pages = Number((await pdfInfo(pdf)).Pages);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(4);
    const runs = (await pdfRuns(pdf)).flat().filter((run) => run.text.trim() !== '');
    expect(Math.min(...runs.map((run) => run.size))).toBeGreaterThanOrEqual(14);
    const text = (await pdfPages(pdf)).join('\n');
    for (const words of ['What we heard', 'What will happen next', 'Who to contact', 'Waiting is too long.', 'Drop-ins feel safe.', 'Email hello@example.org']) expect(text).toContain(words);
    // No next steps were written as points, so the synthesis' next step fills the part.
    expect(text).toContain('Publish a shared map of routes into support');
  });

  it('prefills what we heard from the key messages when the organisers wrote no points', () => {
    const html = renderEasyReadHtml({ ...fixtureEvent() });
    expect(html).toContain('Build on what already works locally');
    expect(html).toContain('Safe community spaces');
    expect(html).toContain('Ask the people who ran the event.');
  });

  it('puts an icon beside each point, hidden from screen readers, and prints in the participant app’s languages', () => {
    const html = renderEasyReadHtml(snapshot);
    const points = [...html.matchAll(/<li><svg aria-hidden="true"[^>]*>.*?<\/svg><span dir="auto">([^<]*)<\/span><\/li>/gs)].map((m) => m[1]);
    expect(points).toEqual(['Waiting is too long.', 'Drop-ins feel safe.', 'Publish a shared map of routes into support', 'Email hello@example.org']);
    const urdu = renderEasyReadHtml(snapshot, { language: 'ur' });
    expect(urdu).toContain('<html lang="ur" dir="rtl">');
    expect(urdu).toContain('ہم نے کیا سنا');
    expect(renderEasyReadHtml(snapshot, { language: 'cy' })).toContain('Beth glywson ni');
    expect(() => renderEasyReadHtml(snapshot, { language: 'xx' as 'en' })).toThrow(/language must be one of en, cy, pl, ur, bn, pa/);
  });
});
