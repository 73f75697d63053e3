/** A list of sources with its literal types kept (and mutable), so SvelteKit's `csp` option accepts it as is. */
const sources = <const T extends string>(...items: T[]): T[] => items;

/**
 * Both apps' Content-Security-Policy directives (SvelteKit adds hashes for its inline scripts). Sockets and
 * fetches go to this origin only: 'self' covers its own ws:/wss: (CSP 3), never another host. A plain module
 * (`@tablemap/ui/csp`), as each app's vite.config.ts reads it at build time.
 */
export const CSP_DIRECTIVES = {
  'default-src': sources('self'),
  'script-src': sources('self'),
  'connect-src': sources('self'),
  'img-src': sources('self', 'data:', 'blob:'),
  'style-src': sources('self', 'unsafe-inline'),
  'worker-src': sources('self'),
  'frame-ancestors': sources('none'),
  'base-uri': sources('self'),
  'object-src': sources('none'),
  'form-action': sources('self'),
};
