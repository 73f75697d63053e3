import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts real servers on real SQLite files; running files one at a time keeps the 2-core machine calm.
    fileParallelism: false,
  },
});
