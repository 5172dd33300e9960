/** Where the bench keeps its sources and what it builds. */
import { fileURLToPath } from 'node:url';

/** `bench/` (this file is `bench/lib/paths.ts`). */
export const benchDir = fileURLToPath(new URL('../', import.meta.url));
/** Build output and scratch files (git-ignored). */
export const outDir = `${benchDir}.out`;
/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
