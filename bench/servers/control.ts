/**
 * What every measured server process shares: a counter its handler bumps for each request that was
 * really authenticated, and a control endpoint on a second port of 127.0.0.1 (never the measured
 * one) that reports the counter, `process.cpuUsage()` and memory. The parent (bench/lib/servers.ts)
 * forks the server and learns both ports from one IPC message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const state = { authenticated: 0 };
(globalThis as { __benchCounter?: typeof state }).__benchCounter = state;

/** Call once per request that the handler saw authenticated (the bare routes: once per request). */
export const counted = (): void => {
  state.authenticated += 1;
};

function countWhenOk(this: ServerResponse): void {
  if (this.statusCode === 200) counted();
}

/**
 * Counts every response of `server` that ends with status 200 (only those to `path`, when given), at
 * the Node level, without touching the app: for servers whose handler is the app itself. The example
 * apps and the bare pages beside them are counted this same way, so the ratio of the two is the cost of
 * signing in alone (not of a counting middleware one of them had).
 */
export const countOkResponses = (server: Server, path?: string): void => {
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (path === undefined || request.url === path) response.on('finish', countWhenOk);
  });
};

/**
 * Listens on 127.0.0.1 (any port), reports ready once it does, and counts its 200 responses (to `path`,
 * when given) as {@link countOkResponses} does: for servers that are a framework's own `listen`.
 */
export const listenCounted = (
  listen: (port: number, host: string, onListening: () => void) => Server,
  path?: string,
): Server => {
  const server = listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (typeof address === 'object' && address) void ready(address.port);
  });
  countOkResponses(server, path);
  return server;
};

/** What `GET /stats` on the control port answers. */
export interface ServerStats {
  authenticated: number;
  /** process.cpuUsage(): user + system µs of the whole process (every thread). */
  cpuMicros: number;
  rss: number;
  heapUsed: number;
  /** Extra figures a server chooses to report (e.g. a store's size). */
  extra: Record<string, number>;
}

let extra: () => Promise<Record<string, number>> | Record<string, number> = () => ({});
/** Adds figures to `GET /stats` (e.g. session store counts). */
export const reportExtra = (report: typeof extra): void => {
  extra = report;
};

type Action = (query: URLSearchParams) => Promise<unknown> | unknown;

const actions: Record<string, Action> = {
  '/ping': () => ({ ok: true }),
  '/stats': async (): Promise<ServerStats> => {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    return {
      authenticated: state.authenticated,
      cpuMicros: cpu.user + cpu.system,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      extra: await extra(),
    };
  },
  '/gc': () => {
    (globalThis as { gc?: () => void }).gc?.();
    return { gc: typeof (globalThis as { gc?: unknown }).gc === 'function' };
  },
};

/** Adds a control action (`GET path?query` answers its JSON). */
export const controlAction = (path: string, action: Action): void => {
  actions[path] = action;
};

const control = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://control');
  const action = actions[url.pathname];
  if (!action) {
    response.writeHead(404).end();
    return;
  }
  try {
    const body = JSON.stringify(await action(url.searchParams));
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});
const controlPort = new Promise<number>((resolve) =>
  control.listen(0, '127.0.0.1', () => resolve((control.address() as AddressInfo).port)),
);

// Exit through process.exit on SIGTERM, so `--cpu-prof` writes its profile.
process.once('SIGTERM', () => process.exit(0));

/** Tells the parent the measured port (and the control port); call when the server listens. */
export const ready = async (port: number, info: Record<string, unknown> = {}): Promise<void> => {
  const message = { ready: { port, control: await controlPort, ...info } };
  if (process.send) process.send(message);
  else console.log(JSON.stringify(message));
};

/** Environment variables every server needs, read once. */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
