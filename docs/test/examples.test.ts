/**
 * The docs' own examples (`docs/examples/`) compile, and do what the pages say: the two workers sign
 * in and out against the dev provider, the machine signs in when stepped by hand, and the inspected
 * actor reports every step.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { LogtoServer } from '@logto-machine/core';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { Browser, CookieJar, completeSignIn, locationOf } from '@logto-machine/dev-provider/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import clientWorker from '../examples/clientWorker.ts';
import { fakeTokens, fakeTransaction, inspectedSession } from '../examples/inspect.ts';
import { config as loggingConfig } from '../examples/logging.ts';
import { signInByHand } from '../examples/machine.ts';
import serverWorker from '../examples/serverWorker.ts';
import { docsDir } from '../scripts/paths.ts';

/** Runs the docs' TypeScript on a project in a child process; its output and exit code. */
const tsc = async (...args: string[]) => {
  const child = spawn(join(docsDir, 'node_modules/.bin/tsc'), [...args, '--noEmit'], { cwd: docsDir });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const [code] = await once(child, 'close');
  return { output, code };
};

// The compiler runs in a child process the test awaits (not spawnSync): with the walkthroughs'
// frameworks it takes a minute or more, and a blocked worker cannot answer vitest's runner.
it('the examples, walkthroughs and scripts of the docs type-check', async () => {
  expect(await tsc('-p', 'tsconfig.json')).toEqual({ output: '', code: 0 });
}, 300_000);

// The Next walkthrough is a Next project (JSX, `moduleResolution: "Bundler"`, no src/): it compiles
// with its own tsconfig, the one the page shows, against the docs' packages. In the workspace those
// resolve to their sources, whose imports end in `.ts`; no tsbuildinfo is left beside the page.
it('the Next walkthrough type-checks with its own tsconfig', async () => {
  const flags = ['--incremental', 'false', '--allowImportingTsExtensions'];
  expect(await tsc('-p', 'walkthroughs/next/tsconfig.json', ...flags)).toEqual({
    output: '',
    code: 0,
  });
}, 300_000);

describe('the workers of "custom runtimes" against the dev provider', () => {
  let provider: DevProvider;
  beforeAll(async () => {
    provider = await startDevProvider();
  });
  afterAll(() => provider?.stop());

  for (const [name, worker] of [
    ['LogtoServer worker', serverWorker],
    ['LogtoClient worker', clientWorker],
  ] as const) {
    it(`${name}: signs in, shows the claims, signs out`, async () => {
      const baseUrl = 'http://127.0.0.1:4599';
      const env = {
        LOGTO_ENDPOINT: provider.url,
        LOGTO_APP_ID: 'demo-app',
        LOGTO_APP_SECRET: 'demo-app-secret',
        BASE_URL: baseUrl,
        SESSION_SECRET: 'a-session-secret-for-the-docs-examples-test',
      };
      const browser = new Browser(baseUrl, (request) => worker.fetch(request, env));
      expect(await (await browser.get('/')).text()).toContain('Not authenticated');

      const signIn = await browser.get('/sign-in');
      expect(signIn.status).toBe(302);
      const jar = new CookieJar();
      const callbackUrl = await completeSignIn(locationOf(signIn, baseUrl).href, {
        username: 'demo',
        password: 'demo-password',
        cookieJar: jar,
      });
      const callback = await browser.get(callbackUrl);
      expect(callback.status).toBe(302);
      expect(locationOf(callback, baseUrl).pathname).toBe('/');

      expect(await (await browser.get('/')).text()).toContain('"sub":"user_demo"');

      const signOut = await browser.get('/sign-out');
      expect(signOut.status).toBe(302);
      expect(locationOf(signOut, baseUrl).href).toContain(`${provider.issuer}/session/end`);
      expect(await (await browser.get('/')).text()).toContain('Not authenticated');
    });
  }

  it('a replayed callback is a 400 page, not a 500', async () => {
    const baseUrl = 'http://127.0.0.1:4599';
    const env = {
      LOGTO_ENDPOINT: provider.url,
      LOGTO_APP_ID: 'demo-app',
      LOGTO_APP_SECRET: 'demo-app-secret',
      BASE_URL: baseUrl,
      SESSION_SECRET: 'a-session-secret-for-the-docs-examples-test',
    };
    const browser = new Browser(baseUrl, (request) => clientWorker.fetch(request, env));
    const response = await browser.get('/callback?state=forged&code=forged');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Error: ');
  });
});

describe('the logging example', () => {
  let provider: DevProvider;
  beforeAll(async () => {
    provider = await startDevProvider();
  });
  afterAll(() => provider?.stop());

  it('takes pino’s logger as it is: a stale callback link writes one line with its tag, reason and status', async () => {
    const lines: string[] = [];
    const server = new LogtoServer({
      ...loggingConfig,
      endpoint: provider.url,
      baseUrl: 'http://127.0.0.1:4599',
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    });
    const request = server.open({
      url: 'http://127.0.0.1:4599/callback?code=c&state=s',
      method: 'GET',
      cookie: null,
    });
    expect((await request.route())?.status).toBe(400);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 40,
      event: 'logto.failure',
      path: '/callback',
      status: 400,
      error: 'CallbackError',
      reason: 'UnknownState',
      msg: expect.stringMatching(
        /^\[logto-machine\] \/callback answered 400: CallbackError \(UnknownState\)/,
      ),
    });
  });
});

describe('the machine examples', () => {
  it('signs in by stepping the pure machine', async () => {
    const now = Date.now();
    const transaction = fakeTransaction(now);
    const received = fakeTokens(now);
    const inputs: unknown[] = [];
    const snapshot = await signInByHand(transaction, 'code-1', async (input) => {
      inputs.push(input);
      return received;
    });
    expect(inputs).toEqual([{ code: 'code-1', transaction }]);
    expect(snapshot.hasTag('authenticated')).toBe(true);
    expect(snapshot.context.tokens?.refreshToken).toBe(received.refreshToken);
  });

  it('reports every event and snapshot of a live session to the inspector', async () => {
    const events: InspectionEvent[] = [];
    const now = Date.now();
    const transaction = fakeTransaction(now);
    const session = inspectedSession(
      {
        exchangeCode: async () => fakeTokens(now),
        refreshTokens: async () => fakeTokens(now + 1),
        revokeToken: async () => {},
      },
      (event) => events.push(event),
    );
    session.send({ type: 'app.signInRequested', transaction, now });
    session.send({ type: 'app.callbackReceived', transaction, code: 'code-1', now });
    await expect.poll(() => session.getSnapshot().hasTag('authenticated')).toBe(true);
    session.send({ type: 'app.refreshRequested', target: { resource: 'https://api.example.com' }, now });
    await expect.poll(() => session.getSnapshot().matches({ authenticated: 'idle' })).toBe(true);
    session.send({ type: 'app.signOutRequested' });
    await expect.poll(() => session.getSnapshot().hasTag('signedOut')).toBe(true);
    session.stop();

    const sent = events.flatMap((event) => (event.type === '@xstate.event' ? [event.event.type] : []));
    expect(sent).toEqual(
      expect.arrayContaining([
        'app.signInRequested',
        'app.callbackReceived',
        'xstate.done.actor.exchangeCode',
        'app.refreshRequested',
        'xstate.done.actor.refreshTokens',
        'app.signOutRequested',
        'xstate.done.actor.revokeToken',
      ]),
    );
    expect(events.some((event) => event.type === '@xstate.snapshot')).toBe(true);
  });
});
