/**
 * Scenario 3: complete sign-ins per second against the dev provider, through our Hono adapter and,
 * beside it, through the peers. C virtual users in the runner each loop over a fresh browser: the
 * app's sign-in route, the provider's pages, the callback, then GET /me must answer the user. Each app
 * and each provider is its own process (one provider per app, so its counters are that app's alone);
 * all are started first, warmed up, then measured in interleaved rounds (A B C A B C). Our server must
 * fetch discovery and the JWKS once in its whole life.
 */
import { buildServers, type ServerName, serverBundle } from '../lib/build.ts';
import { type Check, check, type Scenario } from '../lib/report.ts';
import { type ServerProcess, startProvider, startServer } from '../lib/servers.ts';
import { fetchWith, signIn } from '../lib/signIn.ts';
import { fmt, median, quantile, ratio } from '../lib/stats.ts';
import { sessionSecret } from '../servers/config.ts';

interface Contender {
  readonly label: string;
  readonly server: ServerName;
  readonly signInPath: string;
}

const contenders: readonly Contender[] = [
  { label: '@logto-machine/hono', server: 'honoLogto', signInPath: '/sign-in' },
  { label: '@hono/oidc-auth', server: 'honoOidcAuth', signInPath: '/me' },
  { label: '@logto/express', server: 'expressLogto', signInPath: '/logto/sign-in' },
];

interface Running {
  readonly contender: Contender;
  readonly provider: ServerProcess;
  readonly server: ServerProcess;
  completed: number;
  failures: number;
  readonly rates: number[];
  readonly durations: number[];
}

export const signInThroughput: Scenario = async ({ smoke, log }) => {
  const users = smoke ? 2 : 8;
  const seconds = smoke ? 0.5 : 5;
  const rounds = smoke ? 1 : 2;
  const warmupSeconds = smoke ? 0.5 : 3;
  await buildServers();
  const running: Running[] = [];

  /** Sign-ins through one app by `users` virtual users for `forSeconds`; the duration of each. */
  const phase = async (entry: Running, forSeconds: number) => {
    const { server, contender } = entry;
    const durations: number[] = [];
    const until = performance.now() + forSeconds * 1000;
    await Promise.all(
      Array.from({ length: users }, async () => {
        while (performance.now() < until) {
          const start = performance.now();
          try {
            const cookie = await signIn(server.url, contender.signInPath);
            const { status, body } = await fetchWith(`${server.url}/me`, cookie);
            if (status !== 200 || body !== 'user_demo') throw new Error(`/me answered ${status}`);
            durations.push(performance.now() - start);
          } catch (error) {
            entry.failures += 1;
            if (entry.failures === 1) log(`  ${contender.label}: ${String(error).slice(0, 300)}`);
          }
        }
      }),
    );
    entry.completed += durations.length;
    return durations;
  };

  try {
    for (const contender of contenders) {
      const provider = await startProvider();
      const endpoint = String(provider.info.url);
      const server = await startServer(contender.label, serverBundle(contender.server), {
        env: {
          LOGTO_ENDPOINT: endpoint,
          OIDC_AUTH_SECRET: sessionSecret,
          OIDC_ISSUER: `${endpoint}/oidc`,
          OIDC_CLIENT_ID: 'demo-app',
          OIDC_CLIENT_SECRET: 'demo-app-secret',
          OIDC_SCOPES: 'openid profile email offline_access',
        },
      });
      running.push({ contender, provider, server, completed: 0, failures: 0, rates: [], durations: [] });
    }
    for (const entry of running) {
      log(`Scenario 3: sign-in warm-up, ${entry.contender.label}`);
      await phase(entry, warmupSeconds);
    }
    for (let round = 0; round < rounds; round += 1) {
      for (const entry of running) {
        const started = performance.now();
        const durations = await phase(entry, seconds);
        entry.rates.push(durations.length / ((performance.now() - started) / 1000));
        entry.durations.push(...durations);
        log(`  round ${round + 1}: ${entry.contender.label}: ${fmt(entry.rates.at(-1)!)} sign-ins/s`);
      }
    }

    const checks: Check[] = [];
    const rows = [
      [
        'server',
        'sign-ins/s',
        '× ours',
        'p50 ms',
        'p99 ms',
        'discovery fetches',
        'JWKS fetches',
        'code grants',
        'sign-ins',
      ],
    ];
    const ours = running[0]!;
    for (const entry of running) {
      const { extra } = await entry.provider.stats();
      const discovery = extra['requests.discovery'] ?? 0;
      const jwks = extra['requests.jwks'] ?? 0;
      const grants = extra['grants.authorization_code'] ?? 0;
      const ratios = entry.rates.map((rate, round) => rate / ours.rates[round]!);
      rows.push([
        entry.contender.label,
        fmt(median(entry.rates)),
        entry === ours ? '1.00×' : ratio(median(ratios)),
        fmt(quantile(entry.durations, 0.5)),
        fmt(quantile(entry.durations, 0.99)),
        String(discovery),
        String(jwks),
        String(grants),
        `${entry.completed}${entry.failures ? ` (${entry.failures} failed)` : ''}`,
      ]);
      if (entry === ours) {
        checks.push(
          check(
            'sign-in: every sign-in completed',
            entry.failures === 0 && entry.completed > 0 && grants === entry.completed,
            `${entry.completed} sign-ins (warm-up included), ${entry.failures} failed, ${grants} authorization-code grants`,
          ),
          check(
            'sign-in: discovery and JWKS fetched once by the server process',
            discovery === 1 && jwks === 1,
            `${discovery} discovery, ${jwks} JWKS requests for ${entry.completed} sign-ins`,
          ),
        );
      }
    }
    return {
      title: '3. Sign-in throughput',
      intro:
        `${users} concurrent virtual users; ${warmupSeconds} s of warm-up each, then ${rounds} interleaved rounds of ` +
        `${seconds} s; each sign-in a fresh browser: the app’s sign-in route → the dev provider’s sign-in and ` +
        'consent pages (demo / demo-password) → the app’s callback → GET /me. Fetch and grant counts are the ' +
        'dev provider’s over the app process’s whole life (warm-up included, as is “sign-ins”). The provider ' +
        'does most of the work, so sign-ins/s mostly measures it; the fetch counts are what the SDKs control.',
      tables: [{ rows }],
      notes: [],
      checks,
    };
  } finally {
    for (const { server, provider } of running) {
      await server.stop();
      await provider.stop();
    }
  }
};
