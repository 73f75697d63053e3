const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random ids from getRandomValues, which (unlike randomUUID) also works on plain-http
 * venue LAN addresses, where browsers do not give a secure context.
 */
export function newId(length = 12): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** Ids that may appear in document names and URLs. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

let lastTimestamp = 0;

/**
 * Date.now() that never repeats or goes backwards within this client, so items added in the
 * same millisecond (a fast scribe, a test) keep the order they were added in.
 */
export function monotonicNow(): number {
  lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
  return lastTimestamp;
}
