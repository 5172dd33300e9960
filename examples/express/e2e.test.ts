import { jwtPayload } from '@logto-machine/dev-provider/testing';
import {
  type ExampleEnv,
  freePort,
  type RunningProcess,
  runExampleContract,
  startExample,
} from '@logto-machine/example-contract';
import { afterAll, expect, it } from 'vitest';

const resource = 'https://api.example.com';
/** Whether the example keeps sessions in Redis, as it does when `REDIS_URL` is set (CI sets it). */
const storeMode = Boolean(process.env.REDIS_URL);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment the suite started the example with, for a second instance of it. */
let exampleEnv: ExampleEnv | undefined;
let second: RunningProcess | undefined;
afterAll(() => second?.stop());

// Starts `pnpm --dir examples/express start` against a dev provider and drives it like a browser.
runExampleContract({
  name: 'express',
  start: (env) => {
    exampleEnv = env;
    return startExample('examples/express', env);
  },
  moreTests: (example) => {
    it.skipIf(!storeMode)(
      `refreshes once for 20 concurrent requests spread over two instances on one Redis${storeMode ? '' : ' (skipped: needs store mode, set REDIS_URL)'}`,
      async () => {
        // A second process of the example behind the same public origin (BASE_URL), as behind a load
        // balancer: same Redis, same session secret, its own lock connection, ledger and caches.
        const port = await freePort();
        second = await startExample('examples/express', { ...exampleEnv!, PORT: String(port) });
        const origins = [example.baseUrl, `http://127.0.0.1:${port}`];
        const { browser } = await example.signIn();
        const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
        const token = (origin: string) =>
          fetch(`${origin}/api/token?resource=${encodeURIComponent(resource)}`, { headers: { cookie } });

        // Signed in on the first, the session is on the second too.
        expect((await token(origins[1]!)).status).toBe(200);
        // Access tokens live 2 s: the one in the session is expired then.
        await sleep(2_100);
        const before = example.provider.stats.refreshGrants.length;
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, index) => token(origins[index % 2]!)),
        );
        const bodies = await Promise.all(responses.map((response) => response.json()));
        expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
        expect(example.provider.stats.refreshGrants.slice(before)).toHaveLength(1);
        expect(example.provider.stats.refreshGrants.at(-1)!.status).toBe(200);
        for (const { accessToken } of bodies) expect(jwtPayload(accessToken).aud).toBe(resource);
        expect(new Set(bodies.map(({ accessToken }) => accessToken)).size).toBe(1);

        // Both hold the rotated refresh token: the next refresh works from the other one.
        await sleep(2_100);
        expect((await token(origins[1]!)).status).toBe(200);
        const grants = example.provider.stats.refreshGrants.slice(before);
        expect(grants.map(({ status }) => status)).toEqual([200, 200]);
        expect(grants[1]!.token).not.toBe(grants[0]!.token);
      },
    );
  },
});
