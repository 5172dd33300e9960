/**
 * Builds what the servers run: each `servers/<name>.ts` bundled by esbuild into `.out/servers/<name>.mjs`
 * (our packages and their dependencies inlined, the frameworks and peers left to bench/node_modules, as an
 * app would load them), and the SvelteKit app by `vite build` into `.out/sveltekit`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';
import { benchDir, outDir, repoRoot } from './paths.ts';

/** The measured servers (files in servers/). */
export const serverNames = [
  'honoBare',
  'honoFloor',
  'honoSealedFloor',
  'honoSealedHotFloor',
  'honoLogto',
  'honoOidcAuth',
  'koaBare',
  'koaFloor',
  'koaLogto',
  'expressBare',
  'expressLogto',
  'expressMachine',
  'expressExample',
  'sveltekit',
  'next',
  'honoExample',
  'honoExampleHtml',
  'honoBarePage',
  'honoPageFloor',
  'koaExample',
  'koaBarePage',
  'koaPageFloor',
  'sveltekitExample',
] as const;
export type ServerName = (typeof serverNames)[number];

/** The bundle of a server. */
export const serverBundle = (name: ServerName): string => `${outDir}/servers/${name}.mjs`;
/** The adapter-node build of the SvelteKit app. */
export const sveltekitBuild = `${outDir}/sveltekit`;

/** The Next app, built in place (`next build` writes `bench/next/.next`). */
export const nextAppDir = `${benchDir}next`;

/** The package a bare import names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (path: string) =>
  path
    .split('/')
    .slice(0, path.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Bare imports from bench's own files stay external, except our workspace packages (TypeScript
 * sources). So do the example apps' (examples/*), when bench has the package: the example and the
 * bare server then run the very same framework; the others (`@koa/router`) are inlined.
 */
const externals: Plugin = {
  name: 'bench-externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@logto-machine/') || args.importer.includes('/node_modules/'))
        return undefined;
      if (args.importer.startsWith(benchDir)) return { external: true };
      const fromExample = args.importer.startsWith(`${repoRoot}examples/`);
      const inBench = existsSync(`${benchDir}node_modules/${packageOf(args.path)}`);
      return fromExample && inBench ? { external: true } : undefined;
    });
  },
};

export const buildServers = async (): Promise<void> => {
  mkdirSync(`${outDir}/servers`, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(serverNames.map((name) => [name, `${benchDir}servers/${name}.ts`])),
    outdir: `${outDir}/servers`,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [externals],
    // Some inlined CommonJS dependencies call require().
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
};

/** `vite build` in `dir` (a SvelteKit app with its own adapter-node config), by the Vite of `viteFrom`. */
const viteBuild = (dir: string, viteFrom: string): void => {
  const result = spawnSync(process.execPath, [`${viteFrom}node_modules/vite/bin/vite.js`, 'build'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`vite build in ${dir} failed:\n${result.stdout}\n${result.stderr}`);
};

/** Builds the bench's SvelteKit app into `.out/sveltekit` and the SvelteKit example into its `build/`. */
export const buildSveltekit = (): void => {
  viteBuild(`${benchDir}sveltekit`, benchDir);
  viteBuild(`${repoRoot}examples/sveltekit`, `${repoRoot}examples/sveltekit/`);
};

export const buildNext = (): void => {
  const result = spawnSync(process.execPath, [`${benchDir}node_modules/next/dist/bin/next`, 'build'], {
    cwd: nextAppDir,
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
};
