/**
 * Fresh projects the way a newcomer makes them: the packages packed as they are published, and each
 * walkthrough's files copied into an empty folder outside the workspace, its `@logto-machine/*`
 * dependencies pointing at the tarballs instead of the registry.
 *
 * @module
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The folder of every walkthrough: `docs/walkthroughs/<name>/`. */
export const walkthroughsDir = join(repoRoot, 'docs/walkthroughs');

/** How the newcomer test runs a walkthrough (`walkthrough.json`). */
export interface Walkthrough {
  readonly name: string;
  readonly dir: string;
  readonly start: readonly string[];
  readonly build: readonly string[] | null;
  readonly readyPath: string;
  /** Variables the app needs from the test's environment besides the walkthroughs' common ones (`REDIS_URL`). */
  readonly env: readonly string[];
  /**
   * Why the walkthrough's tsconfig keeps `skipLibCheck: true`, when it must (`next build` type-checks
   * with the project's tsconfig and fails on Next's own declarations); `null` for every other one.
   */
  readonly skipLibCheckReason: string | null;
}

/** Every `docs/walkthroughs/*` with a `walkthrough.json`. */
export const walkthroughs = (): Walkthrough[] =>
  readdirSync(walkthroughsDir)
    .filter((name) => existsSync(join(walkthroughsDir, name, 'walkthrough.json')))
    .sort()
    .map((name) => {
      const dir = join(walkthroughsDir, name);
      const { start, build, readyPath, env, skipLibCheckReason } = JSON.parse(
        readFileSync(join(dir, 'walkthrough.json'), 'utf8'),
      );
      return {
        name,
        dir,
        start,
        build: build ?? null,
        readyPath: readyPath ?? '/',
        env: env ?? [],
        skipLibCheckReason: skipLibCheckReason ?? null,
      };
    });

/** The published packages of the workspace: `packages/*`, by name, with the tarball `pnpm pack` makes. */
export const publishedPackages = (): { name: string; dir: string; tarball: string }[] =>
  readdirSync(join(repoRoot, 'packages'))
    .filter((folder) => existsSync(join(repoRoot, 'packages', folder, 'package.json')))
    .map((folder) => {
      const dir = join(repoRoot, 'packages', folder);
      const {
        name,
        version,
        private: isPrivate,
      } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name, dir, isPrivate, tarball: `${name.replace('@', '').replace('/', '-')}-${version}.tgz` };
    })
    .filter((pkg) => !pkg.isPrivate)
    .map(({ name, dir, tarball }) => ({ name, dir, tarball }));

/** What a project folder must not be: inside the workspace, where Node would find its `node_modules`. */
export const insideWorkspace = (dir: string) => !relative(repoRoot, dir).startsWith('..');

// Build output and installs of the walkthrough in the docs folder, if someone ran it there.
const notCopied = new Set(['node_modules', '.svelte-kit', 'build', 'dist', 'walkthrough.json']);

/**
 * Copies a walkthrough into `dir` and points its `@logto-machine/*` dependencies at the tarballs
 * (`file:` specs). Packages that depend on each other were packed with the version of their workspace
 * siblings (`0.0.0`), which the registry does not have: npm `overrides` send those to the tarballs too.
 */
export const writeFreshProject = (
  walkthrough: Walkthrough,
  dir: string,
  tarballs: ReadonlyMap<string, string>,
): void => {
  cpSync(walkthrough.dir, dir, {
    recursive: true,
    filter: (source) => !notCopied.has(source.split(/[\\/]/).at(-1)!),
  });
  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const spec = (name: string) => {
    const tarball = tarballs.get(name);
    if (!tarball)
      throw new Error(`${walkthrough.name} depends on ${name}, which is no package of packages/*`);
    return `file:${tarball}`;
  };
  for (const field of ['dependencies', 'devDependencies']) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (name.startsWith('@logto-machine/')) manifest[field][name] = spec(name);
    }
  }
  manifest.overrides = Object.fromEntries([...tarballs.keys()].map((name) => [name, spec(name)]));
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
};
