import { m } from '#lib/paraglide/messages.js';
import { characterCount, type UiWords } from '@tablemap/ui';

/** What the shared components say by themselves, in the phone's language (given once, in the layout). */
export const UI_WORDS: Partial<UiWords> = {
  get close() { return m.ui_close(); },
  get dismiss() { return m.ui_dismiss(); },
  get showMore() { return m.ui_show_more(); },
  get showLess() { return m.ui_show_less(); },
  characterCount: (text, max) => {
    const { remaining } = characterCount(text, max);
    return remaining < 0 ? m.ui_characters_over({ count: -remaining }) : m.ui_characters_left({ count: remaining });
  },
  characterLimit: (max) => m.ui_characters_limit({ max }),
};
