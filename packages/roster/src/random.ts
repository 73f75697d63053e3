import { seededRandom as mulberry32 } from '@tablemap/model';

/** The model's seeded PRNG with the seed mixed first: the same seed gives the same seating on every machine. */
export function seededRandom(seed: number): () => number {
  return mulberry32(Math.trunc(seed) ^ 0x9e3779b9);
}

/** Fisher–Yates shuffle in place, driven by `random`. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const swap = items[index]!;
    items[index] = items[other]!;
    items[other] = swap;
  }
  return items;
}
