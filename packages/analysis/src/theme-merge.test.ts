import { describe, expect, it } from 'vitest';
import { AnalysisError } from './errors.ts';
import { suggestThemeMerges, type TableThemeEntry } from './theme-merge.ts';

const theme = (ref: string, title: string, noteTexts: string[] = []): TableThemeEntry => ({ ref, tableId: ref.split('/')[0]!, title, noteTexts });

describe('suggestThemeMerges', () => {
  it('suggests one merge for "Waiting times", "waiting lists" and "Long waits for first appointment" from three tables', () => {
    const suggestions = suggestThemeMerges([
      theme('t1/a', 'Waiting times'),
      theme('t2/b', 'waiting lists'),
      theme('t3/c', 'Long waits for first appointment'),
      theme('t1/d', 'Peer support works'),
      theme('t2/e', 'Housing and mental health'),
      theme('t3/f', 'Crisis care at night'),
    ]);
    expect(suggestions).toEqual([
      { refs: ['t1/a', 't2/b', 't3/c'], titles: ['Waiting times', 'waiting lists', 'Long waits for first appointment'], score: 0.5, reason: 'similar-titles' },
    ]);
  });

  it('never suggests themes of one table only, and leaves unrelated themes alone', () => {
    expect(suggestThemeMerges([theme('t1/a', 'Waiting times'), theme('t1/b', 'Waiting lists')])).toEqual([]);
    expect(suggestThemeMerges([theme('t1/a', 'Housing'), theme('t2/b', 'Crisis care'), theme('t3/c', 'Transport to clinics')])).toEqual([]);
  });

  it('finds themes named differently whose notes say the same things', () => {
    const [suggestion] = suggestThemeMerges([
      theme('t1/a', 'Getting seen', ['Eighteen months on the waiting list for therapy', 'Referral bounced back by the GP', 'Months before a first appointment']),
      theme('t2/b', 'The front door', ['The waiting list is months long', 'GP referral rejected twice', 'No appointment offered']),
    ]);
    expect(suggestion).toMatchObject({ refs: ['t1/a', 't2/b'], reason: 'similar-notes' });
  });

  it('matches accents, case and plurals in any script', () => {
    expect(suggestThemeMerges([theme('t1/a', 'Café culture'), theme('t2/b', 'cafe CULTURES')])).toHaveLength(1);
    expect(suggestThemeMerges([theme('t1/a', 'انتظار طويل'), theme('t2/b', 'انتظار طويل جدا')])).toHaveLength(1);
    expect(suggestThemeMerges([theme('t1/a', 'Kolejki do lekarza'), theme('t2/b', 'kolejki')])).toHaveLength(1);
  });

  it('refuses malformed input with a clear error', () => {
    expect(() => suggestThemeMerges([{ ref: '', tableId: 't1', title: 'x', noteTexts: [] }])).toThrow(AnalysisError);
    expect(() => suggestThemeMerges([{ ref: 't1/a', tableId: 't1', title: 42 } as never])).toThrow(/malformed/);
  });
});
