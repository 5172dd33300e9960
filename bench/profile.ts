/**
 * Where an authenticated request's time goes: `pnpm --dir bench profile [server] [seconds] [baseline]` loads GET
 * /me on the server (default honoLogto; BENCH_SESSIONS=memory for store mode) and on its bare
 * framework (or `baseline`, e.g. koaFloor), with the same Cookie header, under `--cpu-prof`, and prints µs per request by module and, for our packages, by function
 * (inclusive). Profiles are kept in `.out/profiles` (open them in Chrome DevTools).
 * BENCH_DISTINCT_SESSIONS=2000 rotates ours over that many distinct copies of the session, so every
 * request misses the per-session caches (scenario 1's "2,000 sessions" rows); the bare server gets one.
 */
import { buildServers, type ServerName, serverNames } from './lib/build.ts';
import { profileServer } from './lib/profile.ts';
import { startProvider } from './lib/servers.ts';
import { fmt, textTable } from './lib/stats.ts';
import { sessionSecret } from './servers/config.ts';

const target = (process.argv[2] ?? 'honoLogto') as ServerName;
const seconds = Number(process.argv[3] ?? 10);
if (!serverNames.includes(target)) {
  throw new Error(`unknown server ${target}; one of ${serverNames.join(', ')}`);
}
const bare = (process.argv[4] ?? target.replace(/(Logto|OidcAuth)$/, 'Bare')) as ServerName;
const distinct = Number(process.env.BENCH_DISTINCT_SESSIONS ?? 0) || undefined;
const signInPath = { honoOidcAuth: '/me', expressLogto: '/logto/sign-in' }[target as string] ?? '/sign-in';

await buildServers();
const provider = await startProvider();
try {
  const endpoint = String(provider.info.url);
  const env = {
    LOGTO_ENDPOINT: endpoint,
    OIDC_AUTH_SECRET: sessionSecret,
    OIDC_ISSUER: `${endpoint}/oidc`,
    OIDC_CLIENT_ID: 'demo-app',
    OIDC_CLIENT_SECRET: 'demo-app-secret',
    OIDC_SCOPES: 'openid profile email offline_access',
  };
  // Ours first, so the bare server gets the same Cookie header (the same request bytes).
  let cookie: string | undefined;
  for (const [name, path] of [
    [target, signInPath],
    [bare, undefined],
  ] as const) {
    const summary = await profileServer(name, {
      env,
      seconds,
      tag: name,
      ...(path ? { signInPath: path, distinctSessions: distinct } : cookie ? { cookie } : {}),
    });
    cookie ??= summary.cookie;
    console.log(
      `\n${name}: ${fmt(summary.requestsPerSecond)} req/s, ${fmt(summary.busy)} busy µs/request (${summary.file})`,
    );
    const rows = (breakdown: [string, number][]) =>
      breakdown.slice(0, 25).map(([label, micros]) => [label, fmt(micros, 2)]);
    console.log(textTable([['self time by module', 'µs/req'], ...rows(summary.byModule)]));
    if (summary.ours.length) {
      console.log(`\n${textTable([['our functions, inclusive', 'µs/req'], ...rows(summary.ours)])}`);
    }
  }
} finally {
  await provider.stop();
}
