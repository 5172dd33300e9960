/**
 * The in-process hot path of two checkouts side by side, interleaved in one process:
 * `npx tsx abHotPath.ts /path/to/other/checkout` from `bench/` (e.g. a `git worktree add` of the commit
 * to compare). Prints the medians of 12 rounds and their ratio, in CPU time of this process
 * (`process.cpuUsage()`, so time the process spent preempted by others is not counted); ratios only.
 *
 * Two cases (AB_CASE): `storage` (default) — new client + isAuthenticated + getIdTokenClaims + a cached
 * getAccessToken on one session in a MemoryStorage; `cookies` — what an adapter does per request, over
 * BENCH_DISTINCT_SESSIONS (default 2,000) distinct sealed cookie sessions, so every request misses the
 * decrypt cache and the parsed-session memo: `LogtoServer.open` on the Cookie header, isAuthenticated,
 * getIdTokenClaims (scenario 1's "2,000 sessions" row without the HTTP around it).
 */
import { fileURLToPath } from 'node:url';
import { config, raw } from './lib/hotPathSession.ts';
import { asDistinctUser } from './servers/distinctUser.ts';

const other = process.argv[2];
if (!other) throw new Error('usage: npx tsx abHotPath.ts <other checkout>');
const here = fileURLToPath(new URL('..', import.meta.url));
type Core = typeof import('@logto-machine/core');
const load = (root: string): Promise<Core> => import(`${root}/packages/core/src/index.ts`);
const [before, after] = await Promise.all([load(other), load(here)]);
const abCase = process.env.AB_CASE ?? 'storage';
const distinct = Number(process.env.BENCH_DISTINCT_SESSIONS ?? 2000);
const secret = 'bench-only-session-secret-0123456789abcdef';

const storageRequestOn = async (core: Core) => {
  const storage = new core.MemoryStorage();
  await storage.set('session', raw);
  return async () => {
    const client = new core.LogtoClient(config, { storage });
    await client.isAuthenticated();
    await client.getIdTokenClaims();
    await client.getAccessToken('https://api.example.com');
  };
};

const cookieRequestOn = async (core: Core) => {
  const sessions = new core.CookieSessions({ secrets: [secret] });
  const cookies: string[] = [];
  for (let index = 0; index < distinct; index++) {
    const session = sessions.open(null, { secure: false });
    await session.set('session', asDistinctUser(raw, index));
    cookies.push(
      session
        .setCookieHeaders()
        .map((header) => header.split(';', 1)[0])
        .join('; '),
    );
  }
  const server = new core.LogtoServer({
    ...config,
    baseUrl: 'http://127.0.0.1:3000',
    session: { secrets: [secret] },
  });
  let next = 0;
  return async () => {
    const request = server.open({
      url: 'http://127.0.0.1:3000/me',
      method: 'GET',
      cookie: cookies[next++ % distinct],
    });
    if (!(await request.client.isAuthenticated())) throw new Error('signed out');
    await request.client.getIdTokenClaims();
    request.setCookieHeaders();
  };
};

const requestOn = abCase === 'cookies' ? cookieRequestOn : storageRequestOn;
const contenders = { before: await requestOn(before), after: await requestOn(after) };
const perRequest: Record<keyof typeof contenders, number[]> = { before: [], after: [] };
const requests = abCase === 'cookies' ? 20_000 : 100_000;
for (let round = 0; round < 12; round++) {
  for (const name of round % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
    const started = process.cpuUsage();
    for (let index = 0; index < requests; index++) await contenders[name]();
    const { user, system } = process.cpuUsage(started);
    perRequest[name].push((user + system) / requests);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
console.log(
  `${abCase}: CPU µs per request, median of 12 rounds: ${other} ${median(perRequest.before).toFixed(3)}, this checkout ${median(perRequest.after).toFixed(3)}; this ÷ other ${(median(perRequest.after) / median(perRequest.before)).toFixed(2)}`,
);
