import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'example-express',
    include: ['*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
