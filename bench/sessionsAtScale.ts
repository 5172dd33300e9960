/**
 * Sessions at scale (issue 7), a load test rather than a timed test:
 *
 *   S sessions (default 1,000), all signed in for real through the dev provider's pages, on TWO instances
 *   of the Hono example server (examples/hono/src/server.ts, each its own process: its own LogtoServer,
 *   lock, refresh ledger and provider cache) in store mode on one Redis with the Redis lock. Every access
 *   token is left to expire, then K requests per session (default 2, spread over both instances) ask
 *   `/api/token?resource=…` all at once.
 *
 * Correctness counts (exit 1 when one is off; latency is reported, never asserted): token grants at the
 * provider during the storm = S exactly, no 5xx, every answer a 200 with a fresh JWT, and no session
 * lost (each still answers `/api/me` as signed in afterwards). Prints a table and a Markdown snippet for
 * bench/RESULTS.md; writes nothing.
 *
 *   npx tsx bench/sessionsAtScale.ts [--smoke] [--sessions N] [--per-session K] [--ttl SECONDS]
 *
 * `--smoke` is 20 sessions. `--ttl` is the provider's access-token lifetime (default 30 s, 4 s with
 * --smoke): the storm must end within half of it, the SDK's default expiry skew (60 s, capped at half a
 * token's life), or a session's later request would rightly find the token the storm got already stale.
 */
import { availableParallelism, loadavg } from 'node:os';
import { jwtPayload } from '@logto-machine/dev-provider/testing';
import {
  type AppInstance,
  type AtScaleRedis,
  startAppInstance,
  startAtScaleRedis,
} from './lib/atScaleProcesses.ts';
import { type ServerProcess, startProvider } from './lib/servers.ts';
import { signIn } from './lib/signIn.ts';
import { fmt, markdownTable, quantile, sleep, textTable } from './lib/stats.ts';

const resource = 'https://api.example.com';
const tokenPath = `/api/token?resource=${encodeURIComponent(resource)}`;

// --- options ---------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const option = (name: string): number | undefined => {
  const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index < 0) return undefined;
  const raw = args[index]!.includes('=') ? args[index]!.split('=')[1] : args[index + 1];
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} needs a positive whole number`);
  return value;
};
const smoke = args.includes('--smoke');
const sessions = option('--sessions') ?? (smoke ? 20 : 1000);
const perSession = option('--per-session') ?? 2;
const ttlSeconds = option('--ttl') ?? (smoke ? 4 : 30);
/** Sign-ins in flight at once (each is ~7 requests through an app instance and the provider). */
const signInConcurrency = 16;
/** `/api/me` checks in flight at once, after the storm. */
const checkConcurrency = 32;

// --- helpers ---------------------------------------------------------------------------------------

const startedAt = performance.now();
const log = (line: string) =>
  console.log(`[${((performance.now() - startedAt) / 1000).toFixed(1)} s] ${line}`);

/** Runs `task(0…count-1)` with at most `limit` in flight; results in index order. */
const pool = async <T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> => {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
};

/** GET with a session cookie; status 0 for a network error. */
const get = async (url: string, cookie: string) => {
  try {
    const response = await fetch(url, { headers: { cookie, accept: 'application/json' } });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: String(error) };
  }
};

/** The access token of an `/api/token` answer and its claims, or null when it is not a JWT. */
const tokenOf = (text: string) => {
  try {
    const token = JSON.parse(text).accessToken as unknown;
    if (typeof token !== 'string' || token.split('.').length !== 3) return null;
    return { token, claims: jwtPayload(token) };
  } catch {
    return null;
  }
};

/** Live (signed-in or not, not deleted, not expired) session entries in Redis: `logto:session:<id>`. */
const liveSessions = async (redis: AtScaleRedis) => {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [nextCursor, found] = await redis.client.scan(cursor, 'MATCH', 'logto:session:*', 'COUNT', 1000);
    cursor = nextCursor;
    keys.push(...found);
  } while (cursor !== '0');
  let live = 0;
  for (let index = 0; index < keys.length; index += 500) {
    for (const raw of await redis.client.mget(keys.slice(index, index + 500))) {
      const entry = raw ? JSON.parse(raw) : null;
      if (typeof entry?.value === 'string' && entry.expiresAt > Date.now()) live += 1;
    }
  }
  return live;
};

interface Check {
  label: string;
  ok: boolean;
  detail: string;
}

// --- the run ---------------------------------------------------------------------------------------

let redis: AtScaleRedis | undefined;
let provider: ServerProcess | undefined;
const apps: AppInstance[] = [];
const stopAll = async () => {
  await Promise.allSettled(apps.map((app) => app.stop()));
  await provider?.stop();
  await redis?.stop();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

let failed = true;
try {
  log(`${sessions} sessions × ${perSession} requests, access tokens of ${ttlSeconds} s, 2 app instances`);
  redis = await startAtScaleRedis();
  provider = await startProvider({ ttl: { accessToken: ttlSeconds }, rotateRefreshTokens: 'always' });
  // The example server's store mode, as its README has it: REDIS_URL → redisStore + makeRedisLock.
  const env = {
    LOGTO_ENDPOINT: String(provider.info.url),
    LOGTO_APP_ID: 'demo-app',
    LOGTO_APP_SECRET: 'demo-app-secret',
    LOGTO_SCOPES:
      'email,custom_data,urn:logto:scope:organizations,urn:logto:scope:organization_roles,read:data,read:org',
    LOGTO_RESOURCES: resource,
    SESSION_SECRET: 'bench-only-session-secret-0123456789abcdef',
    REDIS_URL: redis.url,
  };
  apps.push(...(await Promise.all([startAppInstance('A', env), startAppInstance('B', env)])));
  log(`redis ${redis.url}, provider ${provider.info.url}, A ${apps[0]!.url}, B ${apps[1]!.url}`);

  // 1. Real sign-ins, alternating between A and B, each followed by a first resource token (which
  //    expires with the others).
  const signInStarted = performance.now();
  const signedIn = await pool(sessions, signInConcurrency, async (index) => {
    const app = apps[index % 2]!;
    const cookie = await signIn(app.url, '/sign-in');
    const first = await get(`${app.url}${tokenPath}`, cookie);
    const token = first.status === 200 ? tokenOf(first.text) : null;
    if (!token)
      throw new Error(`session ${index}: no first token (${first.status} ${first.text.slice(0, 200)})`);
    return { cookie, exp: token.claims.exp as number };
  });
  const signInSeconds = (performance.now() - signInStarted) / 1000;
  const cookies = signedIn.map(({ cookie }) => cookie);
  log(`${sessions} sign-ins in ${fmt(signInSeconds)} s (${fmt(sessions / signInSeconds)}/s)`);

  // 2. Let every access token expire (the last one issued expires last).
  const lastExpiry = Math.max(...signedIn.map(({ exp }) => exp)) * 1000;
  log(`waiting ${fmt((lastExpiry - Date.now()) / 1000)} s for every access token to expire`);
  await sleep(Math.max(0, lastExpiry - Date.now()) + 1000);
  await provider.control('/reset');
  const liveBefore = await liveSessions(redis);

  // 3. The storm: every request of every session at once, request k of a session on instance
  //    (session + k) % 2, so each session is asked on both instances.
  log(`storm: ${sessions * perSession} concurrent requests`);
  const stormStarted = performance.now();
  const answers = await Promise.all(
    cookies.flatMap((cookie, session) =>
      Array.from({ length: perSession }, async (_, k) => {
        const sentAt = Date.now();
        const start = performance.now();
        const { status, text } = await get(`${apps[(session + k) % 2]!.url}${tokenPath}`, cookie);
        const ms = performance.now() - start;
        const token = status === 200 ? tokenOf(text) : null;
        const fresh =
          token !== null &&
          token.claims.aud === resource &&
          token.claims.sub === 'user_demo' &&
          (token.claims.exp as number) * 1000 > sentAt;
        return { session, status, ms, end: performance.now(), token: token?.token, fresh };
      }),
    ),
  );
  const stormSeconds = (Math.max(...answers.map(({ end }) => end)) - stormStarted) / 1000;
  const { extra } = await provider.stats();
  log(`storm answered in ${fmt(stormSeconds)} s`);

  // 4. No session lost: each still signed in, asked on the instance it did not sign in on.
  const me = await pool(sessions, checkConcurrency, async (index) => {
    const { status, text } = await get(`${apps[(index + 1) % 2]!.url}/api/me`, cookies[index]!);
    try {
      const body = JSON.parse(text);
      return {
        status,
        ok: status === 200 && body.isAuthenticated === true && body.claims?.sub === 'user_demo',
      };
    } catch {
      return { status, ok: false };
    }
  });
  const liveAfter = await liveSessions(redis);

  // --- figures and checks --------------------------------------------------------------------------

  const total = sessions * perSession;
  const statuses = new Map<number, number>();
  for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const all = [...answers, ...me];
  const serverErrors = all.filter(({ status }) => status >= 500).length;
  const networkErrors = all.filter(({ status }) => status === 0).length;
  const fresh = answers.filter((answer) => answer.fresh).length;
  const tokensPerSession = new Map<number, Set<string | undefined>>();
  for (const { session, token } of answers) {
    tokensPerSession.set(session, (tokensPerSession.get(session) ?? new Set()).add(token));
  }
  const oneToken = [...tokensPerSession.values()].filter((tokens) => tokens.size === 1).length;
  const grants = Object.entries(extra)
    .filter(([name]) => name.startsWith('grants.'))
    .reduce((sum, [, n]) => sum + n, 0);
  const refreshGrants = extra.refreshGrants ?? 0;
  const stillSignedIn = me.filter(({ ok }) => ok).length;
  const latencies = answers.map(({ ms }) => ms);
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  const min = Math.min(...latencies);
  const max = Math.max(...latencies);
  // The instances' own warnings, e.g. the Redis lock falling back to the in-process lock.
  const warnings = apps.flatMap((app) =>
    app
      .output()
      .split('\n')
      .filter((line) => /\[logto-machine\]|error/i.test(line))
      .map((line) => `${app.name}: ${line}`),
  );

  const checks: Check[] = [
    {
      label: 'token grants during the storm = S',
      ok: grants === sessions && refreshGrants === sessions,
      detail: `${grants} grants (${refreshGrants} refresh) for ${sessions} sessions`,
    },
    {
      label: 'no failed or reused refresh token',
      ok: (extra.failedRefreshGrants ?? 0) === 0 && (extra.reusedRefreshTokens ?? 0) === 0,
      detail: `${extra.failedRefreshGrants ?? 0} failed, ${extra.reusedRefreshTokens ?? 0} presented twice`,
    },
    {
      label: 'zero 5xx (storm and checks)',
      ok: serverErrors === 0 && networkErrors === 0,
      detail: `${serverErrors} 5xx, ${networkErrors} network errors`,
    },
    {
      label: 'every storm answer a 200 with a fresh JWT',
      ok: fresh === total,
      detail: `${fresh} of ${total}; statuses ${[...statuses].map(([status, n]) => `${status}×${n}`).join(', ')}`,
    },
    {
      label: 'one token per session across A and B',
      ok: oneToken === sessions,
      detail: `${oneToken} of ${sessions} sessions got the same token on every request`,
    },
    {
      label: 'zero sessions lost',
      ok: stillSignedIn === sessions && liveBefore === sessions && liveAfter === sessions,
      detail: `${stillSignedIn} of ${sessions} still signed in (/api/me); ${liveBefore} → ${liveAfter} live session entries in Redis`,
    },
  ];

  const rows = [
    ['figure', 'value'],
    ['sessions (S) × requests each (K)', `${sessions} × ${perSession} = ${total}`],
    ['sign-ins (real, through the provider)', `${fmt(signInSeconds)} s, ${fmt(sessions / signInSeconds)}/s`],
    ['storm wall time (first sent → last answered)', `${fmt(stormSeconds)} s`],
    ['token grants during the storm', `${grants} (${refreshGrants} refresh; S = ${sessions})`],
    ['5xx / network errors', `${serverErrors} / ${networkErrors}`],
    ['200 with a fresh JWT', `${fresh} of ${total}`],
    ['sessions still signed in', `${stillSignedIn} of ${sessions}`],
    ['storm latency min / p50 / p99 / max', `${fmt(min)} / ${fmt(p50)} / ${fmt(p99)} / ${fmt(max)} ms`],
    ['whole run', `${fmt((performance.now() - startedAt) / 1000)} s`],
  ];

  console.log(`\n${textTable(rows)}\n`);
  if (stormSeconds > ttlSeconds / 2) {
    console.log(
      `note: the storm took longer than half a token's life (${ttlSeconds / 2} s): raise --ttl, or extra grants may be legitimate`,
    );
  }
  for (const line of warnings.slice(0, 20)) console.log(`warning from ${line}`);
  for (const { label, ok, detail } of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${detail}`);
  failed = checks.some((item) => !item.ok);

  console.log(`\nMarkdown for bench/RESULTS.md:\n`);
  console.log(`### Sessions at scale${smoke ? ' (smoke: numbers mean nothing)' : ''}\n`);
  console.log(
    `${sessions} sessions signed in for real on two instances of the Hono example server (own processes, ` +
      `store mode on one Redis, Redis lock); dev provider with ${ttlSeconds} s access tokens and refresh ` +
      `tokens rotating on every use. Once every access token had expired, ${total} requests for a resource ` +
      `token (${perSession} per session, spread over both instances) were sent at once from one process ` +
      `(latency from send to body, client included). ${availableParallelism()} cores shared by everything, ` +
      `Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end.\n`,
  );
  console.log(`${markdownTable(rows)}\n`);
  console.log(
    checks.map(({ ok, label, detail }) => `- ${ok ? 'ok' : '**FAIL**'} ${label}: ${detail}`).join('\n'),
  );
} catch (error) {
  console.error(error);
  for (const app of apps) console.error(`--- ${app.name} output:\n${app.output().slice(-4000)}`);
} finally {
  await stopAll();
}
process.exit(failed ? 1 : 0);
