import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'docs',
    include: ['test/**/*.test.ts'],
    // The site test builds the site (TypeDoc and VitePress) before it looks at it.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
