/**
 * The venue check a facilitator runs on a phone before the day (the participant app's `/check` page), and the
 * round trip each phone reports in its presence so the facilitator's dashboard can sum up the room.
 */

/** Round trips above this feel sluggish when a change appears on the other phones. */
export const SLOW_ROUND_TRIP_MS = 400;

export interface SocketCheck {
  /** Median of the pings answered, in milliseconds. */
  roundTripMs: number;
  /** `wss:` (TLS), so nobody on the venue Wi-Fi can read or change what phones send. */
  secure: boolean;
  url: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The ping socket's address for a page on `pageUrl` (same host; wss when the page is https). */
export function pingUrl(pageUrl: string): string {
  const url = new URL(pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/api/ping';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * Opens the server's ping socket and measures `count` round trips one after another. Rejects with a plain
 * message when the socket cannot open (a proxy without WebSocket upgrade, a firewall) or stops answering.
 */
export function measureSocketRoundTrip(
  pageUrl: string,
  options: { count?: number; timeoutMs?: number; WebSocketImpl?: typeof WebSocket; now?: () => number } = {},
): Promise<SocketCheck> {
  const count = options.count ?? 5;
  const now = options.now ?? (() => performance.now());
  const url = pingUrl(pageUrl);
  const Impl = options.WebSocketImpl ?? WebSocket;
  return new Promise((resolve, reject) => {
    const socket = new Impl(url);
    const times: number[] = [];
    let sentAt = 0;
    const fail = (message: string) => {
      clearTimeout(timer);
      socket.close();
      reject(new Error(message));
    };
    const timer = setTimeout(
      () => fail('The server did not answer over a live connection in time'),
      options.timeoutMs ?? 10_000,
    );
    const ping = () => {
      sentAt = now();
      socket.send(`ping ${times.length}`);
    };
    socket.onopen = ping;
    socket.onerror = () => fail('A live connection (WebSocket) could not be opened');
    socket.onmessage = (message) => {
      if (!String(message.data).startsWith(`pong ${times.length} `)) return;
      times.push(now() - sentAt);
      if (times.length < count) return ping();
      clearTimeout(timer);
      socket.close();
      resolve({ roundTripMs: Math.round(median(times)), secure: url.startsWith('wss:'), url });
    };
  });
}

export interface RoomConnections {
  /** Phones that reported a round trip. */
  reporting: number;
  medianRoundTripMs: number | null;
  /** Phones whose round trip is above `SLOW_ROUND_TRIP_MS`. */
  slow: number;
}

/** The round trip a phone put in its presence (`roundTripMs`), or null when it reported none (or junk). */
export function roundTripOf(state: unknown): number | null {
  const value = state && typeof state === 'object' ? (state as { roundTripMs?: unknown }).roundTripMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 120_000 ? value : null;
}

/** The dashboard's summary of the round trips the room's phones reported. */
export function summariseRoundTrips(trips: readonly number[]): RoomConnections {
  return {
    reporting: trips.length,
    medianRoundTripMs: trips.length > 0 ? Math.round(median(trips)) : null,
    slow: trips.filter((trip) => trip > SLOW_ROUND_TRIP_MS).length,
  };
}
