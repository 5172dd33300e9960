/**
 * Scenario 2: access tokens.
 * (a) A cached token, in this process: µs per `getAccessToken(resource)` call on one client, and per
 *     request as an adapter does it (open the request's cookie session, build the client, get the
 *     token) — beside `@logto/node` (what `@logto/express` runs per request) on its own storage.
 *     Variants alternate in rounds; wall time and process CPU time per call, medians over rounds.
 * (b) A refresh storm: S signed-in sessions whose access tokens have expired, N concurrent requests
 *     per session, all at once, against our Hono adapter (its own process) and the dev provider (its
 *     own, `ttl.accessToken: 2`, refresh tokens rotating on every use). Grants must equal S. Beside it
 *     the same storm on `@logto/express` (`getAccessToken: true`), reported, never asserted.
 */

import LogtoNodeClient from '@logto/node';
import { CookieSessions } from '@logto-machine/core';
import { tokenDigest } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import { logto } from '@logto-machine/hono';
import { Hono } from 'hono';
import { buildServers, serverBundle } from '../lib/build.ts';
import { type Check, check, type Scenario, type Table } from '../lib/report.ts';
import { type ServerProcess, startProvider, startServer } from '../lib/servers.ts';
import { demoUser, fetchWith, signIn } from '../lib/signIn.ts';
import { fmt, median, quantile, ratio, sleep } from '../lib/stats.ts';
import { logtoConfig, sessionSecret } from '../servers/config.ts';

const resource = 'https://api.example.com';
const appOrigin = 'http://127.0.0.1:9';

interface Variant {
  readonly label: string;
  readonly call: () => Promise<unknown>;
}

/** Calls `call` for about `ms`; wall and CPU µs per call. */
const time = async (call: () => Promise<unknown>, ms: number) => {
  let calls = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + ms;
  while (performance.now() < until) {
    for (let index = 0; index < 100; index += 1) await call();
    calls += 100;
  }
  const wall = (performance.now() - started) * 1000;
  const used = process.cpuUsage(cpu);
  return { wall: wall / calls, cpu: (used.user + used.system) / calls };
};

/** Our adapter in process over `endpoint`: a signed-in Cookie header with a cached `resource` token. */
const ourSession = async (endpoint: string) => {
  process.env.LOGTO_ENDPOINT = endpoint;
  const config = { ...logtoConfig(), baseUrl: appOrigin };
  const app = new Hono();
  app.use(logto(config));
  app.get('/token', async (c) => c.text((await c.var.logto.getAccessToken(resource)) ?? '', 200));
  const fetch = (request: Request) => app.fetch(request);
  let cookie = await signIn(appOrigin, '/sign-in', fetch);
  // The first call fetches the resource token (a refresh grant) and rewrites the cookie.
  const first = await fetch(new Request(`${appOrigin}/token`, { headers: { cookie } }));
  const written = first.headers.getSetCookie().map((header) => header.split(';', 1)[0]!);
  if (!(await first.text()) || written.length === 0) throw new Error('no resource token for our client');
  const jar = new Map(cookie.split('; ').map((pair) => [pair.split('=', 1)[0]!, pair] as const));
  for (const pair of written) jar.set(pair.split('=', 1)[0]!, pair);
  cookie = [...jar.values()].join('; ');
  return { config, cookie };
};

/** `@logto/node` signed in over a plain in-memory storage, with a cached `resource` token. */
const peerSession = async (endpoint: string) => {
  const items = new Map<string, string>();
  const storage = {
    getItem: async (key: string) => items.get(key) ?? null,
    setItem: async (key: string, value: string) => void items.set(key, value),
    removeItem: async (key: string) => void items.delete(key),
  };
  const config = {
    endpoint,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    scopes: ['email', 'custom_data', 'urn:logto:scope:organizations', 'urn:logto:scope:organization_roles'],
    resources: [resource],
  };
  let navigated = '';
  const navigate = (url: string) => {
    navigated = url;
  };
  const make = () => new LogtoNodeClient(config, { storage, navigate });
  const client = make();
  await client.signIn(`${appOrigin}/callback`);
  await client.handleSignInCallback(await completeSignIn(navigated, demoUser));
  if (!(await client.getAccessToken(resource))) throw new Error('no resource token for @logto/node');
  return { client, make };
};

const cachedToken = async (endpoint: string, smoke: boolean): Promise<Table> => {
  const ours = await ourSession(endpoint);
  const { LogtoServer } = await import('@logto-machine/core');
  const server = new LogtoServer(ours.config);
  const open = () => server.open({ url: `${appOrigin}/api/data`, method: 'GET', cookie: ours.cookie }).client;
  const ourClient = open();
  const peer = await peerSession(endpoint);
  const expect = async (label: string, token: Promise<string | null>) => {
    if (!(await token)) throw new Error(`${label}: no cached token`);
  };
  await expect('ours', ourClient.getAccessToken(resource));
  await expect('ours per request', open().getAccessToken(resource));
  await expect('@logto/node per request', peer.make().getAccessToken(resource));

  const variants: Variant[] = [
    {
      label: '@logto-machine/core: getAccessToken, one client',
      call: () => ourClient.getAccessToken(resource),
    },
    { label: '@logto/node: getAccessToken, one client', call: () => peer.client.getAccessToken(resource) },
    {
      label: '@logto-machine/core per request: open cookie session + client + getAccessToken',
      call: () => open().getAccessToken(resource),
    },
    {
      label: '@logto/node per request (as @logto/express): new client + getAccessToken',
      call: () => peer.make().getAccessToken(resource),
    },
  ];
  const rounds = smoke ? 1 : 5;
  const ms = smoke ? 100 : 1000;
  for (const variant of variants) await time(variant.call, smoke ? 50 : 500); // warm-up
  const results = variants.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, variant] of variants.entries()) {
      const { wall, cpu } = await time(variant.call, ms);
      results[index]!.wall.push(wall);
      results[index]!.cpu.push(cpu);
    }
  }
  const rows = [['call (cached token)', 'µs/call', 'CPU µs/call', 'peer ÷ ours']];
  for (const [index, variant] of variants.entries()) {
    const wall = median(results[index]!.wall);
    const ourIndex = index % 2 === 0 ? index : index - 1;
    rows.push([
      variant.label,
      fmt(wall),
      fmt(median(results[index]!.cpu)),
      index % 2 === 0 ? '1.00×' : ratio(wall / median(results[ourIndex]!.wall)),
    ]);
  }
  return { caption: 'Cached token, in process', rows };
};

interface StormResult {
  grants: number;
  /** Of our sessions' refresh tokens (as the storm found them), how many were presented exactly once. */
  presentedOnce?: number;
  failedGrants: number;
  reused: number;
  served: number;
  counted: number;
  p50: number;
  p99: number;
  seconds: number;
}

/** S sessions × N concurrent GET /token on expired tokens against `server`. */
const storm = async (
  provider: ServerProcess,
  server: ServerProcess,
  signInPath: string,
  sessions: number,
  perSession: number,
): Promise<StormResult> => {
  const cookies: string[] = [];
  for (let index = 0; index < sessions; index += 4) {
    const batch = Math.min(4, sessions - index);
    cookies.push(...(await Promise.all(Array.from({ length: batch }, () => signIn(server.url, signInPath)))));
  }
  for (const cookie of [cookies[0]!, cookies.at(-1)!]) {
    const { status } = await fetchWith(`${server.url}/me`, cookie);
    if (status !== 200) throw new Error(`${server.name}: a signed-in session answered ${status}`);
  }
  // The refresh tokens the storm starts from, when the cookie holds them (ours).
  const sessionsReader = new CookieSessions({ secrets: [sessionSecret] });
  const originals: string[] = [];
  for (const cookie of cookies) {
    const raw = await sessionsReader.open(cookie, { secure: false }).get('session');
    const refreshToken = raw ? JSON.parse(raw).tokens?.refreshToken : undefined;
    if (typeof refreshToken === 'string') originals.push(tokenDigest(refreshToken));
  }
  // Access tokens live 2 s: let every one expire.
  await sleep(2500);
  await provider.control('/reset');
  const before = await server.stats();
  const started = performance.now();
  const latencies = await Promise.all(
    cookies.flatMap((cookie) =>
      Array.from({ length: perSession }, async () => {
        const start = performance.now();
        const response = await fetch(`${server.url}/token`, { headers: { cookie } });
        await response.text();
        return { ms: performance.now() - start, ok: response.status === 200 };
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await server.stats();
  const { extra } = await provider.stats();
  const presented = await provider.control<{ token: string }[]>('/refresh-grants');
  const times = (digest: string) => presented.filter(({ token }) => token === digest).length;
  return {
    grants: extra.refreshGrants ?? 0,
    ...(originals.length === sessions
      ? { presentedOnce: originals.filter((digest) => times(digest) === 1).length }
      : {}),
    failedGrants: extra.failedRefreshGrants ?? 0,
    reused: extra.reusedRefreshTokens ?? 0,
    served: latencies.filter(({ ok }) => ok).length,
    counted: after.authenticated - before.authenticated,
    p50: quantile(
      latencies.map(({ ms }) => ms),
      0.5,
    ),
    p99: quantile(
      latencies.map(({ ms }) => ms),
      0.99,
    ),
    seconds,
  };
};

export const accessToken: Scenario = async ({ smoke, log }) => {
  log('Scenario 2: access tokens — cached token, in process');
  const checks: Check[] = [];
  const tables: Table[] = [];
  const provider = await startProvider();
  try {
    tables.push(await cachedToken(String(provider.info.url), smoke));
  } finally {
    await provider.stop();
  }

  const sessions = smoke ? 3 : 30;
  const perSession = smoke ? 3 : 20;
  log(`Scenario 2: refresh storm, ${sessions} sessions × ${perSession} concurrent requests`);
  await buildServers();
  const rows = [
    [
      `storm: ${sessions} sessions × ${perSession} concurrent requests, expired tokens`,
      'refresh grants',
      'failed / reused tokens',
      'requests with a token',
      'p50 ms',
      'p99 ms',
    ],
  ];
  for (const [label, name, signInPath] of [
    ['@logto-machine/hono', 'honoLogto', '/sign-in'],
    ['@logto/express (getAccessToken: true)', 'expressLogto', '/logto/sign-in'],
  ] as const) {
    const stormProvider = await startProvider({ ttl: { accessToken: 2 }, rotateRefreshTokens: 'always' });
    const endpoint = String(stormProvider.info.url);
    const server = await startServer(label, serverBundle(name), {
      env: { LOGTO_ENDPOINT: endpoint, BENCH_TOKEN_SKEW_MS: '0' },
    });
    try {
      const result = await storm(stormProvider, server, signInPath, sessions, perSession);
      const total = sessions * perSession;
      rows.push([
        label,
        `${result.grants} (S = ${sessions})`,
        `${result.failedGrants} / ${result.reused}`,
        `${result.served} of ${total}`,
        fmt(result.p50),
        fmt(result.p99),
      ]);
      if (name === 'honoLogto') {
        checks.push(
          check(
            'refresh storm: one refresh grant per session',
            result.grants === sessions &&
              result.presentedOnce === sessions &&
              result.failedGrants === 0 &&
              result.reused === 0,
            `${result.grants} grants for ${sessions} sessions; ${result.presentedOnce} of the ${sessions} expired ` +
              `sessions' refresh tokens presented exactly once; ${result.failedGrants} failed; ` +
              `${result.reused} refresh tokens presented twice`,
          ),
          check(
            'refresh storm: every request got a token',
            result.served === total && result.counted === total,
            `${result.served} 200s of ${total}, handler counted ${result.counted}`,
          ),
        );
      }
    } finally {
      await server.stop();
      await stormProvider.stop();
    }
  }
  tables.push({ caption: 'Refresh storm', rows });
  return {
    title: '2. getAccessToken: cached, and a refresh storm',
    intro:
      'Cached: in the runner process, sequential awaits, variants alternating over 5 rounds of 1 s; the ' +
      'resource token (https://api.example.com) already in the session. Storm: each server its own process, ' +
      'dev provider with `ttl.accessToken: 2` and `rotateRefreshTokens: "always"`; all S×N requests sent at ' +
      'once from the runner (latency per request, from send to body). Our server runs with ' +
      '`tokenExpirySkewMs: 0` (default 60 s, capped at half a token’s life: 1 s here), so a token refreshed ' +
      'during the storm stays fresh for its full 2 s: the provider answers the grants one after the other, ' +
      'and with the default the last requests could legitimately find the first refreshed tokens already ' +
      'stale and refresh again. The peer runs with its defaults.',
    tables,
    notes: [],
    checks,
  };
};
