import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { CSP_DIRECTIVES } from './src/lib/csp.ts';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ out: 'build' }),
      csp: {
        mode: 'hash',
        directives: CSP_DIRECTIVES,
      },
    }),
  ],
  build: { target: 'es2022' },
});
