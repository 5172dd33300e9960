/** Where the bench keeps its sources and what it builds. */
import { fileURLToPath } from 'node:url';

/** `bench/` (this file is `bench/lib/paths.ts`). */
export const benchDir = fileURLToPath(new URL('../', import.meta.url));
/** Build output and scratch files (git-ignored). */
export const outDir = `${benchDir}.out`;
/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The adapter-node build of the SvelteKit example (its own config: examples/sveltekit/build). */
export const sveltekitExampleBuild = `${repoRoot}examples/sveltekit/build`;
