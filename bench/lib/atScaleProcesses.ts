/**
 * The processes of the sessions-at-scale load test (bench/sessionsAtScale.ts): a private redis-server and
 * instances of the Hono example server (examples/hono/src/server.ts, run as users run it: tsx, configured
 * by the environment), each on a free port of 127.0.0.1. Every child is killed when this process exits,
 * however it exits.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { repoRoot } from './paths.ts';
import { sleep } from './stats.ts';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A free port of 127.0.0.1 (free when asked; taken by the child a moment later). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A child process, its output so far, and a stop that waits for it to exit. */
export interface Child {
  readonly name: string;
  output(): string;
  stop(): Promise<void>;
}

const track = (name: string, child: ChildProcess): Child & { exited: Promise<void> } => {
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    exited,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
};

/** `redis-server`'s path, installing Debian's package first when it is missing and we are root. */
const redisBinary = (): string => {
  const found = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));
  if (found) return found;
  if (process.getuid?.() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
    if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  }
  throw new Error('redis-server is missing and could not be installed: apt-get install redis-server');
};

export interface AtScaleRedis extends Child {
  readonly url: string;
  /** A client of the bench's own (not the apps'), to count keys. */
  readonly client: Redis;
}

/** redis-server on a free port, no persistence; resolves once it answers PING. */
export const startAtScaleRedis = async (): Promise<AtScaleRedis> => {
  const port = await freePort();
  const server = track(
    'redis',
    spawn(
      redisBinary(),
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => {});
  for (let attempt = 0; ; attempt += 1) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (error) {
      if (attempt > 100)
        throw new Error(`redis-server did not answer on ${port}: ${error}\n${server.output()}`);
      client.disconnect();
      await sleep(50);
    }
  }
  return {
    ...server,
    url: `redis://127.0.0.1:${port}`,
    client,
    stop: async () => {
      client.disconnect();
      await server.stop();
    },
  };
};

export interface AppInstance extends Child {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/**
 * The Hono example server in its own process (so its LogtoServer, lock, refresh ledger and provider
 * cache are its own), on a free port; `env` configures it (examples/hono/README.md). Resolves once it
 * prints `Listening on`.
 */
export const startAppInstance = async (name: string, env: Record<string, string>): Promise<AppInstance> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const exampleDir = `${repoRoot}examples/hono`;
  const child = track(
    name,
    spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: exampleDir,
      env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), BASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const deadline = Date.now() + 60_000;
  while (!child.output().includes('Listening on')) {
    const early = await Promise.race([child.exited.then(() => true), sleep(50).then(() => false)]);
    if (early) throw new Error(`${name} exited before it listened:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`${name} did not listen within 60 s:\n${child.output()}`);
  }
  return { ...child, url };
};
