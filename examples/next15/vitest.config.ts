import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'example-next15',
    include: ['*.test.ts'],
    // `start` runs `next build` first.
    testTimeout: 60_000,
    hookTimeout: 200_000,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  },
});
