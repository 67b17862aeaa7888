import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Unit, property, crash and integration tests. Browser tests live in vitest.e2e.config.ts.
export default defineConfig({
  test: {
    globalSetup: ['tests/temp-root.ts'],
    setupFiles: ['tests/dom-waits.ts', 'tests/byte-equality.ts'],
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/live/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on what they spawn (the CLI, servers, sudo, strace), so two run at once even
    // on two cores, where vitest's default is one.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
  },
});
