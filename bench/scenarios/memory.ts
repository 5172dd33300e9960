/**
 * Scenario 5: memory per session in store mode. Our Hono server (its own process, `--expose-gc`) in
 * store mode signs the demo user in once for real; then that session is copied to 10,000 new session
 * ids through core's own `StoreSessions` (as 10,000 sign-ins would leave them), and the growth is read
 * after a GC: the server's heap with unstorage's memory driver, Redis's used_memory with its Redis driver.
 * A sample of the new cookies must each be signed in. Beside it: `@logto/express`'s session in
 * express-session's MemoryStore, copied the same way.
 */
import { buildServers, type ServerName, serverBundle } from '../lib/build.ts';
import { type RunningRedis, startRedis } from '../lib/redis.ts';
import { type Check, check, type Scenario } from '../lib/report.ts';
import { startProvider, startServer } from '../lib/servers.ts';
import { fetchWith, signIn } from '../lib/signIn.ts';
import { fmt, ratio } from '../lib/stats.ts';

interface Setup {
  readonly label: string;
  readonly server: ServerName;
  readonly signInPath: string;
  readonly env: Record<string, string>;
  readonly redis?: boolean;
  readonly peer?: boolean;
}

const setups: readonly Setup[] = [
  {
    label: '@logto-machine/hono, store mode, unstorage memory driver',
    server: 'honoLogto',
    signInPath: '/sign-in',
    env: { BENCH_SESSIONS: 'memory' },
  },
  {
    label: '@logto-machine/hono, store mode, unstorage Redis driver',
    server: 'honoLogto',
    signInPath: '/sign-in',
    env: { BENCH_SESSIONS: 'redis' },
    redis: true,
  },
  {
    label: '@logto/express, express-session MemoryStore',
    server: 'expressLogto',
    signInPath: '/logto/sign-in',
    env: {},
    peer: true,
  },
];

export const memory: Scenario = async ({ smoke, log }) => {
  const count = smoke ? 200 : 10_000;
  await buildServers();
  const checks: Check[] = [];
  const notes: string[] = [];
  const rows = [['sessions kept in', 'server heap B/session', 'Redis B/session', 'heap × peer']];
  const provider = await startProvider();
  let peerHeap = Number.NaN;
  const ourRows: [number, string[]][] = [];
  try {
    for (const setup of setups) {
      log(`Scenario 5: ${count} sessions — ${setup.label}`);
      let redis: RunningRedis | undefined;
      if (setup.redis) {
        const started = await startRedis();
        if ('missing' in started) {
          rows.push([`${setup.label}: not measured — ${started.missing}`, '–', '–', '–']);
          continue;
        }
        redis = started;
      }
      const server = await startServer(setup.label, serverBundle(setup.server), {
        env: {
          LOGTO_ENDPOINT: String(provider.info.url),
          ...setup.env,
          ...(redis ? { REDIS_URL: redis.url } : {}),
        },
        execArgv: ['--expose-gc'],
      });
      try {
        const cookie = await signIn(server.url, setup.signInPath);
        const measure = async () => {
          await server.control('/gc');
          await server.control('/gc');
          const stats = await server.stats();
          return { heap: stats.heapUsed, redis: redis ? await redis.usedMemory() : 0 };
        };
        const before = await measure();
        const { samples } = await server.control<{ samples: string[] }>(
          `/clone-sessions?count=${count}&cookie=${encodeURIComponent(cookie)}`,
        );
        const after = await measure();
        if (!setup.peer) {
          const answers = await Promise.all(samples.map((sample) => fetchWith(`${server.url}/me`, sample)));
          const signedIn = answers.filter(
            ({ status, body }) => status === 200 && body === 'user_demo',
          ).length;
          checks.push(
            check(
              `${setup.label}: copied sessions are signed in`,
              samples.length > 0 && signedIn === samples.length,
              `${signedIn} of ${samples.length} sampled cookies (of ${count}) answered the user`,
            ),
          );
        }
        const heap = (after.heap - before.heap) / count;
        const row = [setup.label, fmt(heap), redis ? fmt((after.redis - before.redis) / count) : '–', ''];
        if (setup.peer) peerHeap = heap;
        else ourRows.push([heap, row]);
        rows.push(row);
      } finally {
        await server.stop();
        await redis?.stop();
      }
    }
  } finally {
    await provider.stop();
  }
  for (const [heap, row] of ourRows) row[3] = ratio(heap / peerHeap);
  notes.push(
    'Each copy is the same signed-in session (same user, same `sid`) under a new id, so the `by-sid`/`by-sub` ' +
      'index lists are shared (capped at 100 ids each); distinct users would add two small index entries each. ' +
      'With Redis the server process still remembers which index entries it wrote (a bounded 10,000-entry cache), ' +
      'which is the heap growth on that row.',
  );
  return {
    title: `5. Memory per session in store mode (${count.toLocaleString('en-US')} sessions)`,
    intro:
      'Growth after two forced GCs of the server process, divided by the number of sessions; Redis: ' +
      '`INFO memory` used_memory of a Redis started for the bench (no persistence).',
    tables: [{ rows }],
    notes,
    checks,
  };
};
