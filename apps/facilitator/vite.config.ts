import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { CSP_DIRECTIVES } from './src/lib/csp.ts';

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
