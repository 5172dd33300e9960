/**
 * Bundles `src/worker.ts` and everything it imports into one ESM file, `dist/worker.js`, the way a
 * Workers build does: browser platform and the `workerd`/`worker`/`browser` export conditions, so a
 * Node built-in anywhere in the graph fails the build instead of being shimmed. Bun, Deno, workerd
 * and Node all run this one file (see `launchers/`). `pnpm --dir examples/runtimes build`.
 *
 * @module
 */
import { build } from 'esbuild';

/** The bundle, where the launchers import it from. */
export const bundlePath = new URL('./dist/worker.js', import.meta.url).pathname;

/** Builds `dist/worker.js`; rejects with esbuild's errors (e.g. a `node:` import) when it cannot. */
export async function bundleWorker(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('./src/worker.ts', import.meta.url).pathname],
    outfile: bundlePath,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    // Libraries branch on it; Workers builds replace it, and workerd has no `process` to read it from.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    metafile: true,
  });
  const external = Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((entry) => entry.external);
  if (external.length > 0) {
    throw new Error(`the bundle imports ${external.map((entry) => entry.path).join(', ')}`);
  }
  return bundlePath;
}

if (import.meta.url === new URL(process.argv[1] ?? '', 'file:').href) {
  console.log(`Bundled ${await bundleWorker()}`);
}
