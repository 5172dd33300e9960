/**
 * A Redis of the bench's own on a free port of 127.0.0.1 (no persistence), installed from Debian's
 * packages when `redis-server` is missing and this process may (root); `null` when neither works.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { sleep } from './stats.ts';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

const redisServer = (): string | null => {
  for (const path of ['/usr/bin/redis-server', '/usr/local/bin/redis-server'])
    if (existsSync(path)) return path;
  if (process.getuid?.() !== 0) return null;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
  return existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null;
};

export interface RunningRedis {
  readonly url: string;
  /** `INFO memory`'s used_memory, in bytes. */
  usedMemory(): Promise<number>;
  stop(): Promise<void>;
}

export const startRedis = async (): Promise<RunningRedis | { missing: string }> => {
  const binary = redisServer();
  if (!binary)
    return { missing: 'redis-server is not installed and could not be (apt-get install redis-server)' };
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(socket.destroy() !== undefined));
      socket.once('error', () => resolve(false));
    });
  for (let attempt = 0; !(await accepts()); attempt += 1) {
    if (attempt > 100) throw new Error(`redis-server did not listen on ${port}`);
    await sleep(100);
  }
  const client = new Redis({ port, host: '127.0.0.1' });
  await client.ping();
  return {
    url: `redis://127.0.0.1:${port}`,
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]),
    stop: async () => {
      client.disconnect();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
};
