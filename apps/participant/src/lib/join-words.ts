import { baseLocale, getLocale } from '#lib/paraglide/runtime.js';
import type { VocabularyEntry } from '@tablemap/model';
import { friendlyError } from '@tablemap/ui';

export interface JoinWords {
  /** A refusal in the phone's language, else the screen's own (translated) fallback. */
  error: (error: unknown, fallback: string) => string;
  /** A stakeholder group's default name in the phone's language. */
  group: (entry: VocabularyEntry) => string;
}

const ENGLISH: JoinWords = { error: friendlyError, group: (entry) => entry.label };

/**
 * The join screen's refusals and default group names in the phone's language, loaded beside the event
 * (the screen waits for both together), so the join route's first JS stays small. English needs nothing
 * loaded. If loading fails (the phone went offline), the screen's own translated fallback is shown.
 */
export async function loadJoinWords(): Promise<JoinWords> {
  if (getLocale() === baseLocale) return ENGLISH;
  try {
    const [{ phoneError }, { vocabularyLabel }] = await Promise.all([import('./errors.ts'), import('./vocabulary.ts')]);
    return { error: phoneError, group: vocabularyLabel };
  } catch {
    return { error: (_error, fallback) => fallback, group: (entry) => entry.label };
  }
}
