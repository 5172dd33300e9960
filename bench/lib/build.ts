/**
 * Builds what the servers run: each `servers/<name>.ts` bundled by esbuild into `.out/servers/<name>.mjs`
 * (our packages and their dependencies inlined, the frameworks and peers left to bench/node_modules, as an
 * app would load them), and the SvelteKit app by `vite build` into `.out/sveltekit`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';
import { benchDir, outDir, repoRoot } from './paths.ts';

/** The measured servers (files in servers/). */
export const serverNames = [
  'honoBare',
  'honoFloor',
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
] as const;
export type ServerName = (typeof serverNames)[number];

/** The bundle of a server. */
export const serverBundle = (name: ServerName): string => `${outDir}/servers/${name}.mjs`;
/** The adapter-node build of the SvelteKit app. */
export const sveltekitBuild = `${outDir}/sveltekit`;

/** The Next app, built in place (`next build` writes `bench/next/.next`). */
export const nextAppDir = `${benchDir}next`;

/**
 * Bare imports from bench's own files, and from the example apps a server runs, stay external (loaded
 * from bench/node_modules, the same framework for every row), except our workspace packages
 * (TypeScript sources).
 */
const externals: Plugin = {
  name: 'bench-externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@logto-machine/')) return undefined;
      const ours = [benchDir, `${repoRoot}examples/`].some((dir) => args.importer.startsWith(dir));
      return ours && !args.importer.includes('/node_modules/') ? { external: true } : undefined;
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

export const buildSveltekit = (): void => {
  const result = spawnSync(process.execPath, [`${benchDir}node_modules/vite/bin/vite.js`, 'build'], {
    cwd: `${benchDir}sveltekit`,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
};

export const buildNext = (): void => {
  const result = spawnSync(process.execPath, [`${benchDir}node_modules/next/dist/bin/next`, 'build'], {
    cwd: nextAppDir,
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
};
