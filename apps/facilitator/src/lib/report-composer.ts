import { EASY_READ_PARTS, type EasyReadPart, type NarrativeSectionId, type SynthesisSnapshot } from '@tablemap/model';
import type { BoardNote } from './synthesis-data.ts';

/** The narrative sections the composer offers, in report order, with what each is for. */
export const COMPOSER_SECTIONS: { id: NarrativeSectionId; title: string; hint: string }[] = [
  { id: 'introduction', title: 'Introduction', hint: 'Why the event happened and who the report is for.' },
  { id: 'howTheDayRan', title: 'How the day ran', hint: 'Left empty, the report describes the day from the event: tables, rounds and prompts, and the groups in the room.' },
  { id: 'keyMessages', title: 'Key messages', hint: 'Your words on the key messages; the flagged messages are listed after them.' },
  { id: 'recommendations', title: 'Recommendations', hint: 'An opening paragraph; each recommendation below is linked to the themes and gaps behind it.' },
  { id: 'acknowledgements', title: 'Acknowledgements', hint: 'Who to thank.' },
];

export const EASY_READ_PART_TITLES: Record<EasyReadPart, string> = { heard: 'What we heard', next: 'What will happen next', contact: 'Who to contact' };
export { EASY_READ_PARTS };

/** How a quoted note shows in the editor: its words and who said it (by group), or a plain notice once hidden. */
export function describeQuotedNote(notes: readonly BoardNote[], groupLabel: (id: string) => string, ref: string): string {
  const note = notes.find((entry) => entry.ref === ref);
  if (!note) return 'A quoted note that no longer exists: it is left out of the report.';
  if (note.hidden) return 'A quoted note that has been hidden: it is left out of the report.';
  return `“${note.note.text}” — ${groupLabel(note.note.group)} (${note.tableName})`;
}

/** Easy-read points to start from: the key messages (flagged notes and themes), one short idea each. */
export function easyReadPrefill(notes: readonly BoardNote[], synthesis: SynthesisSnapshot): { part: EasyReadPart; text: string; icon: 'message' | 'calendar' }[] {
  const shorten = (text: string) => (text.length > 200 ? `${text.slice(0, 197).trimEnd()}…` : text);
  const heard = [
    ...notes.filter((note) => !note.hidden && note.flags.keyMessage).map((note) => note.note.text),
    ...synthesis.themes.filter((theme) => theme.isKeyMessage).map((theme) => theme.title),
  ].map((text) => ({ part: 'heard' as const, text: shorten(text), icon: 'message' as const }));
  const next = synthesis.themes.flatMap((theme) => theme.nextSteps).map((step) => ({ part: 'next' as const, text: shorten(step.action), icon: 'calendar' as const }));
  return [...heard, ...next];
}
