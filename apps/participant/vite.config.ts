import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { CSP_DIRECTIVES } from '@tablemap/ui/csp';

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
        directives: CSP_DIRECTIVES,
      },
    }),
  ],
  build: { target: 'es2022' },
});
