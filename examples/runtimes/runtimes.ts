/**
 * The runtimes of the matrix: where each one's binary is (always this package's `node_modules`, never
 * the PATH), the command that serves the bundle on it, and running that command as a process group
 * (with the example contract's `startProcess`) that can be waited for and killed whole.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningProcess, startProcess } from '@logto-machine/example-contract';

export type RuntimeName = 'node' | 'bun' | 'deno' | 'workerd';

/** The plain app on `@logto-machine/core/web` (`src/web/`), served by each runtime's own server API. */
export type WebAppName = 'bun (Bun.serve)' | 'deno (Deno.serve)' | 'workerd (fetch)';

/** A command that serves an app of the matrix on `127.0.0.1:$PORT`. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the environment (on top of PORT and the bindings). */
  readonly env?: Record<string, string>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const launcher = (name: RuntimeName) => join(here, 'launchers', `${name}.js`);
const bundle = (name: string) => join(here, 'dist', `${name}.js`);
/** Deno with network and environment only: no file system, no `--allow-sys`, no subprocesses, no FFI. */
const denoRun = ['run', '--allow-net', '--allow-env', '--no-prompt', '--no-config'];
const require = createRequire(import.meta.url);

/**
 * A package's real directory (pnpm links it from a store folder, where its own dependencies are its
 * siblings), resolved the way Node would from `from` (default this package).
 */
const packageDir = (name: string, from: NodeJS.Require = require): string =>
  dirname(realpathSync(from.resolve(`${name}/package.json`)));

/** Runs `binary --version`: its first line, or why it did not run. */
const probe = (binary: string): { ok: true; version: string } | { ok: false; why: string } => {
  if (!existsSync(binary)) return { ok: false, why: 'no such file' };
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error) return { ok: false, why: result.error.message };
  if (result.status !== 0) {
    return { ok: false, why: `exit ${result.status}: ${`${result.stderr}${result.stdout}`.trim()}` };
  }
  return { ok: true, version: result.stdout.trim().split('\n')[0] ?? '' };
};

/**
 * The first candidate binary that answers `--version`; otherwise an error that names every candidate
 * and why it did not run (an install without the package's postinstall, a missing platform package…).
 */
const firstWorking = (what: string, candidates: () => string[]): string => {
  const tried: string[] = [];
  let list: string[];
  try {
    list = candidates();
  } catch (error) {
    throw new Error(`${what} is not installed: ${(error as Error).message}`);
  }
  for (const candidate of list) {
    const result = probe(candidate);
    if (result.ok) return candidate;
    tried.push(`${candidate}: ${result.why}`);
  }
  throw new Error(`no working ${what} binary; tried:\n  ${tried.join('\n  ')}`);
};

/** Resolves `name/package.json` from `from`, or undefined when that optional package is absent. */
const optionalPackageDir = (name: string, from: NodeJS.Require): string | undefined => {
  try {
    return packageDir(name, from);
  } catch {
    return undefined;
  }
};

/**
 * Bun: the `bun` package's `bin/bun.exe`, which its postinstall replaces with the platform package's
 * binary; else the platform package's binary itself (`@oven/bun-<os>-<arch>[-musl][-baseline]`).
 */
export const bunBinary = (): string =>
  firstWorking('bun', () => {
    const dir = packageDir('bun');
    const fromBun = createRequire(join(dir, 'package.json'));
    const arch = process.arch === 'arm64' ? 'aarch64' : process.arch;
    const platforms = ['', '-baseline', '-musl', '-musl-baseline'].map(
      (suffix) => `@oven/bun-${process.platform}-${arch}${suffix}`,
    );
    return [
      join(dir, 'bin', 'bun.exe'),
      ...platforms.flatMap((name) => {
        const platformDir = optionalPackageDir(name, fromBun);
        return platformDir ? [join(platformDir, 'bin', 'bun')] : [];
      }),
    ];
  });

/**
 * Deno: the `deno` package's `deno`, which its postinstall links from the platform package; else the
 * platform package's binary (`@deno/<os>-<arch>[-glibc]`).
 */
export const denoBinary = (): string =>
  firstWorking('deno', () => {
    const dir = packageDir('deno');
    const fromDeno = createRequire(join(dir, 'package.json'));
    const file = process.platform === 'win32' ? 'deno.exe' : 'deno';
    const target = `${process.platform}-${process.arch}${process.platform === 'linux' ? '-glibc' : ''}`;
    const platformDir = optionalPackageDir(`@deno/${target}`, fromDeno);
    return [join(dir, file), ...(platformDir ? [join(platformDir, file)] : [])];
  });

/** workerd: the binary Miniflare runs (its `workerd` dependency's, which its postinstall puts in place). */
export const workerdBinary = (): string =>
  firstWorking('workerd', () => {
    const fromMiniflare = createRequire(join(packageDir('miniflare'), 'package.json'));
    const { default: binary } = fromMiniflare('workerd') as { default: string };
    return [binary];
  });

/** How each runtime serves the Hono example's bundle; resolving the binary throws if it cannot run here. */
export const launches: Record<RuntimeName, () => Launch> = {
  node: () => ({ command: process.execPath, args: [launcher('node')] }),
  bun: () => ({ command: bunBinary(), args: [launcher('bun')] }),
  deno: () => ({
    command: denoBinary(),
    args: [...denoRun, launcher('deno')],
    env: { DENO_NO_UPDATE_CHECK: '1' },
  }),
  workerd: () => {
    workerdBinary();
    return { command: process.execPath, args: [launcher('workerd')] };
  },
};

/**
 * How each runtime serves the plain app's bundle: Bun and Deno run it as it is (it calls `Bun.serve`,
 * `Deno.serve` itself), workerd as a module worker.
 */
export const webLaunches: Record<WebAppName, () => Launch> = {
  'bun (Bun.serve)': () => ({ command: bunBinary(), args: [bundle('web-bun')] }),
  'deno (Deno.serve)': () => ({
    command: denoBinary(),
    args: [...denoRun, bundle('web-deno')],
    env: { DENO_NO_UPDATE_CHECK: '1' },
  }),
  'workerd (fetch)': () => {
    workerdBinary();
    return { command: process.execPath, args: [launcher('workerd'), bundle('web-workers')] };
  },
};

/**
 * Starts `launch` in its own process group with `env` and `PORT` added to this process's environment,
 * and resolves once `127.0.0.1:port` accepts connections; rejects with the output if the process exits
 * first or does not listen within `timeoutMs`.
 */
export const startServer = (
  name: string,
  launch: Launch,
  port: number,
  env: Record<string, string>,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<RunningProcess> =>
  startProcess(launch.command, launch.args, {
    name: `${name} (${[launch.command, ...launch.args].join(' ')})`,
    cwd: here,
    env: { NO_COLOR: '1', ...launch.env, ...env, PORT: String(port) },
    port,
    timeoutMs,
  });
