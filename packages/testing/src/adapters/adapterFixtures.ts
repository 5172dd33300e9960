/**
 * What the adapter contract stands on, for an adapter's own tests too: the two dev providers, the
 * app configuration, the demo user and signing in through an app.
 *
 * @module
 */

import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { type Browser, completeSignIn } from '@logto-machine/dev-provider/testing';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * The fields of `@logto-machine/core`'s `LogtoServerConfig` that the tests set; any such config is one,
 * so an adapter hands it to its factory as it is.
 */
export interface AdapterTestConfig {
  readonly endpoint: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly session: { readonly secrets: readonly string[] };
  readonly baseUrl?: string | undefined;
  readonly routes?:
    | {
        readonly signIn?: string | undefined;
        readonly signUp?: string | undefined;
        readonly callback?: string | undefined;
        readonly signOut?: string | undefined;
      }
    | undefined;
  readonly postSignOutPath?: string | undefined;
}

/** The API resource the app asks for at sign-in. */
export const demoResource = 'https://api.example.com';

/** Extra API resources, so a session holding a token for each outgrows one cookie. */
export const extraResources: readonly string[] = Array.from(
  { length: 8 },
  (_, index) => `https://api${index}.example.com`,
);

/** The seeded user every test signs in as. */
export const testUser = { username: 'demo', password: 'demo-password' } as const;

/** The providers of a test file, started once for the `describe` block that asked for them. */
export interface TestProviders {
  /** Rotates refresh tokens, knows {@link demoResource} and the {@link extraResources}. */
  readonly provider: DevProvider;
  /** Rotates refresh tokens; access tokens live 2 s (see {@link waitForTokenExpiry}). */
  readonly shortLived: DevProvider;
}

/**
 * Starts the {@link TestProviders} before the tests of the enclosing `describe` block (or file) and
 * stops them after; read them inside tests, once they run.
 *
 * @example
 * ```ts
 * const ops = useTestProviders();
 * it('signs in', async () => { const config = configFor(ops.provider); … });
 * ```
 */
export const useTestProviders = (): TestProviders => {
  let started: TestProviders | undefined;
  beforeAll(async () => {
    const [provider, shortLived] = await Promise.all([
      startDevProvider({
        rotateRefreshTokens: 'always',
        resources: [
          { indicator: demoResource, scopes: ['read:data', 'write:data'] },
          ...extraResources.map((indicator) => ({ indicator, scopes: ['read'] })),
        ],
      }),
      startDevProvider({ rotateRefreshTokens: 'always', ttl: { accessToken: 2 } }),
    ]);
    started = { provider, shortLived };
  });
  afterAll(async () => {
    await Promise.all([started?.provider.stop(), started?.shortLived.stop()]);
  });
  const get = () => {
    if (!started) throw new Error('the test providers start before the first test of their block');
    return started;
  };
  return {
    get provider() {
      return get().provider;
    },
    get shortLived() {
      return get().shortLived;
    },
  };
};

/** The demo app's configuration on `op`, with `overrides`. */
export const configFor = (
  op: DevProvider,
  overrides: Partial<AdapterTestConfig> = {},
): AdapterTestConfig => ({
  endpoint: op.url,
  appId: 'demo-app',
  appSecret: 'demo-app-secret',
  scopes: ['email', 'read:data'],
  resources: [demoResource],
  session: { secrets: ['a-test-session-secret-of-32-chars-or-more'] },
  ...overrides,
});

/** Signs {@link testUser} in through the app's sign-in route at `path`; returns the callback's response. */
export const signIn = async (browser: Browser, path = '/sign-in'): Promise<Response> => {
  const start = await browser.get(path);
  expect(start.status).toBe(302);
  const callbackUrl = await completeSignIn(start.headers.get('location')!, testUser);
  return browser.get(callbackUrl);
};

/** Waits until the access tokens of {@link TestProviders.shortLived} issued before have expired. */
export const waitForTokenExpiry = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2_100));
