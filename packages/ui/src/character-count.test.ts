import { describe, expect, it } from 'vitest';
import { characterCount } from './character-count.ts';

describe('characterCount', () => {
  it('says how many characters are left, singular and plural', () => {
    expect(characterCount('abc', 120).message).toBe('117 characters left');
    expect(characterCount('a'.repeat(119), 120).message).toBe('1 character left');
    expect(characterCount('', 1000).message).toBe('1,000 characters left');
  });

  it('turns to a warning in the last 20% and says how many too many past the limit', () => {
    expect(characterCount('a'.repeat(95), 120).near).toBe(false);
    expect(characterCount('a'.repeat(96), 120).near).toBe(true);
    const over = characterCount('a'.repeat(1003), 1000);
    expect(over).toMatchObject({ over: true, near: false, remaining: -3, message: '3 characters too many' });
  });

  it('ignores spaces at the ends, as the model trims them before checking the limit', () => {
    expect(characterCount('  hello  ', 10).remaining).toBe(5);
  });
});
