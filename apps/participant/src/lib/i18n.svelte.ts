import { LANGUAGES as MODEL_LANGUAGES } from '@tablemap/model';
import { getLocale, locales, setLocale, type Locale } from '#lib/paraglide/runtime.js';
import status from '../../messages/status.json' with { type: 'json' };

export interface Language {
  locale: Locale;
  /** The language's name in itself, so a person finds their own language. */
  name: string;
  dir: 'ltr' | 'rtl';
  /** False until a native speaker has checked the translation (messages/status.json). */
  reviewed: boolean;
}

export const LANGUAGES: readonly Language[] = locales.map((locale) => ({
  locale,
  name: MODEL_LANGUAGES.find((entry) => entry.locale === locale)?.name ?? locale,
  dir: MODEL_LANGUAGES.find((entry) => entry.locale === locale)?.dir ?? 'ltr',
  reviewed: (status as Record<string, { review: string }>)[locale]?.review !== 'needs review by a native speaker',
}));

/**
 * The language the app speaks: the person's choice (remembered on this phone), else their browser's
 * preferred language when we have it, else English. Paraglide's strategy decides; this mirrors it so
 * Svelte re-renders when it changes.
 */
export const language = $state({ current: getLocale() });

/** Points `<html lang dir>` at the current language, so screen readers and right-to-left layout follow. */
export function applyLanguageToDocument(): void {
  const chosen = LANGUAGES.find((entry) => entry.locale === language.current) ?? LANGUAGES[0]!;
  document.documentElement.lang = chosen.locale;
  document.documentElement.dir = chosen.dir;
}

export function chooseLanguage(locale: Locale): void {
  setLocale(locale, { reload: false });
  language.current = locale;
  applyLanguageToDocument();
}
