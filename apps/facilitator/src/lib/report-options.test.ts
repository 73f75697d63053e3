import { describe, expect, it } from 'vitest';
import { defaultSectionChoices, logoProblem, moveSection, toBase64 } from './report-options.ts';

describe('report options', () => {
  it('moves sections up and down, ignoring moves past either end', () => {
    const choices = defaultSectionChoices();
    expect(moveSection(choices, 5, -1).map((c) => c.id).slice(4, 6)).toEqual(['themes', 'who-was-in-the-room']);
    expect(moveSection(choices, 0, -1)).toEqual(choices);
    expect(moveSection(choices, choices.length - 1, 1)).toEqual(choices);
  });

  it('accepts PNG and JPEG by their first bytes and refuses anything else, empty or over 2 MB', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0]);
    expect(logoProblem(png)).toBe('');
    expect(logoProblem(jpeg)).toBe('');
    expect(logoProblem(new TextEncoder().encode('GIF89a…'))).toMatch(/PNG or JPEG/);
    expect(logoProblem(new Uint8Array())).toMatch(/empty/);
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(png);
    expect(logoProblem(big)).toMatch(/at most 2 MB/);
  });

  it('encodes bytes as base64 the server can decode', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    expect(Buffer.from(toBase64(bytes), 'base64').equals(Buffer.from(bytes))).toBe(true);
  });
});
