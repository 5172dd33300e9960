/**
 * A cross-check of scenario 1 with another load generator: `pnpm --dir bench wrk:check`. The bare,
 * floor and our cookie-session servers of Hono and Koa (`GET /me`), and the Hono and Koa examples'
 * signed-in `/protected` beside the same page without auth (issue 17 measured those with wrk), get the
 * same requests (our session's Cookie header) from `wrk` (C, one thread, 16 connections) instead of
 * autocannon, servers pinned to CPU 0 and wrk to CPU 1, 4 interleaved rounds of 4 s; prints req/s
 * medians and the median ratio to the group's first server.
 * wrk needs far less CPU per request than autocannon, so the ratios show how much of scenario 1's gap
 * depends on the load generator. Needs Debian's `wrk` (`apt-get install -y wrk`); not part of CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { buildServers, type ServerName, serverBundle } from './lib/build.ts';
import { pinToCpus, startProvider, startServer } from './lib/servers.ts';
import { signIn } from './lib/signIn.ts';
import { fmt, median, ratio } from './lib/stats.ts';

if (spawnSync('wrk', ['--version']).error) {
  console.error('wrk is not installed: apt-get install -y wrk');
  process.exit(1);
}

/** Servers loaded side by side on `path`; the first is the baseline, the last signs in (ours). */
interface Group {
  readonly path: string;
  readonly servers: readonly ServerName[];
}
const allGroups: readonly Group[] = [
  { path: '/me', servers: ['honoBare', 'honoFloor', 'honoLogto'] },
  { path: '/me', servers: ['koaBare', 'koaFloor', 'koaLogto'] },
  { path: '/protected', servers: ['honoBarePage', 'honoPageFloor', 'honoExample'] },
  { path: '/protected', servers: ['koaBarePage', 'koaPageFloor', 'koaExample'] },
];
/** `WRK_PATHS=/protected`: only the groups of these paths (default both). */
const groups = (process.env.WRK_PATHS ?? '/me,/protected')
  .split(',')
  .flatMap((path) => allGroups.filter((group) => group.path === path));
if (groups.length === 0) {
  console.error(
    `WRK_PATHS names no group's path: ${[...new Set(allGroups.map((group) => group.path))].join(', ')}`,
  );
  process.exit(1);
}
const rounds = 4;

await buildServers();
const provider = await startProvider();
const pinned = pinToCpus(process.pid, '1');
try {
  for (const { path, servers: names } of groups) {
    const servers = [];
    for (const name of names) {
      servers.push(
        await startServer(name, serverBundle(name), {
          env: { LOGTO_ENDPOINT: String(provider.info.url) },
          cpu: 0,
        }),
      );
    }
    try {
      const cookie = await signIn(servers.at(-1)!.url, '/sign-in');
      const load = (url: string, seconds: number): number => {
        const output = execFileSync(
          'taskset',
          ['-c', '1', 'wrk', '-t1', '-c16', `-d${seconds}s`, '-H', `cookie: ${cookie}`, `${url}${path}`],
          { encoding: 'utf8' },
        );
        // Every answer must be a 2xx: wrk reports the others.
        if (/Non-2xx or 3xx responses/.test(output)) throw new Error(`${url}: not every request succeeded`);
        return Number(/Requests\/sec:\s+([\d.]+)/.exec(output)![1]);
      };
      for (const server of servers) load(server.url, 2);
      const rates: number[][] = names.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (const [index, server] of servers.entries()) rates[index]!.push(load(server.url, 4));
      }
      console.log(`GET ${path}`);
      for (const [index, name] of names.entries()) {
        const ratios = rates[index]!.map((rate, round) => rate / rates[0]![round]!);
        console.log(
          `${name.padEnd(13)} ${fmt(median(rates[index]!)).padStart(8)} req/s  ${ratio(median(ratios))} ${names[0]}`,
        );
      }
    } finally {
      for (const server of servers) await server.stop();
    }
  }
} finally {
  if (pinned) pinToCpus(process.pid, '0-1');
  await provider.stop();
}
