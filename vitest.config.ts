import { defineConfig } from 'vitest/config';

// Unit, property, crash and integration tests. Browser tests live in vitest.e2e.config.ts.
export default defineConfig({
  test: {
    globalSetup: ['tests/temp-root.ts'],
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/live/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
