import * as v from 'valibot';
import { ArrowRight, Calendar, CircleCheck, Ear, Hand, Heart, House, Lightbulb, Mail, Map as MapIcon, MessageCircle, Phone, TriangleAlert, Users, type IconNode } from 'lucide';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { EASY_READ_ICONS, LANGUAGES, type EasyReadPart } from '@tablemap/model';
import type { ReportContext } from './context.ts';
import { parseReportInput } from './errors.ts';
import { EDITION_CSS } from './html-edition.ts';
import { escapeXml as escape } from './map-svg.ts';
import { renderPdf } from './pdf.ts';
import { reportContext } from './report.ts';
import type { ReportSnapshot } from './types.ts';

/**
 * The easy-read summary for the people who took part: 2–4 pages, large type (16 pt, never under 14),
 * one short idea per line with an icon beside it (lucide icons, bundled from npm, ISC licence), in
 * three parts — what we heard, what will happen next, who to contact — with headings in each of the
 * participant app's languages. The organisers write the points; until they do, the key messages and
 * next steps fill them.
 */

export const EASY_READ_LANGUAGES = LANGUAGES.map((language) => language.locale);
export type EasyReadLanguage = (typeof LANGUAGES)[number]['locale'];

/** Fixed words, in the participant app's six languages (drafted for review by native speakers). */
const WORDS: Record<EasyReadLanguage, { title: string; heard: string; next: string; contact: string; askOrganisers: string; nothingYet: string }> = {
  en: { title: 'Easy read summary', heard: 'What we heard', next: 'What will happen next', contact: 'Who to contact', askOrganisers: 'Ask the people who ran the event.', nothingYet: 'Nothing here yet.' },
  cy: { title: 'Crynodeb hawdd ei ddarllen', heard: 'Beth glywson ni', next: 'Beth fydd yn digwydd nesaf', contact: 'Pwy i gysylltu â nhw', askOrganisers: 'Gofynnwch i’r bobl a drefnodd y digwyddiad.', nothingYet: 'Dim byd yma eto.' },
  pl: { title: 'Podsumowanie łatwe do czytania', heard: 'Co usłyszeliśmy', next: 'Co będzie dalej', contact: 'Z kim się skontaktować', askOrganisers: 'Zapytaj osoby, które prowadziły spotkanie.', nothingYet: 'Na razie nic tu nie ma.' },
  ur: { title: 'آسان زبان میں خلاصہ', heard: 'ہم نے کیا سنا', next: 'آگے کیا ہوگا', contact: 'کس سے رابطہ کریں', askOrganisers: 'تقریب چلانے والوں سے پوچھیں۔', nothingYet: 'یہاں ابھی کچھ نہیں ہے۔' },
  bn: { title: 'সহজ ভাষায় সারাংশ', heard: 'আমরা কী শুনেছি', next: 'এরপর কী হবে', contact: 'কার সাথে যোগাযোগ করবেন', askOrganisers: 'যাঁরা অনুষ্ঠানটি পরিচালনা করেছেন তাঁদের জিজ্ঞাসা করুন।', nothingYet: 'এখানে এখনও কিছু নেই।' },
  pa: { title: 'ਆਸਾਨ ਭਾਸ਼ਾ ਵਿੱਚ ਸਾਰ', heard: 'ਅਸੀਂ ਕੀ ਸੁਣਿਆ', next: 'ਅੱਗੇ ਕੀ ਹੋਵੇਗਾ', contact: 'ਕਿਸ ਨਾਲ ਸੰਪਰਕ ਕਰੀਏ', askOrganisers: 'ਸਮਾਗਮ ਚਲਾਉਣ ਵਾਲੇ ਲੋਕਾਂ ਨੂੰ ਪੁੱਛੋ।', nothingYet: 'ਇੱਥੇ ਅਜੇ ਕੁਝ ਨਹੀਂ ਹੈ।' },
};

type IconName = (typeof EASY_READ_ICONS)[number] | 'ear' | 'arrow';
const ICONS: Record<IconName, IconNode> = {
  message: MessageCircle, users: Users, heart: Heart, home: House, calendar: Calendar, check: CircleCheck, phone: Phone,
  mail: Mail, map: MapIcon, lightbulb: Lightbulb, alert: TriangleAlert, hand: Hand, ear: Ear, arrow: ArrowRight,
};
const PART_ICONS: Record<EasyReadPart, IconName> = { heard: 'ear', next: 'arrow', contact: 'phone' };
/** The most points each part prints, so the summary stays within four pages at 16 pt. */
const MAX_POINTS: Record<EasyReadPart, number> = { heard: 10, next: 8, contact: 5 };
const ACCENT = '#1f4e79';

/** A lucide icon as a standalone SVG (24 × 24 grid, stroked). */
export function iconSvg(name: IconName, size: number, colour = ACCENT): string {
  const children = ICONS[name].map(([tag, attributes]) => `<${tag} ${Object.entries(attributes).filter(([key]) => key !== 'key').map(([key, value]) => `${key}="${escape(String(value))}"`).join(' ')}/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 24 24" fill="none" stroke="${colour}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${children}</svg>`;
}

export const EasyReadOptionsSchema = v.object({
  language: v.optional(v.picklist(EASY_READ_LANGUAGES as unknown as [EasyReadLanguage, ...EasyReadLanguage[]], `language must be one of ${EASY_READ_LANGUAGES.join(', ')}`), 'en'),
});
export type EasyReadOptions = v.InferInput<typeof EasyReadOptionsSchema>;

export interface EasyReadPoint {
  icon: IconName;
  text: string;
}
export interface EasyReadContent {
  language: EasyReadLanguage;
  dir: 'ltr' | 'rtl';
  title: string;
  heading: string;
  parts: { part: EasyReadPart; heading: string; icon: IconName; points: EasyReadPoint[] }[];
}

/** The points of one part: the organisers' own, else what the synthesis gives. */
function pointsFor(ctx: ReportContext, part: EasyReadPart, words: (typeof WORDS)[EasyReadLanguage]): EasyReadPoint[] {
  const written = ctx.snapshot.narrative.easyRead.filter((point) => point.part === part).map((point) => ({ icon: point.icon, text: ctx.t(point.text) }));
  if (written.length > 0) return written.slice(0, MAX_POINTS[part]);
  const { themes, keyMessages } = ctx.snapshot.synthesis;
  const prefill =
    part === 'heard'
      ? [...keyMessages, ...themes.filter((theme) => theme.isKeyMessage).map((theme) => theme.title)].map((text) => ({ icon: 'message' as const, text: ctx.t(text) }))
      : part === 'next'
        ? themes.flatMap((theme) => theme.nextSteps).map((step) => ({ icon: 'calendar' as const, text: ctx.t(step.action) }))
        : [{ icon: 'users' as const, text: words.askOrganisers }];
  return prefill.slice(0, MAX_POINTS[part]);
}

export function easyReadContent(snapshot: ReportSnapshot, options: EasyReadOptions = {}): EasyReadContent {
  const { language } = parseReportInput(EasyReadOptionsSchema, options, 'easy-read options');
  const ctx = reportContext(snapshot);
  const words = WORDS[language];
  const dir = LANGUAGES.find((entry) => entry.locale === language)?.dir ?? 'ltr';
  return {
    language,
    dir,
    title: ctx.t(ctx.snapshot.event.title),
    heading: words.title,
    parts: (['heard', 'next', 'contact'] as const).map((part) => ({ part, heading: words[part], icon: PART_ICONS[part], points: pointsFor(ctx, part, words) })),
  };
}

const EMPTY_TEXT = (language: EasyReadLanguage) => WORDS[language].nothingYet;

/** The easy-read summary as a PDF (A4, 16 pt text, 26 pt headings). */
export function easyReadDefinition(content: EasyReadContent): TDocumentDefinitions {
  const body: Content[] = [
    { text: content.heading, fontSize: 18, color: '#4d5661', margin: [0, 0, 0, 4] },
    { text: content.title, fontSize: 28, bold: true, color: ACCENT, margin: [0, 0, 0, 24] },
  ];
  content.parts.forEach((part, index) => {
    body.push({
      columns: [
        { svg: iconSvg(part.icon, 40), width: 40 },
        { text: part.heading, fontSize: 26, bold: true, color: ACCENT, margin: [14, 4, 0, 0] },
      ],
      // "What will happen next" starts the second page: one part per page keeps each part calm and short.
      pageBreak: index === 1 ? 'before' : undefined,
      margin: [0, index === 2 ? 30 : 0, 0, 18],
    } as Content);
    const points = part.points.length > 0 ? part.points : [{ icon: 'message' as const, text: EMPTY_TEXT(content.language) }];
    for (const point of points) {
      body.push({
        columns: [
          { svg: iconSvg(point.icon, 34), width: 34 },
          { text: point.text, fontSize: 16, lineHeight: 1.35, margin: [16, 6, 0, 0] },
        ],
        margin: [0, 0, 0, 16],
        unbreakable: true,
      } as Content);
    }
  });
  return {
    info: { title: `${content.title}: ${content.heading}`, creator: 'Tablemap', subject: content.heading },
    language: content.language,
    displayTitle: true,
    pageSize: 'A4',
    pageMargins: [56, 56, 56, 56],
    content: body,
    footer: (page: number, pages: number): Content => ({ text: `${page} / ${pages}`, alignment: 'center', fontSize: 14, color: '#4d5661', margin: [0, 16, 0, 0] }),
    defaultStyle: { font: 'Roboto', fontSize: 16 },
  };
}

export function renderEasyReadPdf(snapshot: ReportSnapshot, options: EasyReadOptions = {}): Promise<Uint8Array> {
  return renderPdf(easyReadDefinition(easyReadContent(snapshot, options)));
}

const EASY_READ_CSS = `
main { max-width: 40rem; }
body { font-size: 1.375rem; line-height: 1.6; }
h1 { font-size: 2.25rem; }
h2 { display: flex; align-items: center; gap: 0.75rem; font-size: 1.9rem; border-top: none; }
ul.points { list-style: none; padding: 0; margin: 0 0 2rem; }
ul.points li { display: flex; align-items: flex-start; gap: 1rem; margin: 0 0 1.25rem; }
ul.points svg, h2 svg { flex: none; }
ul.points span { padding-top: 0.3rem; }
@media print { body { font-size: 16pt; } h2 { break-before: auto; } section + section { break-before: page; } }
`;

/** The easy-read summary as one self-contained HTML file. */
export function easyReadHtml(content: EasyReadContent): string {
  const sections = content.parts.map((part) => {
    const points = part.points.length > 0 ? part.points : [{ icon: 'message' as const, text: EMPTY_TEXT(content.language) }];
    const items = points.map((point) => `<li>${iconSvg(point.icon, 40).replace('<svg ', '<svg aria-hidden="true" focusable="false" ')}<span dir="auto">${escape(point.text)}</span></li>`).join('\n');
    return `<section aria-labelledby="part-${part.part}"><h2 id="part-${part.part}">${iconSvg(part.icon, 44).replace('<svg ', '<svg aria-hidden="true" focusable="false" ')}<span>${escape(part.heading)}</span></h2>\n<ul class="points">\n${items}\n</ul></section>`;
  });
  return `<!doctype html>
<html lang="${content.language}" dir="${content.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>${escape(content.title)}: ${escape(content.heading)}</title>
<style>${EDITION_CSS}${EASY_READ_CSS}</style>
</head>
<body>
<main id="main" tabindex="-1">
<p class="subtitle">${escape(content.heading)}</p>
<h1 dir="auto">${escape(content.title)}</h1>
${sections.join('\n')}
</main>
</body>
</html>
`;
}

export function renderEasyReadHtml(snapshot: ReportSnapshot, options: EasyReadOptions = {}): string {
  return easyReadHtml(easyReadContent(snapshot, options));
}
