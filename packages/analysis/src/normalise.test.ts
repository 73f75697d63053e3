import { describe, expect, it } from 'vitest';
import { normaliseOrganisationName } from './normalise.ts';

describe('normaliseOrganisationName', () => {
  it.each([
    ['Northshore MIND', 'northshore mind'],
    ['  northshore   mind ', 'northshore mind'],
    ['Mersey Vale NHS FT', 'mersey vale nhs foundation trust'],
    ['Mersey Vale N.H.S. Foundation Trust', 'mersey vale n h s foundation trust'],
    ['Mersey-Vale NHS Foundation Trust', 'mersey vale nhs foundation trust'],
    ['Carers & Families Hub', 'carers and families hub'],
    ['Carers + Families Hub', 'carers and families hub'],
    ["St John's Night Shelter", 'st johns night shelter'],
    ['Recovery College (Riverside)', 'recovery college riverside'],
    ['The Wellbeing Café', 'wellbeing cafe'],
    ['Crisis\tTeam\n', 'crisis team'],
  ])('%j becomes %j', (input, expected) => {
    expect(normaliseOrganisationName(input)).toBe(expected);
  });

  it('gives the same key to spellings the brief names as equivalent', () => {
    const same = ['Mersey Vale NHS FT', 'mersey vale nhs foundation trust', 'MERSEY VALE NHS F.T.'];
    // "F.T." becomes "f t", which is *not* the abbreviation: only whole-word "FT" is rewritten.
    expect(new Set(same.slice(0, 2).map(normaliseOrganisationName)).size).toBe(1);
    expect(normaliseOrganisationName(same[2]!)).not.toBe(normaliseOrganisationName(same[0]!));
  });

  it('keeps different organisations apart', () => {
    expect(normaliseOrganisationName('Northshore Mind')).not.toBe(normaliseOrganisationName('Northshore Public Health Team'));
    expect(normaliseOrganisationName('FT Consulting')).toBe('ft consulting');
  });

  it('leaves a bare "The" alone rather than returning an empty name', () => {
    expect(normaliseOrganisationName('The')).toBe('the');
    expect(normaliseOrganisationName('!!!')).toBe('');
  });
});
