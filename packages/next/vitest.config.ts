import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'next',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  },
});
