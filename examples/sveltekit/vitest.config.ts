import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'example-sveltekit',
    include: ['*.test.ts'],
    // `start` builds the app first.
    testTimeout: 60_000,
    hookTimeout: 150_000,
  },
});
