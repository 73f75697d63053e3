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
