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

/** A URL safe to log: the query string's token (and anything token-like) is replaced. */
export function safeUrl(url: string | undefined): string {
  if (!url) return '';
  return url.replace(/([?&](?:token|access_token|key)=)[^&#]*/gi, '$1[redacted]').replace(/#.*$/, '');
}
