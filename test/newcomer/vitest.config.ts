import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'newcomer',
    include: ['*.test.ts'],
    // Every walkthrough runs at once (installs wait on the network, type checks on the CPU); each step
    // has its own bound (see steps.ts), and these bound the whole.
    maxConcurrency: 8,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
