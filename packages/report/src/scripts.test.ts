import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECTORS, DEFAULT_STAKEHOLDER_GROUPS } from '@tablemap/model';
import { pagePng, pdfPages } from '@tablemap/test-support';
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
