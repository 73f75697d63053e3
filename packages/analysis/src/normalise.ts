/**
 * Name normalisation: the *exact* layer of de-duplication. Two names with the same normalised form
 * are merged automatically, so every rule here must be one no facilitator would dispute
 * (case, spacing, punctuation, "&"/"and", "NHS FT"/"NHS Foundation Trust", a leading "the").
 * Anything looser (abbreviations, spelling, word order) is only ever *suggested* by dedupe.ts.
 */

/** Phrases that mean the same thing, rewritten to one spelling after lower-casing and punctuation removal. */
const SAME_MEANING: readonly [RegExp, string][] = [
  [/\bnhs (?:ft|fdn trust|found trust)\b/g, 'nhs foundation trust'],
  [/\bnhs trust foundation\b/g, 'nhs foundation trust'],
];

export function normaliseOrganisationName(name: string): string {
  let text = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // strip accents: "Café" and "Cafe" are the same name
    .toLowerCase()
    .replace(/[’'`]/g, '') // "St John's" = "St Johns"
    .replace(/&|\+/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ') // all other punctuation separates words
    .trim()
    .replace(/\s+/g, ' ');
  for (const [pattern, replacement] of SAME_MEANING) text = text.replace(pattern, replacement);
  text = text.replace(/^(?:the )+(?=\S)/, '');
  return text;
}

/** Small words that carry no identity: ignored when comparing word sets. */
export const STOP_WORDS: ReadonlySet<string> = new Set(['the', 'and', 'of', 'for', 'in', 'on', 'at', 'a', 'an', 'to']);

/** The distinctive words of a normalised name. */
export function nameTokens(normalised: string): string[] {
  return normalised.split(' ').filter((word) => word.length > 0 && !STOP_WORDS.has(word));
}
