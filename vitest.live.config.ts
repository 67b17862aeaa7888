import { defineConfig } from 'vitest/config';

// The live suite: real dm snapshots in a real kernel under qemu (tests/live/guest). Slow (a boot
// under software emulation), so it is separate; `npm test` runs it, and it says why it skips.
export default defineConfig({
  test: {
    globalSetup: ['tests/temp-root.ts'],
    include: ['tests/live/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
