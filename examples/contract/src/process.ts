/**
 * Running an app as a separate process: a free port, a command (`pnpm --dir examples/<name> start`, a
 * runtime serving a bundle) in its own process group, waiting for the port, and killing the whole
 * group afterwards.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is `examples/contract/src/process.ts`). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A process group started for a test: an example app, or a runtime serving a bundle. */
export interface RunningProcess {
  /** Stops it and everything it started. */
  stop(): Promise<void>;
  /** Its stdout and stderr so far, for failure reports. */
  output(): string;
}

/** A free TCP port on 127.0.0.1 (free when asked; the app binds it moments later). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const accepts = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** `pnpm` when it is on the PATH, else the repository's pinned version through `npx`. */
const pnpmCommand = (): string[] => {
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, 'pnpm')));
  if (onPath) return ['pnpm'];
  const { packageManager } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  return ['npx', '-y', typeof packageManager === 'string' ? packageManager : 'pnpm'];
};

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
    // A negative pid signals the whole process group: pnpm, tsx and the app itself.
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

/** Where {@link startProcess} runs a command and what it waits for. */
export interface StartProcessOptions {
  /** Names the process in errors. */
  name: string;
  cwd: string;
  /** Added to this process's environment. */
  env: Record<string, string>;
  /** The port it listens on, and the host (default 127.0.0.1). */
  port: number;
  host?: string | undefined;
  timeoutMs: number;
}

/**
 * Runs `command` in its own process group and resolves once `host:port` accepts connections. Rejects
 * (with the output) if the process exits first or does not listen within `timeoutMs`.
 */
export async function startProcess(
  command: string,
  args: readonly string[],
  { name, cwd, env, port, host = '127.0.0.1', timeoutMs }: StartProcessOptions,
): Promise<RunningProcess> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
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
  const started: RunningProcess = {
    output: () => output,
    async stop() {
      killGroup(child, 'SIGTERM');
      if (!(await exited(child, 5_000))) killGroup(child, 'SIGKILL');
      // Children that outlived their parent (the app under pnpm, workerd under Miniflare) are still in the group.
      killGroup(child, 'SIGKILL');
      await exited(child, 5_000);
      running.delete(child);
    },
  };
  running.add(child);
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port, host))) {
    const gone = spawnError ?? (child.exitCode !== null || child.signalCode !== null);
    if (gone || Date.now() > deadline) {
      await started.stop();
      const why = spawnError
        ? spawnError.message
        : child.exitCode !== null
          ? `exit ${child.exitCode}`
          : child.signalCode
            ? `signal ${child.signalCode}`
            : `timed out after ${timeoutMs} ms`;
      throw new Error(`${name} did not listen on ${host}:${port} (${why}). Output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return started;
}

/**
 * Starts `pnpm --dir <dir> start` with `env` added to this process's environment, and resolves once
 * `env.HOST:env.PORT` accepts connections. Rejects (with the app's output) if the app exits first or
 * does not listen within `timeoutMs`.
 */
export function startExample(
  dir: string,
  env: Record<string, string>,
  { timeoutMs = 60_000 }: { timeoutMs?: number | undefined } = {},
): Promise<RunningProcess> {
  const [command, ...args] = pnpmCommand();
  return startProcess(command!, [...args, '--dir', dir, 'start'], {
    name: dir,
    cwd: repoRoot,
    env,
    port: Number(env.PORT),
    host: env.HOST,
    timeoutMs,
  });
}
