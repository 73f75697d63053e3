import type { sveltekit } from '@sveltejs/kit/vite';

type CspDirectives = NonNullable<NonNullable<NonNullable<Parameters<typeof sveltekit>[0]>['csp']>['directives']>;

/**
 * The app's Content-Security-Policy directives (SvelteKit adds hashes for its inline scripts). Sockets and
 * fetches go to this origin only: 'self' covers its own ws:/wss: (CSP 3), never another host.
 */
export const CSP_DIRECTIVES: CspDirectives = {
  'default-src': ['self'],
  'script-src': ['self'],
  'connect-src': ['self'],
  'img-src': ['self', 'data:', 'blob:'],
  'style-src': ['self', 'unsafe-inline'],
  'worker-src': ['self'],
  'frame-ancestors': ['none'],
  'base-uri': ['self'],
  'object-src': ['none'],
  'form-action': ['self'],
};
