/**
 * Scenario 1: an authenticated request with a valid session, per framework: the bare framework's route
 * beside the same route behind our adapter and behind the peers. Each server is its own process; each
 * gets a warm-up, then the runs go round-robin (A B C A B C …), each a fixed number of requests
 * (about `seconds` at the server's warm-up rate) from 16 connections; figures are medians over the
 * rounds, ratios are taken within a round (against the bare route measured minutes apart at most).
 * Every response is checked: no non-2xx, and the handler's count of authenticated requests equals
 * autocannon's 2xx count.
 */
import { availableParallelism } from 'node:os';
import {
  buildNext,
  buildServers,
  buildSveltekit,
  nextAppDir,
  type ServerName,
  serverBundle,
  sveltekitBuild,
} from '../lib/build.ts';
import { distinctSessions, manySessions } from '../lib/distinctSessions.ts';
import { runLoad } from '../lib/load.ts';
import { outDir, sveltekitExampleBuild } from '../lib/paths.ts';
import { type Check, check, type Scenario, type Settings, type Table } from '../lib/report.ts';
import { pinToCpus, type ServerProcess, startProvider, startServer } from '../lib/servers.ts';
import { fetchWith, signIn } from '../lib/signIn.ts';
import { fmt, median, ratio, sleep } from '../lib/stats.ts';
import { sessionSecret } from '../servers/config.ts';

interface Contender {
  readonly label: string;
  readonly server: ServerName;
  /** Where a browser starts signing in; none for the bare route. */
  readonly signInPath?: string;
  /** Replay one session, or rotate over this many distinct sessions (ours only). */
  readonly sessions?: number;
  readonly env?: Record<string, string>;
  /** Ours (profiled with --profile). */
  readonly ours?: boolean;
  /** Sends the session cookie of the contender with this label (a floor server: same request bytes). */
  readonly cookieOf?: string;
  /** The route loaded, and what its signed-in answer contains; default `/me` answering the user's `sub`. */
  readonly page?: { readonly path: string; readonly contains: string };
}

interface Group {
  readonly framework: string;
  /** The first is the bare route. */
  readonly contenders: readonly Contender[];
  /** Rows that cannot be measured yet. */
  readonly todo?: readonly string[];
}

const many = manySessions.toLocaleString('en-US');

const groups: readonly Group[] = [
  {
    framework: 'Hono',
    contenders: [
      { label: 'bare Hono', server: 'honoBare', cookieOf: '@logto-machine/hono (cookie)' },
      { label: 'bare Hono, no Cookie header sent', server: 'honoBare' },
      {
        label: 'floor: cookie-reading middleware, no auth',
        server: 'honoFloor',
        cookieOf: '@logto-machine/hono (cookie)',
      },
      { label: '@logto-machine/hono (cookie)', server: 'honoLogto', signInPath: '/sign-in', ours: true },
      {
        // Rotating the Cookie header costs the load generator and the server's parser even on a route
        // that reads no cookie: the baseline of the rows below that rotate over many sessions.
        label: `bare Hono, rotating the ${many} sessions' Cookie headers`,
        server: 'honoBare',
        cookieOf: `@logto-machine/hono (cookie, ${many} sessions)`,
      },
      {
        // What any reader of this cookie format must do for a user it has not seen lately (decode, one
        // native AES-GCM open, two JSON.parse), with nothing else: the floor of the row below.
        label: `floor: node:crypto open + JSON.parse of the ${many} sessions, no SDK`,
        server: 'honoSealedFloor',
        cookieOf: `@logto-machine/hono (cookie, ${many} sessions)`,
      },
      {
        // The same, were the part a page reads (state, expiry, claims; ~400 bytes) sealed apart from the
        // tokens: one smaller open and one parse. Not a format we have; it says what one would gain.
        label: `floor: the same if only ~400 bytes (state, expiry, claims) were opened, no SDK`,
        server: 'honoSealedHotFloor',
        cookieOf: `@logto-machine/hono (cookie, ${many} sessions)`,
      },
      {
        label: `@logto-machine/hono (cookie, ${many} sessions)`,
        server: 'honoLogto',
        signInPath: '/sign-in',
        sessions: manySessions,
        ours: true,
      },
      {
        label: '@logto-machine/hono (store mode, unstorage memory)',
        server: 'honoLogto',
        signInPath: '/sign-in',
        env: { BENCH_SESSIONS: 'memory' },
        ours: true,
      },
      {
        label: `@logto-machine/hono (store mode, unstorage memory, ${many} sessions)`,
        server: 'honoLogto',
        signInPath: '/sign-in',
        sessions: manySessions,
        env: { BENCH_SESSIONS: 'memory' },
        ours: true,
      },
      { label: '@hono/oidc-auth', server: 'honoOidcAuth', signInPath: '/me' },
    ],
  },
  {
    framework: 'Koa',
    contenders: [
      { label: 'bare Koa', server: 'koaBare', cookieOf: '@logto-machine/koa (cookie)' },
      { label: 'bare Koa, no Cookie header sent', server: 'koaBare' },
      {
        label: 'floor: cookie-reading middleware, no auth',
        server: 'koaFloor',
        cookieOf: '@logto-machine/koa (cookie)',
      },
      { label: '@logto-machine/koa (cookie)', server: 'koaLogto', signInPath: '/sign-in', ours: true },
      {
        label: `@logto-machine/koa (cookie, ${many} sessions)`,
        server: 'koaLogto',
        signInPath: '/sign-in',
        sessions: manySessions,
        ours: true,
      },
      {
        label: '@logto-machine/koa (store mode, unstorage memory)',
        server: 'koaLogto',
        signInPath: '/sign-in',
        env: { BENCH_SESSIONS: 'memory' },
        ours: true,
      },
    ],
  },
  {
    framework: 'Express',
    contenders: [
      { label: 'bare Express', server: 'expressBare', cookieOf: '@logto-machine/express (cookie)' },
      {
        label: '@logto-machine/express (cookie)',
        server: 'expressMachine',
        signInPath: '/sign-in',
        ours: true,
      },
      {
        label: 'examples/express, GET /protected (cookie)',
        server: 'expressExample',
        signInPath: '/sign-in',
        page: { path: '/protected', contains: 'Protected page' },
        ours: true,
      },
      { label: '@logto/express (express-session)', server: 'expressLogto', signInPath: '/logto/sign-in' },
    ],
  },
  {
    // The example apps as users copy them (examples/*): the signed-in page `/protected`, HTML rendered
    // by the app's own code, beside the bare framework's route. Issue 17 asks for ≥ 0.8×.
    framework: 'Hono example',
    contenders: [
      { label: 'bare Hono', server: 'honoBare', cookieOf: 'examples/hono, signed-in /protected' },
      {
        label: 'bare Hono, the example’s /protected page without auth',
        server: 'honoBarePage',
        cookieOf: 'examples/hono, signed-in /protected',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
      },
      {
        label: 'floor: the same page behind two do-nothing middlewares (the example’s shape, no auth)',
        server: 'honoPageFloor',
        cookieOf: 'examples/hono, signed-in /protected',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
      },
      {
        label: 'examples/hono, signed-in /protected',
        server: 'honoExample',
        signInPath: '/sign-in',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
        ours: true,
      },
      {
        label: 'the same page from nested hono/html templates (the example before issue 17)',
        server: 'honoExampleHtml',
        signInPath: '/sign-in',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
      },
      {
        label: '@logto-machine/hono (cookie), /me alone',
        server: 'honoLogto',
        signInPath: '/sign-in',
        ours: true,
      },
    ],
  },
  {
    framework: 'Koa example',
    contenders: [
      { label: 'bare Koa', server: 'koaBare', cookieOf: 'examples/koa, signed-in /protected' },
      {
        label: 'bare Koa + @koa/router, the example’s /protected page without auth',
        server: 'koaBarePage',
        cookieOf: 'examples/koa, signed-in /protected',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
      },
      {
        label: 'floor: the same page behind two do-nothing middlewares (the example’s shape, no auth)',
        server: 'koaPageFloor',
        cookieOf: 'examples/koa, signed-in /protected',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
      },
      {
        label: 'examples/koa, signed-in /protected',
        server: 'koaExample',
        signInPath: '/sign-in',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
        ours: true,
      },
      {
        label: '@logto-machine/koa (cookie), /me alone',
        server: 'koaLogto',
        signInPath: '/sign-in',
        ours: true,
      },
    ],
  },
  {
    framework: 'SvelteKit example',
    contenders: [
      {
        label: 'bare SvelteKit endpoint',
        server: 'sveltekit',
        env: { BENCH_LOGTO: '0' },
        cookieOf: 'examples/sveltekit, signed-in /protected',
      },
      {
        label: 'bare SvelteKit page (server-rendered, no auth)',
        server: 'sveltekit',
        env: { BENCH_LOGTO: '0' },
        cookieOf: 'examples/sveltekit, signed-in /protected',
        page: { path: '/page', contains: '<p>Protected page</p>' },
      },
      {
        label: 'examples/sveltekit, signed-in /protected',
        server: 'sveltekitExample',
        signInPath: '/sign-in',
        page: { path: '/protected', contains: '<p>Protected page</p>' },
        ours: true,
      },
    ],
  },
  {
    framework: 'SvelteKit',
    contenders: [
      {
        label: 'bare SvelteKit endpoint',
        server: 'sveltekit',
        env: { BENCH_LOGTO: '0' },
        cookieOf: '@logto-machine/sveltekit (cookie)',
      },
      {
        label: '@logto-machine/sveltekit (cookie)',
        server: 'sveltekit',
        signInPath: '/sign-in',
        env: { BENCH_LOGTO: '1' },
        ours: true,
      },
      {
        label: `@logto-machine/sveltekit (cookie, ${many} sessions)`,
        server: 'sveltekit',
        signInPath: '/sign-in',
        sessions: manySessions,
        env: { BENCH_LOGTO: '1' },
        ours: true,
      },
    ],
  },
  {
    framework: 'Next',
    contenders: [
      {
        label: 'bare Next route handler',
        server: 'next',
        env: { BENCH_LOGTO: '0' },
        cookieOf: '@logto-machine/next (cookie, logto.route())',
      },
      {
        label: '@logto-machine/next (cookie, logto.route())',
        server: 'next',
        signInPath: '/sign-in',
        env: { BENCH_LOGTO: '1' },
        ours: true,
      },
      {
        label: '@logto-machine/next (cookie, proxy.ts + logto.route())',
        server: 'next',
        signInPath: '/sign-in',
        env: { BENCH_LOGTO: '1', BENCH_NEXT_PATH: '/proxied/me' },
        ours: true,
      },
    ],
  },
];

/** Groups whose app takes long to build: left out of `--smoke` (CI) unless BENCH_GROUPS names them. */
const slowToBuild = new Set(['Next']);

/** Waits until the server's handler has answered what it was sent (its count holds still), up to 5 s. */
const settled = async (server: ServerProcess): Promise<void> => {
  let last = (await server.stats()).authenticated;
  for (let waited = 0; waited < 5_000; waited += 200) {
    await sleep(200);
    const now = (await server.stats()).authenticated;
    if (now === last) return;
    last = now;
  }
};

/** The route a contender is loaded on. */
const pathOf = (contender: Contender) => contender.page?.path ?? '/me';

/** One process of a contender, and what it is sent. */
interface Measured {
  readonly server: ServerProcess;
  /** The sessions it is sent, in turn; undefined: no Cookie header. */
  sessions: string[] | undefined;
  /** Requests per run, from its warm-up rate. */
  amount: number;
}

interface Run {
  /** Server CPU time over wall time of the run: below ~90% the load generator, not the server, was the limit. */
  busy: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
}

const measureGroup = async (
  group: Group,
  endpoint: string,
  settings: Settings,
  checks: Check[],
): Promise<Table> => {
  const { smoke, log } = settings;
  const env = {
    LOGTO_ENDPOINT: endpoint,
    SVELTEKIT_BUILD: sveltekitBuild,
    NEXT_APP_DIR: nextAppDir,
    SVELTEKIT_EXAMPLE_BUILD: sveltekitExampleBuild,
    OIDC_AUTH_SECRET: sessionSecret,
    OIDC_ISSUER: `${endpoint}/oidc`,
    OIDC_CLIENT_ID: 'demo-app',
    OIDC_CLIENT_SECRET: 'demo-app-secret',
    OIDC_SCOPES: 'openid profile email offline_access',
  };
  // Every contender runs as several processes, measured in turn: two processes of the same server
  // differ by up to a tenth in throughput (where their memory happens to lie, not what they run), so
  // one process per contender would make a ratio depend on luck.
  const instances = smoke ? 1 : 3;
  /** The processes of each contender. */
  const processes: Measured[][] = [];
  try {
    for (const contender of group.contenders) {
      const own: Measured[] = [];
      processes.push(own);
      let distinct: string[] | undefined;
      for (let instance = 0; instance < instances; instance += 1) {
        const server = await startServer(contender.label, serverBundle(contender.server), {
          env: { ...env, ...contender.env },
          cpu: 0,
          execArgv:
            settings.profile && contender.ours ? ['--cpu-prof', `--cpu-prof-dir=${outDir}/profiles`] : [],
        });
        const measured: Measured = { server, sessions: undefined, amount: 0 };
        own.push(measured);
        if (contender.signInPath) {
          // A sign-in on each process (store-mode sessions live in one process's memory).
          const cookie = await signIn(server.url, contender.signInPath);
          const store = contender.env?.BENCH_SESSIONS !== undefined;
          // Store-mode sessions live in each process's memory: copied into each; cookies once.
          if (contender.sessions && (store || distinct === undefined)) {
            distinct = await distinctSessions(server, cookie, contender.sessions, store ? 'store' : 'cookie');
          }
          const sessions = distinct ?? [cookie];
          for (const session of [sessions[0]!, sessions.at(-1)!]) {
            const { status, body } = await fetchWith(`${server.url}${pathOf(contender)}`, session);
            // Copies for many sessions are other users': `user_demo~<index>`.
            const signedIn = contender.page
              ? body.includes(contender.page.contains)
              : body === 'user_demo' || body.startsWith('user_demo~');
            if (status !== 200 || !signedIn) {
              throw new Error(
                `${contender.label}: a signed-in request answered ${status} ${body.slice(0, 200)}`,
              );
            }
          }
          measured.sessions = sessions;
        }
        // Only the server being measured runs: the others are paused, so that none of them does work
        // of its own (such as a GC once it is idle) on the core the measured one has.
        server.pause();
      }
    }
    for (const [index, contender] of group.contenders.entries()) {
      if (contender.cookieOf === undefined) continue;
      const source = group.contenders.findIndex(({ label }) => label === contender.cookieOf);
      const sessions = processes[source]?.[0]?.sessions;
      if (sessions === undefined) throw new Error(`${contender.label}: no cookie of ${contender.cookieOf}`);
      for (const measured of processes[index]!) measured.sessions = sessions;
    }

    const connections = 16;
    const warmupSeconds = smoke ? 0.5 : 3;
    const rounds = smoke ? 1 : 6;
    const seconds = smoke ? 0.5 : 3;
    for (const [index, own] of processes.entries()) {
      log(`  warm-up ${group.contenders[index]!.label}`);
      for (const measured of own) {
        const { server, sessions } = measured;
        server.resume();
        const warm = await runLoad(`${server.url}${pathOf(group.contenders[index]!)}`, {
          seconds: warmupSeconds,
          connections,
          ...(sessions ? { cookies: sessions } : {}),
        });
        // A time-bound load leaves requests in flight; a slow server (Next) finishes them later, and
        // they must not be counted in the first measured run.
        await settled(server);
        server.pause();
        measured.amount = Math.max(200, Math.round(warm.requestsPerSecond * seconds));
      }
    }
    await sleep(300);

    const runs: Run[][] = group.contenders.map(() => []);
    const count = group.contenders.length;
    for (let round = 0; round < rounds; round += 1) {
      // Each round in another order (rotated, and reversed every other round), so that no contender is
      // always measured first, last, or right after the same one; and on the next of its processes.
      const instance = round % instances;
      for (let step = 0; step < count; step += 1) {
        const position = (round + step) % count;
        const index = round % 2 === 0 ? position : count - 1 - position;
        const { server, sessions, amount } = processes[index]![instance]!;
        const contender = group.contenders[index]!;
        server.resume();
        await sleep(100);
        const before = await server.stats();
        const result = await runLoad(`${server.url}${pathOf(contender)}`, {
          amount,
          connections,
          ...(sessions ? { cookies: sessions } : {}),
        });
        const after = await server.stats();
        server.pause();
        const counted = after.authenticated - before.authenticated;
        const ok = result.notOk === 0 && result.ok === amount && counted === result.ok;
        if (!ok || round === 0) {
          checks.push(
            check(
              `${group.framework}: ${contender.label} — every request authenticated (round ${round + 1})`,
              ok,
              `${result.ok} 2xx of ${amount} sent, ${result.notOk} other/errors, handler counted ${counted}`,
            ),
          );
        }
        runs[index]!.push({
          busy: (after.cpuMicros - before.cpuMicros) / (result.seconds * 1e6),
          requestsPerSecond: result.requestsPerSecond,
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.ok),
        });
        log(
          `  round ${round + 1}: ${contender.label} (process ${instance + 1}): ${fmt(result.requestsPerSecond)} req/s, p50 ${fmt(result.p50Ms)} ms`,
        );
      }
    }

    const bare = runs[0]!;
    const rows = [
      [
        'server',
        'req/s',
        '× bare (min–max)',
        'p50 ms',
        'p99 ms',
        'CPU µs/req',
        'added CPU µs/req',
        '× bare by CPU/req',
        'server busy',
      ],
    ];
    for (const [index, contender] of group.contenders.entries()) {
      const own = runs[index]!;
      const ratios = own.map((run, round) => run.requestsPerSecond / bare[round]!.requestsPerSecond);
      const cpu = median(own.map((run) => run.cpuMicrosPerRequest));
      const bareCpu = median(bare.map((run) => run.cpuMicrosPerRequest));
      rows.push([
        contender.label,
        fmt(median(own.map((run) => run.requestsPerSecond))),
        index === 0
          ? '1.00×'
          : `${ratio(median(ratios))} (${ratio(Math.min(...ratios))}–${ratio(Math.max(...ratios))})`,
        fmt(median(own.map((run) => run.p50Ms))),
        fmt(median(own.map((run) => run.p99Ms))),
        fmt(cpu),
        index === 0 ? '–' : fmt(cpu - bareCpu),
        index === 0 ? '1.00×' : ratio(bareCpu / cpu),
        `${Math.round(100 * median(own.map((run) => run.busy)))}%`,
      ]);
    }
    for (const todo of group.todo ?? []) rows.push([todo, ...Array<string>(8).fill('–')]);
    return { caption: group.framework, rows };
  } finally {
    for (const { server } of processes.flat()) await server.stop();
  }
};

export const authenticatedRequest: Scenario = async (settings) => {
  settings.log('Scenario 1: authenticated request — building the servers and the SvelteKit app');
  await buildServers();
  buildSveltekit();
  // BENCH_GROUPS=Hono,Koa measures some frameworks only (for a quick look; RESULTS.md wants them all).
  const only = process.env.BENCH_GROUPS?.split(',');
  const measuredGroups = groups.filter(({ framework }) =>
    only ? only.includes(framework) : !(settings.smoke && slowToBuild.has(framework)),
  );
  if (measuredGroups.some(({ framework }) => framework === 'Next')) buildNext();
  const provider = await startProvider();
  const checks: Check[] = [];
  const tables: Table[] = [];
  // Servers on CPU 0, the load generator (this process) on CPU 1; every thread of a server shares its core.
  const pinned = pinToCpus(process.pid, '1');
  try {
    // BENCH_ROWS='(cookie)|sessions)' keeps the bare route and the rows whose label contains one of these.
    const rows = process.env.BENCH_ROWS?.split('|');
    for (const group of measuredGroups) {
      settings.log(`Scenario 1: ${group.framework}`);
      const contenders = group.contenders.filter(
        ({ label }, index) => !rows || index === 0 || rows.some((row) => label.includes(row)),
      );
      tables.push(await measureGroup({ ...group, contenders }, String(provider.info.url), settings, checks));
    }
  } finally {
    if (pinned) pinToCpus(process.pid, `0-${Math.max(1, availableParallelism() - 1)}`);
    await provider.stop();
  }
  return {
    title: '1. Authenticated request, valid session',
    intro:
      'GET /me answering the signed-in user’s `sub` (the bare routes answer a constant). Each server its own ' +
      'process; 16 connections from autocannon in the runner process; each contender runs as 3 processes (two ' +
      'processes of one server differ by up to a tenth, by where their memory lies), each warmed up; then 6 ' +
      'interleaved rounds of ~3 s, each on the next process of every contender, in an order rotated and ' +
      'reversed from round to round, the processes not being measured paused (SIGSTOP); medians over rounds; “× bare” is req/s over the bare route’s in the same round. CPU µs/req ' +
      'is process.cpuUsage() of the server process (all its threads) over the requests it served. ' +
      'Sessions: one real sign-in each through the server, replayed; the “2,000 sessions” rows copy that ' +
      'session 2,000 times as distinct users’ (their own `sub` and `sid`, and other tokens of the same lengths: ' +
      'two users’ tokens differ all along; re-sealed cookies, or new store entries) ' +
      'and rotate over them, so every request misses the 1,000-entry decrypt cache and the parsed-session ' +
      'memo (a busy server with many users). ' +
      'The bare route gets the same requests as ours, Cookie header included (a browser sends its cookies to ' +
      'every route of the app), so its ratio is what the adapter costs; the “no Cookie header sent” row shows ' +
      'what the ~1.7 KB header itself costs the server and the load generator. The “floor” row is the shape ' +
      'of any session middleware with no auth in it (reads the Cookie header, sets two context variables, ' +
      'awaits an async handler that awaits twice): what the framework charges before the adapter does its work.',
    tables,
    notes: [],
    checks,
  };
};
