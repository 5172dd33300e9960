import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts', 'src/adapterContract.ts', 'src/cli.ts'],
  external: ['vitest'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/testing.ts', 'src/adapterContract.ts'] },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
