import { defineConfig } from 'vitest/config';

// The core suite again under the edge runtime (no Node built-ins): proves it runs on Workers-like hosts.
// Integration tests start a Node provider, so they stay in the Node project.
export default defineConfig({
  test: {
    name: 'core-edge',
    environment: 'edge-runtime',
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.node.test.ts'],
    testTimeout: 20_000,
    setupFiles: ['./test/fastCheckSeed.ts'],
  },
});
