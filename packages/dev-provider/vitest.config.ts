import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'dev-provider',
    include: ['src/**/*.test.ts'],
  },
});
