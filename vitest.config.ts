import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/core/vitest.edge.config.ts',
      'examples/*/vitest.config.ts',
      'docs/vitest.config.ts',
      'test/newcomer/vitest.config.ts',
    ],
  },
});
