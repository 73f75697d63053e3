import { describe, expect, it } from 'vitest';
import { formatDay } from './dates.ts';

describe('formatDay', () => {
  it('writes a day the way people read it, whatever the time zone', () => {
    expect(formatDay('2027-02-28', 'en-GB')).toBe('28 February 2027');
  });
  it('leaves anything that is not a day as it is', () => {
    expect(formatDay('next spring', 'en-GB')).toBe('next spring');
    expect(formatDay('2027-13-45', 'en-GB')).toBe('2027-13-45');
  });
});
