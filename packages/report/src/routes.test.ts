import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { pdfText } from '@tablemap/test-support';
import { renderReport, renderReportDocx, renderReportHtml } from './report.ts';
import { SECTION_TITLES } from './sections.ts';
import { fixtureEvent } from './fixtures/event-fixture.ts';
import type { ReportSnapshot } from './types.ts';

// Answers as the server words them for the fixture's map (analysis package's answerRouteQuestion).
const routes: NonNullable<ReportSnapshot['routes']> = [
  {
    question: 'From Elm Street Surgery to Safe Homes Trust, using only links where one organisation refers people to the other',
    status: 'found',
    shortest: ['Elm Street Surgery', 'North CMHT', 'Safe Homes Trust'],
    sentences: [
      'The shortest route takes 2 steps: Elm Street Surgery → North CMHT → Safe Homes Trust.',
      'It is the only route of up to 4 steps.',
      'Every route passes through North CMHT: it is a bottleneck.',
    ],
  },
  { question: 'From St Anne Food Bank to Safe Homes Trust, using any kind of link', status: 'no-route', shortest: [], sentences: ['There is no route from St Anne Food Bank to Safe Homes Trust using any kind of link.'] },
  {
    question: 'From Riverside Night Shelter to Riverside Mind, using any kind of link',
    status: 'missing',
    shortest: [],
    sentences: ['Riverside Night Shelter is no longer on the merged map (deleted, or merged under another name), so this question cannot be answered. Pin it again to ask about it under its current name.'],
  },
];

const plain = (text: string) => text.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
async function editions(snapshot: ReportSnapshot) {
  const options = { sections: ['routes' as const] };
  const docx = unzipSync(await renderReportDocx(snapshot, options));
  return {
    html: plain(renderReportHtml(snapshot, options)),
    pdf: (await pdfText(await renderReport(snapshot, options))).replace(/\s+/g, ' '),
    docx: plain(strFromU8(docx['word/document.xml']!)),
  };
}

describe('the routes people take section', () => {
  it('answers every pinned question in words, in the HTML, PDF and Word editions', async () => {
    const all = await editions({ ...fixtureEvent(), routes });
    for (const [edition, text] of Object.entries(all)) {
      expect(text, edition).toContain(SECTION_TITLES.routes);
      expect(text, edition).toContain('From Elm Street Surgery to Safe Homes Trust, using only links where one organisation refers people to the other');
      expect(text, edition).toContain('The shortest route takes 2 steps: Elm Street Surgery → North CMHT → Safe Homes Trust.');
      expect(text, edition).toContain('Every route passes through North CMHT: it is a bottleneck.');
      expect(text, edition).toContain('There is no route from St Anne Food Bank to Safe Homes Trust using any kind of link.');
      expect(text, edition).toContain('Riverside Night Shelter is no longer on the merged map');
    }
  });

  it('heads each answer with its question, in the order pinned', () => {
    const html = renderReportHtml({ ...fixtureEvent(), routes }, { sections: ['routes'] });
    const headings = [...html.matchAll(/<h3[^>]*>(.*?)<\/h3>/gs)].map((match) => plain(match[1]!).trim());
    expect(headings).toEqual(routes.map((route) => route.question));
  });

  it('says plainly when no question was pinned', async () => {
    const { html, pdf } = await editions(fixtureEvent());
    expect(html).toContain('No route question was pinned for this report.');
    expect(pdf).toContain('No route question was pinned for this report.');
  });

  it('escapes a question’s words in the HTML edition', () => {
    const html = renderReportHtml({ ...fixtureEvent(), routes: [{ ...routes[1]!, question: 'From <script>alert(1)</script> to Safe Homes Trust' }] }, { sections: ['routes'] });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
