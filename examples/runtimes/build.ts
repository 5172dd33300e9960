/**
 * Bundles the matrix's apps, each with everything it imports, into one ESM file under `dist/`, the way
 * a Workers build does: browser platform and the `workerd`/`worker`/`browser` export conditions, so a
 * Node built-in anywhere in the graph fails the build instead of being shimmed.
 *
 * - `dist/worker.js`: the Hono example as a module worker (`src/worker.ts`), which Bun, Deno, workerd
 *   and Node all run (see `launchers/`);
 * - `dist/web-bun.js`, `dist/web-deno.js`, `dist/web-workers.js`: the plain app on
 *   `@logto-machine/core/web` (`src/web/`), as its own `Bun.serve` and `Deno.serve` servers and as a
 *   module worker.
 *
 * `pnpm --dir examples/runtimes build`.
 *
 * @module
 */
import { build } from 'esbuild';

const entries = {
  worker: 'src/worker.ts',
  'web-bun': 'src/web/bun.ts',
  'web-deno': 'src/web/deno.ts',
  'web-workers': 'src/web/workers.ts',
} as const;

/** Where the launchers import or run each bundle from. */
export const bundlePaths = Object.fromEntries(
  Object.keys(entries).map((name) => [name, new URL(`./dist/${name}.js`, import.meta.url).pathname]),
) as Record<keyof typeof entries, string>;

/** Builds every bundle; rejects with esbuild's errors (e.g. a `node:` import) when it cannot. */
export async function bundleApps(): Promise<typeof bundlePaths> {
  const result = await build({
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([name, path]) => [name, new URL(`./${path}`, import.meta.url).pathname]),
    ),
    outdir: new URL('./dist', import.meta.url).pathname,
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
    throw new Error(`the bundles import ${external.map((entry) => entry.path).join(', ')}`);
  }
  return bundlePaths;
}

if (import.meta.url === new URL(process.argv[1] ?? '', 'file:').href) {
  console.log(`Bundled ${Object.values(await bundleApps()).join(', ')}`);
}
