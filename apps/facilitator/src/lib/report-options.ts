import type { EcosystemAnalysis } from '@tablemap/analysis';
import type { EventSnapshot, SynthesisSnapshot } from '@tablemap/model';
import type { BoardNote, Tally } from './synthesis-data.ts';

/**
 * The report's sections, in their default order, with the titles the PDF uses. Kept here rather than
 * imported from @tablemap/report so the browser bundle never pulls in pdfmake and its fonts.
 */
export const REPORT_SECTIONS = [
  { id: 'cover', title: 'Cover' },
  { id: 'introduction', title: 'Introduction' },
  { id: 'at-a-glance', title: 'At a glance' },
  { id: 'how-the-day-ran', title: 'How the day ran' },
  { id: 'who-was-in-the-room', title: 'Who was in the room' },
  { id: 'themes', title: 'Themes' },
  { id: 'gaps-and-next-steps', title: 'Gaps, key messages and next steps' },
  { id: 'recommendations', title: 'Recommendations' },
  { id: 'ecosystem', title: 'The service ecosystem' },
  { id: 'agreement-and-statistics', title: 'Where the tables agree, and the statistics' },
  { id: 'routes', title: 'Routes people take' },
  { id: 'change-over-time', title: 'Change since an earlier event' },
  { id: 'acknowledgements', title: 'Acknowledgements' },
  { id: 'table-appendix', title: 'Appendix: table by table' },
  { id: 'directory', title: 'Appendix: directory of services' },
] as const;
export type ReportSectionId = (typeof REPORT_SECTIONS)[number]['id'];

export interface SectionChoice {
  id: ReportSectionId;
  included: boolean;
}

export function defaultSectionChoices(): SectionChoice[] {
  return REPORT_SECTIONS.map((section) => ({ id: section.id, included: true }));
}

/** Moves one section up (-1) or down (+1); out-of-range moves change nothing. */
export function moveSection(choices: readonly SectionChoice[], index: number, by: -1 | 1): SectionChoice[] {
  const target = index + by;
  if (index < 0 || index >= choices.length || target < 0 || target >= choices.length) return [...choices];
  const next = [...choices];
  const [moved] = next.splice(index, 1);
  if (moved) next.splice(target, 0, moved);
  return next;
}

export const MAX_LOGO_BYTES = 2 * 1024 * 1024;

/**
 * Checks an uploaded logo before it is sent: PNG or JPEG by its first bytes (not its name or claimed type),
 * at most 2 MB. Returns an error message, or '' when it is fine. The server checks again.
 */
export function logoProblem(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'The logo file is empty.';
  if (bytes.length > MAX_LOGO_BYTES) return `The logo is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; it can be at most 2 MB.`;
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, index) => bytes[index] === byte);
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpeg) return 'The logo must be a PNG or JPEG image.';
  return '';
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let at = 0; at < bytes.length; at += chunk) binary += String.fromCharCode(...bytes.subarray(at, at + chunk));
  return btoa(binary);
}

export interface PreviewInput {
  event: EventSnapshot;
  synthesis: SynthesisSnapshot;
  notes: readonly BoardNote[];
  consentByGroup: Record<string, number>;
  themeTallies: Record<string, Tally>;
  analysis: EcosystemAnalysis | null;
  directoryRows: number;
  includeAttendeeList: boolean;
  attendeeCount: number;
  hasLogo: boolean;
  /** The route questions pinned on Insights, in words ("from Eastfield GP to Crisis Housing"). */
  pinnedRoutes?: readonly string[] | undefined;
  /** Title of the earlier event chosen for comparison, if any. */
  earlierTitle?: string | undefined;
  /** Characters the organisers wrote in each narrative section, and their recommendations. */
  written?: { introduction: number; howTheDayRan: number; acknowledgements: number; recommendations: number } | undefined;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One line per section saying what it will contain, so the organiser can check before generating. */
export function sectionSummary(id: ReportSectionId, input: PreviewInput): string {
  const visible = input.notes.filter((note) => !note.hidden);
  const participants = Object.values(input.consentByGroup).reduce((sum, n) => sum + n, 0);
  const noteVotes = visible.reduce((sum, note) => sum + note.votes.total, 0);
  const themeVotes = Object.values(input.themeTallies).reduce((sum, tally) => sum + tally.total, 0);
  const organisations = input.analysis?.organisations.length ?? 0;
  const links = input.analysis?.links.length ?? 0;
  const written = input.written ?? { introduction: 0, howTheDayRan: 0, acknowledgements: 0, recommendations: 0 };
  const words = (chars: number, empty: string) => (chars > 0 ? `${count(chars, 'character', 'characters')} written in the composer` : empty);
  switch (id) {
    case 'introduction':
      return words(written.introduction, 'nothing written yet: the section says so');
    case 'how-the-day-ran':
      return words(written.howTheDayRan, `nothing written: described from the event (${count(input.event.tables.length, 'table', 'tables')}, ${count(input.event.prompts.length, 'round', 'rounds')}, groups in the room)`);
    case 'recommendations':
      return `${count(written.recommendations, 'recommendation', 'recommendations')}, each with the themes and gaps behind it`;
    case 'acknowledgements':
      return words(written.acknowledgements, 'nothing written yet: the section says so');
    case 'cover':
      return [input.event.title, input.event.date, input.event.venue].filter(Boolean).join(' · ') + (input.hasLogo ? ' · with logo' : '');
    case 'at-a-glance':
      return `${count(participants, 'participant', 'participants')}, ${count(input.event.tables.length, 'table', 'tables')}, ${count(organisations, 'organisation', 'organisations')}, ${count(links, 'link', 'links')}, ${count(visible.length, 'note', 'notes')}, ${count(noteVotes + themeVotes, 'vote', 'votes')}`;
    case 'who-was-in-the-room': {
      const groups = Object.values(input.consentByGroup).filter((n) => n > 0).length;
      const names = input.includeAttendeeList ? `attendee list with ${count(input.attendeeCount, 'name', 'names')}` : 'no names';
      return `${count(groups, 'stakeholder group', 'stakeholder groups')} present, group × table matrix, ${names}`;
    }
    case 'themes': {
      const visibleRefs = new Set(visible.map((note) => note.ref));
      const quotes = input.synthesis.themes.reduce((sum, theme) => sum + theme.quoteNoteRefs.filter((ref) => visibleRefs.has(ref)).length, 0);
      return `${count(input.synthesis.themes.length, 'theme', 'themes')}, ${count(quotes, 'quote', 'quotes')}, ${count(themeVotes, 'theme vote', 'theme votes')}`;
    }
    case 'gaps-and-next-steps': {
      const gaps = visible.filter((note) => note.flags.gap).length + input.synthesis.themes.filter((theme) => theme.isGap).length;
      const keys = visible.filter((note) => note.flags.keyMessage).length + input.synthesis.themes.filter((theme) => theme.isKeyMessage).length;
      const steps = input.synthesis.themes.reduce((sum, theme) => sum + theme.nextSteps.length, 0);
      return `${count(gaps, 'gap', 'gaps')}, ${count(keys, 'key message', 'key messages')}, ${count(steps, 'next step', 'next steps')}`;
    }
    case 'ecosystem': {
      const missing = input.analysis?.missingSectors.length ?? 0;
      const wanted = input.analysis?.wantedLinks.length ?? 0;
      const broken = input.analysis?.brokenLinks.length ?? 0;
      return `merged map of ${count(organisations, 'organisation', 'organisations')}, ${count(missing, 'missing sector', 'missing sectors')}, ${count(wanted, 'wanted link', 'wanted links')}, ${count(broken, 'broken link', 'broken links')}`;
    }
    case 'agreement-and-statistics':
      return 'links one table says exist and another broken or wanted, links drawn only by lived experience or carers, the E-I test against chance and brokerage roles, in words';
    case 'routes': {
      const pinned = input.pinnedRoutes ?? [];
      return pinned.length === 0 ? 'no route question pinned on Insights: the section says so' : `${count(pinned.length, 'pinned question', 'pinned questions')}, each answered in words: ${pinned.join('; ')}`;
    }
    case 'change-over-time':
      return input.earlierTitle ? `compared with ${input.earlierTitle}: metrics in words, organisations and links gained and lost` : 'no earlier event chosen: the section says so';
    case 'table-appendix':
      return `${count(input.event.tables.length, 'table', 'tables')} with their maps and ${count(visible.length, 'note', 'notes')} (${count(input.notes.length - visible.length, 'hidden note', 'hidden notes')} left out)`;
    case 'directory':
      return count(input.directoryRows, 'organisation', 'organisations');
  }
}
