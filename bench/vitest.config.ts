import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'bench', include: [], benchmark: { include: ['**/*.bench.ts'] } },
});
