/**
 * Running an example as a separate process: a free port, `pnpm --dir examples/<name> start` in its own
 * process group, waiting for the port, and killing the whole group afterwards.
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

/** An example app started for the suite. */
export interface RunningExample {
  /** Stops the app and everything it started. */
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

/**
 * Starts `pnpm --dir <dir> start` with `env` added to this process's environment, and resolves once
 * `env.HOST:env.PORT` accepts connections. Rejects (with the app's output) if the app exits first or
 * does not listen within `timeoutMs`.
 */
export async function startExample(
  dir: string,
  env: Record<string, string>,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<RunningExample> {
  const [command, ...args] = pnpmCommand();
  const child = spawn(command!, [...args, '--dir', dir, 'start'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const running: RunningExample = {
    output: () => output,
    async stop() {
      killGroup(child, 'SIGTERM');
      if (!(await exited(child, 5_000))) killGroup(child, 'SIGKILL');
      // Children that outlived their parent still belong to the group.
      killGroup(child, 'SIGKILL');
      await exited(child, 5_000);
    },
  };
  const port = Number(env.PORT);
  const host = env.HOST ?? '127.0.0.1';
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port, host))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await running.stop();
      throw new Error(
        `${dir} did not listen on ${host}:${port} (${child.exitCode === null ? 'timed out' : `exit ${child.exitCode}`}). Output:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return running;
}
