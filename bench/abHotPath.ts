/**
 * The in-process hot path of two checkouts side by side, interleaved in one process (new client +
 * isAuthenticated + getIdTokenClaims + a cached getAccessToken, one session):
 * `npx tsx abHotPath.ts /path/to/other/checkout` from `bench/` (e.g. a `git worktree add` of the commit
 * to compare). Prints the medians of 12 rounds and their ratio; ratios only, this machine is noisy.
 */
import { fileURLToPath } from 'node:url';
import { config, raw } from './lib/hotPathSession.ts';

const other = process.argv[2];
if (!other) throw new Error('usage: npx tsx abHotPath.ts <other checkout>');
const here = fileURLToPath(new URL('..', import.meta.url));
type Core = typeof import('@logto-machine/core');
const load = (root: string): Promise<Core> => import(`${root}/packages/core/src/index.ts`);
const [before, after] = await Promise.all([load(other), load(here)]);

const requestOn = async (core: Core) => {
  const storage = new core.MemoryStorage();
  await storage.set('session', raw);
  return async () => {
    const client = new core.LogtoClient(config, { storage });
    await client.isAuthenticated();
    await client.getIdTokenClaims();
    await client.getAccessToken('https://api.example.com');
  };
};
const contenders = { before: await requestOn(before), after: await requestOn(after) };
const perRequest: Record<keyof typeof contenders, number[]> = { before: [], after: [] };
const requests = 100_000;
for (let round = 0; round < 12; round++) {
  for (const name of round % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
    const started = performance.now();
    for (let index = 0; index < requests; index++) await contenders[name]();
    perRequest[name].push(((performance.now() - started) * 1000) / requests);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
console.log(
  `µs per request, median of 12 rounds: ${other} ${median(perRequest.before).toFixed(3)}, this checkout ${median(perRequest.after).toFixed(3)}; this ÷ other ${(median(perRequest.after) / median(perRequest.before)).toFixed(2)}`,
);
