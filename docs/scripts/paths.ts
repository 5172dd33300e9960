/**
 * Where things are: the docs folder (VitePress's source root), the repository root, and the files
 * the generators write.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `docs/`: VitePress's source root. */
export const docsDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const repoRoot = join(docsDir, '..');

/** The generated files, relative to `docs/`. Only the state chart is committed (a test keeps it fresh). */
export const generated = {
  stateChart: 'concepts/state-chart.generated.md',
  errors: 'reference/errors.generated.md',
  scopes: 'guide/scopes.generated.md',
  clientOptions: 'guide/client-options.generated.md',
  security: 'security.generated.md',
  benchmarks: 'reference/benchmarks.generated.md',
  api: 'api',
} as const;

/** Reads a file of the repository. */
export const readRepoFile = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');

/** Writes `content` to `docs/<path>` unless it already holds exactly that (so `docs:dev` does not reload for nothing). */
export const writeDocsFile = (path: string, content: string): boolean => {
  const file = join(docsDir, path);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current === content) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return true;
};
