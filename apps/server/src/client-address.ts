import type { IncomingMessage } from 'node:http';

/**
 * Who is asking, and over what: the peer's address and whether the phone's connection is encrypted. Behind a
 * reverse proxy the peer is the proxy, so with `trustProxy` the last `X-Forwarded-For` entry (the address the
 * proxy saw) and the last `X-Forwarded-Proto` are used instead. Without it those headers are ignored: anyone
 * could send them, and a made-up address would dodge the per-IP join limit.
 */
export interface ClientAddress {
  ip(req: IncomingMessage): string;
  secure(req: IncomingMessage): boolean;
}

function lastListed(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  const last = joined?.split(',').at(-1)?.trim();
  return last ? last : undefined;
}

export function clientAddress(trustProxy: boolean): ClientAddress {
  const tlsSocket = (req: IncomingMessage) => 'encrypted' in req.socket && req.socket.encrypted === true;
  return {
    ip: (req) =>
      (trustProxy ? lastListed(req.headers['x-forwarded-for']) : undefined) ?? req.socket.remoteAddress ?? 'unknown',
    secure: (req) =>
      tlsSocket(req) || (trustProxy && lastListed(req.headers['x-forwarded-proto'])?.toLowerCase() === 'https'),
  };
}
