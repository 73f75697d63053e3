import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECTORS, DEFAULT_STAKEHOLDER_GROUPS } from '@tablemap/model';
import { pagePng, pdfPages, pdfRuns, rasterisePage, type Raster, type TextRun } from '@tablemap/test-support';
import { placeInVisualOrder, renderReport, renderTablePacks, scriptInlines, undrawable, type ReportSnapshot } from './index.ts';

interface FixtureRow {
  language: string;
  script: string;
  direction: string;
  kind: 'organisation' | 'note';
  text: string;
}

/** The shared multilingual fixture: organisation names and notes in 16 scripts and languages. */
const rows: FixtureRow[] = readFileSync(new URL('./fixtures/multilingual.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [language, script, direction, kind, ...text] = line.split(',');
    return { language: language!, script: script!, direction: direction!, kind: kind as FixtureRow['kind'], text: text.join(',') };
  });

function multilingualEvent(): ReportSnapshot {
  const organisations = rows
    .filter((row) => row.kind === 'organisation')
    .map((row, index) => ({ id: `org${index}`, name: row.text, sector: 'vcse', locality: row.language, remit: '' }));
  const notes = rows
    .filter((row) => row.kind === 'note')
    .map((row, index) => ({ id: `note${index}`, text: row.text, kind: 'observation', promptId: null, group: 'carer' }));
  return {
    event: {
      title: 'Bradford learning exchange',
      date: '',
      venue: '',
      description: '',
      groups: DEFAULT_STAKEHOLDER_GROUPS.map((group) => ({ ...group })),
      sectors: DEFAULT_SECTORS.map((sector) => ({ ...sector })),
      prompts: [],
      tables: [{ id: 'tablea', name: 'Table 1', order: 0 }],
    },
    tables: [{ id: 'tablea', name: 'Table 1', organisations, links: [], notes, consentByGroup: { carer: 3 } }],
    synthesis: { themes: [], hiddenNoteIds: [], gaps: [], keyMessages: [] },
    attendees: [],
  };
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('every script in the report', () => {
  it('has a font for every character of every fixture string', () => {
    for (const row of rows) expect(undrawable(row.text), `${row.language}: ${row.text}`).toEqual([]);
  });

  it('gives every fixture string back from the PDF text in logical order, with no [?]', async () => {
    const pdf = await renderReport(multilingualEvent(), { sections: ['table-appendix', 'directory'] });
    const pages = await pdfPages(pdf, false);
    const text = squash(pages.join('\n'));
    expect(text).not.toContain('[?]');
    const missing = rows.filter((row) => !text.includes(squash(row.text)));
    expect(missing.map((row) => `${row.language}: ${row.text}`)).toEqual([]);
    // The page with the Urdu and Bengali names, drawn for people to look at (test-results/).
    const page = pages.findIndex((content) => content.includes('ذہنی') || content.includes('মানসিক')) + 1;
    const out = path.join(import.meta.dirname, '..', 'test-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'multilingual-page.png'), await pagePng(pdf, Math.max(1, page), 110));
  });
});

describe('right-to-left paragraphs', () => {
  const URDU_NOTE =
    'ہمیں اپنی زبان میں مدد چاہیے۔ بہت سے خاندان نہیں جانتے کہ ذہنی صحت کی خدمات کہاں ملتی ہیں، اور جب وہ پوچھتے ہیں تو انہیں انگریزی میں فارم دیے جاتے ہیں۔ مترجم کا انتظار کئی ہفتے لیتا ہے، اس لیے لوگ مدد مانگنا چھوڑ دیتے ہیں۔ مسجد اور کمیونٹی سینٹر میں معلومات ہونی چاہئیں۔';
  const ENGLISH_NOTE =
    'Families told us they do not know where to find mental health services, and when they ask they are handed forms in English. Waiting for an interpreter takes weeks, so people stop asking for help. Information should be at the mosque and the community centre.';

  /**
   * Each line of a paragraph as a reader sees it: its baseline and size from the PDF's text layer (pdf.js),
   * its left and right edges from the ink pdf.js draws in that band (glyph advances in the text layer are
   * not the drawn ones for shaped Arabic).
   */
  function inkedLines(raster: Raster, runs: TextRun[], belongs: (run: TextRun) => boolean): { left: number; right: number; top: number; bottom: number }[] {
    const scale = raster.width / 595.28;
    const baselines = new Map<number, number>();
    for (const run of runs.filter(belongs)) baselines.set(Math.round(run.y), run.size);
    return [...baselines].sort(([a], [b]) => b - a).map(([y, size]) => {
      const top = Math.floor((841.89 - y - size * 0.75) * scale);
      const bottom = Math.ceil((841.89 - y + size * 0.3) * scale);
      let left = Infinity;
      let right = -Infinity;
      for (let row = top; row < bottom; row++) {
        for (let column = 0; column < raster.width; column++) {
          const at = (row * raster.width + column) * 3;
          if (Math.min(raster.pixels[at]!, raster.pixels[at + 1]!, raster.pixels[at + 2]!) < 160) {
            left = Math.min(left, column / scale);
            right = Math.max(right, column / scale);
          }
        }
      }
      return { left, right, top, bottom };
    });
  }
  const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

  /** The darkest channel of any pixel of a line's band between two x positions (points). */
  function darkestInk(raster: Raster, line: { top: number; bottom: number }, from: number, to: number): number {
    const scale = raster.width / 595.28;
    let darkest = 255;
    for (let row = line.top; row < line.bottom; row++) {
      for (let column = Math.floor(from * scale); column <= Math.ceil(to * scale); column++) {
        const at = (row * raster.width + column) * 3;
        darkest = Math.min(darkest, raster.pixels[at]!, raster.pixels[at + 1]!, raster.pixels[at + 2]!);
      }
    }
    return darkest;
  }

  it('are right-aligned when they wrap: right edges line up and left edges do not, the mirror of an English paragraph', async () => {
    const snapshot = multilingualEvent();
    snapshot.tables[0]!.notes = [
      { id: 'urdu', text: URDU_NOTE, kind: 'observation', promptId: null, group: 'carer' },
      { id: 'english', text: ENGLISH_NOTE, kind: 'observation', promptId: null, group: 'carer' },
    ];
    snapshot.tables[0]!.organisations = [];
    const pdf = await renderReport(snapshot, { sections: ['table-appendix'] });
    const pages = await pdfRuns(pdf);
    const pageIndex = pages.findIndex((runs) => runs.some((run) => run.text.includes('ہمیں')));
    expect(pageIndex).toBeGreaterThanOrEqual(0);
    const runs = pages[pageIndex]!;
    // Drawn for people to look at (test-results/rtl-paragraph.png).
    const out = path.join(import.meta.dirname, '..', 'test-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'rtl-paragraph.png'), await pagePng(pdf, pageIndex + 1, 110));
    const raster = await rasterisePage(pdf, pageIndex + 1, 144);
    const urdu = inkedLines(raster, runs, (run) => /[\u0600-\u06ff]/.test(run.text));
    const english = inkedLines(raster, runs, (run) => /Families|interpreter|community centre/.test(run.text));
    expect(urdu.length).toBeGreaterThanOrEqual(3);
    expect(english.length).toBeGreaterThanOrEqual(3);
    // A glyph's side bearing is a point or two; a left-aligned last line would be hundreds of points short.
    expect(spread(urdu.map((line) => line.right))).toBeLessThan(4);
    expect(spread(urdu.map((line) => line.left))).toBeGreaterThan(40);
    expect(spread(english.map((line) => line.left))).toBeLessThan(4);
    expect(spread(english.map((line) => line.right))).toBeGreaterThan(40);
    // The grey English label after the note (its kind and group) ends the paragraph, so in right-to-left
    // order it sits at the left end of the last line, and the black Urdu at the right.
    const last = urdu.at(-1)!;
    expect(darkestInk(raster, last, last.left, last.left + 20)).toBeGreaterThan(60);
    expect(darkestInk(raster, last, last.right - 20, last.right)).toBeLessThan(60);
  });

  it('keep an alignment the document gives them, and leave left-to-right text as it was', async () => {
    const { withScripts } = await import('./scripts.ts');
    const [centred, plain, urdu] = withScripts({ content: [{ text: URDU_NOTE, alignment: 'center' }, 'Referral to ذہنی صحت', URDU_NOTE] }).content as { alignment?: string }[];
    expect(centred!.alignment).toBe('center');
    expect(plain!.alignment).toBeUndefined();
    expect(urdu!.alignment).toBe('right');
  });
});

describe('every script in the table packs', () => {
  it('prints table names, prompts and first names in any script, back from the text layer in logical order', async () => {
    const pdf = await renderTablePacks({
      event: {
        title: 'ਪੰਜਾਬੀ ਸਿਹਤ ਮੇਲਾ Bradford',
        prompts: [
          { id: 'prompt1', text: 'ہمیں اپنی زبان میں مدد چاہیے', order: 0 },
          { id: 'prompt2', text: 'অনেক পরিবার জানে না কোথায় সাহায্য পাওয়া যায়', order: 1 },
        ],
        tables: [{ id: 'tablea', name: 'মেজ ১ · 桌子 一', order: 0 }],
      },
      joinBaseUrl: 'https://tablemap.example.org/join',
      joinCode: 'K7QP2M',
      seated: [{ tableId: 'tablea', firstNames: ['عائشہ خان', 'Łucja Wójcik'] }],
    }, { includeFirstNames: true });
    const page = squash((await pdfPages(pdf, false))[0]!);
    for (const text of ['ਪੰਜਾਬੀ ਸਿਹਤ ਮੇਲਾ Bradford', 'ہمیں اپنی زبان میں مدد چاہیے', 'অনেক পরিবার জানে না কোথায় সাহায্য পাওয়া যায়', 'মেজ ১ · 桌子 一', 'عائشہ', 'Łucja']) {
      expect(page).toContain(text);
    }
    expect(page).not.toContain('[?]');
  });
});

describe('script runs and visual order', () => {
  it('leaves Latin text alone and gives other scripts their Noto font, whole words for shaped scripts', () => {
    expect(scriptInlines('Zażółć gęślą jaźń, Gwasanaeth Iechyd ŵ ŷ')).toBe('Zażółć gęślą jaźń, Gwasanaeth Iechyd ŵ ŷ');
    expect(scriptInlines('Українська громада')).toBe('Українська громада');
    expect(scriptInlines('মানসিক স্বাস্থ্য কেন্দ্র')).toEqual([
      { text: 'মানসিক', font: 'Noto noto-serif-bengali-bengali', noWrap: true },
      { text: ' ', font: 'Noto noto-serif-bengali-bengali' },
      { text: 'স্বাস্থ্য', font: 'Noto noto-serif-bengali-bengali', noWrap: true },
      { text: ' ', font: 'Noto noto-serif-bengali-bengali' },
      { text: 'কেন্দ্র', font: 'Noto noto-serif-bengali-bengali', noWrap: true },
    ]);
    const mixed = scriptInlines('Referral to ذہنی صحت took 6 weeks 💚');
    expect(mixed).toEqual([
      { text: 'Referral to ' },
      { text: 'ذہنی', font: 'Noto noto-sans-arabic-arabic', fontFeatures: ['rtla'], noWrap: true },
      { text: ' ', font: 'Noto noto-sans-arabic-arabic', fontFeatures: ['rtla'] },
      { text: 'صحت', font: 'Noto noto-sans-arabic-arabic', fontFeatures: ['rtla'], noWrap: true },
      { text: ' ', font: 'Noto noto-sans-arabic-arabic' },
      { text: 'took 6 weeks ' },
      { text: '💚', font: expect.stringMatching(/^Noto noto-emoji-\d+$/) },
    ]);
  });

  it('places right-to-left runs of a line in visual order', () => {
    const rtl = ['rtla'];
    const line = [
      { text: 'Referral to ', x: 0, width: 50 },
      { text: 'ذہنی', x: 50, width: 20, fontFeatures: rtl },
      { text: ' ', x: 70, width: 3, fontFeatures: rtl },
      { text: 'صحت', x: 73, width: 15, fontFeatures: rtl },
      { text: ' took', x: 88, width: 20 },
    ];
    expect(placeInVisualOrder(line).map((inline) => [inline.text, inline.x])).toEqual([
      ['Referral to ', 0], ['صحت', 50], [' ', 65], ['ذہنی', 68], [' took', 88],
    ]);
    // A right-to-left paragraph with a number: the number stays left to right inside it.
    const urdu = [
      { text: 'ہمیں', x: 10, width: 20, fontFeatures: rtl },
      { text: ' ', x: 30, width: 3, fontFeatures: rtl },
      { text: '12', x: 33, width: 8, fontFeatures: ['ltra'] },
      { text: ' ', x: 41, width: 3, fontFeatures: rtl },
      { text: 'ہفتے', x: 44, width: 18, fontFeatures: rtl },
    ];
    expect(placeInVisualOrder(urdu).map((inline) => inline.text)).toEqual(['ہفتے', ' ', '12', ' ', 'ہمیں']);
  });

  it('renders words that once crashed the shaper (Gurmukhi marks without an anchor)', async () => {
    const snapshot = multilingualEvent();
    const text = 'ਪੰਜਾਬੀ ਗੁਰੂ ਦੁੱਖ ਪ੍ਰਤੀ · প্রতি ক্র শ্রী · प्रति कर्म हिंदी · કર્મ ગુજરાતી · கொ பெண் · ہمیں 6 ہفتے لگے';
    snapshot.tables[0]!.notes = [{ id: 'notehard', text, kind: 'observation', promptId: null, group: 'carer' }];
    const pages = await pdfPages(await renderReport(snapshot, { sections: ['table-appendix'] }), false);
    expect(squash(pages.join('\n'))).toContain(text);
  });
});
