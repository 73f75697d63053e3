import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear, so tokens and keys never reach a log file. */
const REDACT_PATHS = [
  'token',
  '*.token',
  'facilitatorToken',
  '*.facilitatorToken',
  'observerToken',
  '*.observerToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'organiserKey',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'tablemap-server' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** Query parameters whose value is a secret, matched on the decoded name (so `tok%65n` is `token`). */
const SECRET_PARAM = /token|key|secret|password|auth/i;

/**
 * A URL safe to log: the query is parsed the way the server parses it, and the value of every parameter
 * whose decoded name looks secret is replaced; the fragment is dropped.
 */
export function safeUrl(url: string | undefined): string {
  if (!url) return '';
  const [path = '', query] = url.replace(/#.*$/, '').split(/\?(.*)/s);
  if (query === undefined) return path;
  const params = new URLSearchParams(query);
  const safe = [...params].map(([name, value]) => `${encodeURIComponent(name)}=${SECRET_PARAM.test(name) ? '[redacted]' : encodeURIComponent(value)}`);
  return `${path}?${safe.join('&')}`;
}
