import { defineConfig } from 'vitest/config';

// Rendering real PDFs and reading them back with pdf.js takes a second or two per case on a shared CI machine.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
