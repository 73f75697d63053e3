import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';

export default defineConfig({
  plugins: [
    // Compile-time messages: one function per message, tree-shaken; the language is the person's
    // choice (remembered), else the browser's, else English.
    paraglideVitePlugin({
      project: './project.inlang',
      outdir: './src/lib/paraglide',
      strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
    }),
    sveltekit({
      adapter: adapter({ out: 'build' }),
      csp: {
        mode: 'hash',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'connect-src': ['self', 'ws:', 'wss:'],
          'img-src': ['self', 'data:', 'blob:'],
          'style-src': ['self', 'unsafe-inline'],
          'worker-src': ['self'],
          'frame-ancestors': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
        },
      },
    }),
  ],
  build: { target: 'es2022' },
});
