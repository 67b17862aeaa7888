import { defineConfig } from 'vitest/config';

// Playwright (playwright-core + Debian's Chromium) against `snapscope serve`.
export default defineConfig({
  test: {
    globalSetup: ['tests/temp-root.ts'],
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
