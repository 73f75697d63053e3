/** "the Housing sector", but "the Voluntary, community and social enterprise sector" (never "sector sector"). */
export function theSector(label: string): string {
  const trimmed = label.trim();
  return /\bsector$/i.test(trimmed) ? `the ${trimmed}` : `the ${trimmed} sector`;
}

/** The same, opening a sentence. */
export function TheSector(label: string): string {
  return `T${theSector(label).slice(1)}`;
}
