/**
 * The runtimes of the matrix: where each one's binary is (always this package's `node_modules`, never
 * the PATH), the command that serves the bundle on it, and running that command as a process group
 * that can be waited for and killed whole.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type RuntimeName = 'node' | 'bun' | 'deno' | 'workerd';

/** A command that serves `dist/worker.js` on `127.0.0.1:$PORT`. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the environment (on top of PORT and the bindings). */
  readonly env?: Record<string, string>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const launcher = (name: RuntimeName) => join(here, 'launchers', `${name}.js`);
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

/** How each runtime serves the bundle; resolving the binary throws if it cannot run here. */
export const launches: Record<RuntimeName, () => Launch> = {
  node: () => ({ command: process.execPath, args: [launcher('node')] }),
  bun: () => ({ command: bunBinary(), args: [launcher('bun')] }),
  deno: () => ({
    command: denoBinary(),
    // Network and environment only: no file system, no `--allow-sys`, no subprocesses, no FFI.
    args: ['run', '--allow-net', '--allow-env', '--no-prompt', '--no-config', launcher('deno')],
    env: { DENO_NO_UPDATE_CHECK: '1' },
  }),
  workerd: () => {
    workerdBinary();
    return { command: process.execPath, args: [launcher('workerd')] };
  },
};

/** A runtime serving the bundle. */
export interface RunningServer {
  /** Its stdout and stderr so far. */
  output(): string;
  /** Kills its whole process group (Miniflare's workerd included) and waits for it to exit. */
  stop(): Promise<void>;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const exited = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
};

/** Every process group started and not yet stopped, killed if this process exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * Starts `launch` in its own process group with `env` and `PORT` added to this process's environment,
 * and resolves once `127.0.0.1:port` accepts connections; rejects with the output if the process exits
 * first or does not listen within `timeoutMs`.
 */
export async function startServer(
  name: string,
  launch: Launch,
  port: number,
  env: Record<string, string>,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<RunningServer> {
  const child = spawn(launch.command, launch.args, {
    cwd: here,
    env: { ...process.env, NO_COLOR: '1', ...launch.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const server: RunningServer = {
    output: () => output,
    async stop() {
      killGroup(child, 'SIGTERM');
      if (!(await exited(child, 3_000))) killGroup(child, 'SIGKILL');
      // Children that outlived their parent (workerd under Miniflare) are still in the group.
      killGroup(child, 'SIGKILL');
      await exited(child, 3_000);
      running.delete(child);
    },
  };
  running.add(child);
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    const gone = spawnError ?? (child.exitCode !== null || child.signalCode !== null);
    if (gone || Date.now() > deadline) {
      await server.stop();
      const why = spawnError
        ? spawnError.message
        : child.exitCode !== null
          ? `exit ${child.exitCode}`
          : child.signalCode
            ? `signal ${child.signalCode}`
            : `timed out after ${timeoutMs} ms`;
      throw new Error(
        `${name} (${[launch.command, ...launch.args].join(' ')}) did not listen on 127.0.0.1:${port} (${why}). Output:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return server;
}
