import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { CSP_DIRECTIVES } from '@tablemap/ui/csp';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ out: 'build' }),
      // The server mounts this app's handler under /facilitate.
      paths: { base: '/facilitate' },
      csp: {
        mode: 'hash',
        directives: CSP_DIRECTIVES,
      },
    }),
  ],
});
