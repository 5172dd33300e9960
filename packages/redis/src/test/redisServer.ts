/**
 * A private redis-server for one test file: Debian's `redis-server` on a free port of 127.0.0.1, in a
 * temporary folder, so tests need no Redis set up beforehand and never share data. It can be stopped
 * and started again with its data (saved on SIGTERM), to test what happens while Redis is down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const freePort = async (): Promise<number> => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RedisServer {
  #process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'logto-redis-')));
    await server.resume();
    return server;
  }

  /** Starts redis-server (again), with the data it saved when stopped, and waits until it answers. */
  async resume(): Promise<void> {
    if (this.#process && this.#process.exitCode === null) return;
    const child = spawn(
      process.env.REDIS_SERVER ?? 'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--shutdown-on-sigterm',
        'save',
      ],
      { stdio: 'ignore' },
    );
    this.#process = child;
    // Never outlive the test process, however it ends.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
    const failed = once(child, 'error').then(([error]) => {
      throw new Error(
        `could not start redis-server (${(error as Error).message}); install it: apt-get install redis-server`,
      );
    });
    const probe = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await Promise.race([probe.connect().then(() => probe.ping()), failed]);
          return;
        } catch (error) {
          if (attempt > 100) throw error;
          probe.disconnect();
          await sleep(50);
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** Stops redis-server (saving its data, for {@link resume}), as an outage would. */
  stop(): Promise<void> {
    return this.#end('SIGTERM');
  }

  /** Ends redis-server for good, and its data. */
  async close(): Promise<void> {
    await this.#end('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}
