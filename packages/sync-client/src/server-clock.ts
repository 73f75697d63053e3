/**
 * The offset to add to `Date.now()` to get the server's time, so every phone and the projector show
 * the same countdown even when a device's clock is wrong. Uses the midpoint of the request's round trip.
 */
export async function measureServerClockOffset(
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<number> {
  const sentAt = now();
  const response = await fetchImpl(new URL('/api/time', baseUrl));
  const receivedAt = now();
  if (!response.ok) throw new Error(`The server clock could not be read (HTTP ${response.status})`);
  const body: unknown = await response.json();
  const serverNow = body && typeof body === 'object' && 'now' in body ? (body as { now: unknown }).now : undefined;
  if (typeof serverNow !== 'number' || !Number.isFinite(serverNow)) throw new Error('The server sent an unreadable time');
  return serverNow - (sentAt + receivedAt) / 2;
}
