import type { IncomingMessage, ServerResponse } from 'node:http';

/** Host header characters that may go into a CSP source; anything else falls back to 'self' only. */
const SAFE_HOST = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

/**
 * Security headers for every response, app pages included. An app may set its own CSP (SvelteKit's
 * `csp` option) and it wins, because these are set before the app's handler runs.
 * The CSP allows only this origin plus its own sync socket (ws:/wss: on the same host).
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host;
  const socketSources = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      // SvelteKit's hydration bootstrap is an inline script; the apps can tighten this with kit's csp hashes.
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self'${socketSources}`,
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'geolocation=(), microphone=(), payment=(), usb=()');
}
