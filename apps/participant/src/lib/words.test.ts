import { afterEach, describe, expect, it } from 'vitest';
import { ModelError } from '@tablemap/model';
import { ERROR_MESSAGES } from '@tablemap/ui';
import { ApiError } from '@tablemap/sync-client';
import { m } from '#lib/paraglide/messages.js';
import { baseLocale, overwriteGetLocale, type Locale } from '#lib/paraglide/runtime.js';
import { PHONE_ERRORS, phoneError } from './errors.ts';
import { vocabularyLabel } from './vocabulary.ts';

const speak = (locale: Locale) => overwriteGetLocale(() => locale);
afterEach(() => speak(baseLocale));

describe('refusals on the phone', () => {
  it('in English are the shared plain-English vocabulary, word for word', () => {
    for (const [code, message] of Object.entries(PHONE_ERRORS)) expect(message({}, { locale: 'en' }), code).toBe(ERROR_MESSAGES[code]);
  });

  it('in English keep a model refusal’s own specific reason', () => {
    expect(phoneError(new ModelError('vote_limit', 'You have used all 3 votes'))).toBe('You have used all 3 votes');
  });

  it('in Polish and Welsh show the code’s message in that language, never the English reason', () => {
    speak('pl');
    expect(phoneError(new ModelError('vote_limit', 'You have used all 3 votes'))).toBe(m.error_vote_limit({}, { locale: 'pl' }));
    expect(phoneError(new ApiError(0, 'network', 'fetch failed'))).toBe('Brak połączenia z serwerem wydarzenia. Sprawdź Wi-Fi i spróbuj ponownie.');
    speak('cy');
    expect(phoneError(new ApiError(429, 'rate_limited', 'Too many joins'))).toBe(m.error_rate_limited({}, { locale: 'cy' }));
  });

  it('fall back to the screen’s own translated words for a code a phone does not know, else a plain “something went wrong”', () => {
    speak('pl');
    expect(phoneError(new ApiError(400, 'retention_too_long', 'Too far away'), 'Nie udało się dołączyć.')).toBe('Nie udało się dołączyć.');
    expect(phoneError(new Error('boom'))).toBe('Coś poszło nie tak.');
  });
});

describe('default sector and group names', () => {
  it('show in the phone’s language, while a name the facilitator typed stays as typed', () => {
    speak('pl');
    expect(vocabularyLabel({ id: 'housing', label: 'Housing' })).toBe('Mieszkalnictwo');
    expect(vocabularyLabel({ id: 'housing', label: 'Housing associations' })).toBe('Housing associations');
    expect(vocabularyLabel({ id: 'made_up', label: 'Allotment society' })).toBe('Allotment society');
  });
});

describe('counted messages pick the plural form the language needs', () => {
  const notes = (count: number, locale: Locale) => m.board_notes({ count }, { locale });

  it('Polish: one, few (2–4, 22–24) and many (5–21, 25…)', () => {
    expect([1, 2, 5, 22, 25].map((count) => notes(count, 'pl'))).toEqual(['1 notatka', '2 notatki', '5 notatek', '22 notatki', '25 notatek']);
    expect([1, 2, 5, 22, 25].map((left) => m.votes_left({ left, total: 25 }, { locale: 'pl' }))).toEqual([
      'Został Ci 1 głos z 25.',
      'Zostały Ci 2 głosy z 25.',
      'Zostało Ci 5 głosów z 25.',
      'Zostały Ci 22 głosy z 25.',
      'Zostało Ci 25 głosów z 25.',
    ]);
    expect(m.map_count_links({ count: 22 }, { locale: 'pl' })).toBe('22 powiązania');
    expect(m.count_minutes({ count: 5 }, { locale: 'pl' })).toBe('5 minut');
  });

  it('Welsh: zero, one, two, few (3), many (6) and other', () => {
    expect([0, 1, 2, 3, 6, 7].map((count) => notes(count, 'cy'))).toEqual(['dim nodiadau', '1 nodyn', '2 nodyn', '3 nodyn', '6 nodyn', '7 o nodiadau']);
    expect([0, 1, 2, 3, 6].map((left) => m.votes_left({ left, total: 6 }, { locale: 'cy' }))).toEqual([
      'Does gennych ddim pleidleisiau ar ôl o 6.',
      'Mae gennych 1 bleidlais ar ôl o 6.',
      'Mae gennych 2 bleidlais ar ôl o 6.',
      'Mae gennych 3 phleidlais ar ôl o 6.',
      'Mae gennych 6 phleidlais ar ôl o 6.',
    ]);
  });

  it('English: one and other, with thousands grouped in counters', () => {
    expect([1, 2].map((count) => notes(count, 'en'))).toEqual(['1 note', '2 notes']);
    expect(m.table_delete_text_links({ name: 'Mind', count: 1 }, { locale: 'en' })).toBe('Delete “Mind” and its 1 link from the map? You can undo this.');
    expect(m.ui_characters_left({ count: 1000 }, { locale: 'en' })).toBe('1,000 characters left');
  });
});
