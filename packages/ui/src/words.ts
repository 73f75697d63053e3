import { getContext, setContext } from 'svelte';
import { characterCount } from './character-count.ts';
import type { ConnectionDescription } from './connection.ts';
import type { ConnectionState } from '@tablemap/sync-client';

/**
 * The words the shared components say by themselves. English by default; an app in another language
 * hands its own (from its messages) to `provideUiWords` once, high in its tree, and any component also
 * takes its own label as a prop.
 */
export interface UiWords {
  /** The close button of sheets and dialogs. */
  close: string;
  /** The close button on a toast. */
  dismiss: string;
  showMore: string;
  showLess: string;
  /** A character counter's line, e.g. "12 characters left" or "3 characters too many". */
  characterCount: (text: string, max: number) => string;
  /** Read after the counter by screen readers, e.g. "(up to 120)". */
  characterLimit: (max: number) => string;
  /** The connection badge's short word and its longer line (unset: the badge's English). */
  connection?: (state: ConnectionState) => Pick<ConnectionDescription, 'label' | 'detail'>;
}

export const ENGLISH_UI_WORDS: UiWords = {
  close: 'Close',
  dismiss: 'Dismiss message',
  showMore: 'Show more',
  showLess: 'Show less',
  characterCount: (text, max) => characterCount(text, max).message,
  characterLimit: (max) => `(up to ${max})`,
};

const KEY = Symbol('tablemap-ui-words');

/**
 * Gives every shared component below this one the app's words. Pass an object whose properties are
 * read when shown (getters), so a change of language shows on the next render.
 */
export function provideUiWords(words: Partial<UiWords>): void {
  setContext(KEY, words);
}

/** The words for a component: the app's where it gave them, English otherwise. Call during component setup. */
export function uiWords(): UiWords {
  const given = getContext<Partial<UiWords> | undefined>(KEY);
  if (!given) return ENGLISH_UI_WORDS;
  return {
    get close() { return given.close ?? ENGLISH_UI_WORDS.close; },
    get dismiss() { return given.dismiss ?? ENGLISH_UI_WORDS.dismiss; },
    get showMore() { return given.showMore ?? ENGLISH_UI_WORDS.showMore; },
    get showLess() { return given.showLess ?? ENGLISH_UI_WORDS.showLess; },
    characterCount: (text, max) => (given.characterCount ?? ENGLISH_UI_WORDS.characterCount)(text, max),
    characterLimit: (max) => (given.characterLimit ?? ENGLISH_UI_WORDS.characterLimit)(max),
    ...(given.connection ? { connection: given.connection } : {}),
  };
}
