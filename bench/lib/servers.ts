/**
 * Server processes: each measured server (and the dev provider) is forked on its own, reports its
 * port and control port over IPC once it listens, and answers `GET /stats` on the control port.
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import type { ServerStats } from '../servers/control.ts';
import { benchDir } from './paths.ts';

export type { ServerStats };

/** A running server process. */
export interface ServerProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>` of the measured server. */
  readonly url: string;
  readonly info: Record<string, unknown>;
  readonly child: ChildProcess;
  /** The control endpoint's `GET /stats`. */
  stats(): Promise<ServerStats>;
  /** `GET <path>` on the control endpoint. */
  control<T = unknown>(path: string): Promise<T>;
  /** What it printed so far. */
  output(): string;
  /**
   * Stops (SIGSTOP) or continues (SIGCONT) the whole process, so that a server not being measured
   * does no work of its own (an idle-time GC, say) on the core the measured one runs on.
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface StartOptions {
  env?: Record<string, string>;
  /** Run the TypeScript source through tsx rather than a built bundle. */
  tsx?: boolean;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  execArgv?: string[];
  timeoutMs?: number;
  /** Pins the server (all its threads) to this CPU, when `taskset` is there (see {@link pinToCpus}). */
  cpu?: number;
}

/**
 * Pins process `pid` (all its threads, and the ones it starts later) to `cpus` (`taskset` list
 * syntax, e.g. `0` or `0-1`); false when `taskset` is missing or refuses. A server on one core and the
 * load generator on the other keeps them from taking turns on one core, which made the kernel's
 * loopback wake-ups a variable share of each request's cost.
 */
export const pinToCpus = (pid: number, cpus: string): boolean =>
  spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0;

/** Forks `script` (a path under bench/) and waits for its `ready` message. */
export const startServer = async (
  name: string,
  script: string,
  options: StartOptions = {},
): Promise<ServerProcess> => {
  const execArgv = [...(options.tsx ? ['--import', 'tsx'] : []), ...(options.execArgv ?? [])];
  const child = fork(script, [], {
    cwd: benchDir,
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ port: number; control: number } & Record<string, unknown>>(
    (resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start in time:\n${output}`)),
        options.timeoutMs ?? 60_000,
      );
      child.on('message', (message: { ready?: { port: number; control: number } }) => {
        if (message.ready) {
          clearTimeout(timer);
          resolve(message.ready);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`));
      });
    },
  );
  if (options.cpu !== undefined && child.pid !== undefined) pinToCpus(child.pid, String(options.cpu));
  const control = async <T>(path: string): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${ready.control}${path}`);
    if (!response.ok) throw new Error(`${name} control ${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    name,
    url: `http://127.0.0.1:${ready.port}`,
    info: ready,
    child,
    stats: () => control<ServerStats>('/stats'),
    control,
    output: () => output,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: async () => {
      child.kill('SIGCONT');
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
};

/** Options of {@link startProvider} (the dev provider's own options). */
export interface ProviderOptions {
  ttl?: { accessToken?: number; idToken?: number; refreshToken?: number };
  rotateRefreshTokens?: 'logto' | 'always';
}

/** A dev provider in its own process; `stats()` has its counters under `extra`. */
export const startProvider = (options: ProviderOptions = {}): Promise<ServerProcess> =>
  startServer('dev provider', 'servers/provider.ts', {
    tsx: true,
    env: { BENCH_PROVIDER_OPTIONS: JSON.stringify(options), NODE_ENV: 'development' },
  });
