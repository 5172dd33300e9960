/**
 * What every conformance test does: start a hostile provider, build a client with its own caches,
 * walk the authorization step, and check the outcome — the typed error and reason, and that a
 * rejection leaves no session behind.
 */
import { afterEach, expect } from 'vitest';
import {
  LogtoClient,
  type LogtoClientOptions,
  type LogtoConfig,
  MemoryStorage,
  makeMemoryLock,
  NotAuthenticated,
  ProviderCache,
  RefreshLedger,
} from '../../src/index.ts';
import { makeManualClock } from '../../src/ports/Clock.ts';
import { decodeSessionRecord, sessionKey } from '../../src/runtime/sessionRecord.ts';
import {
  type HostileProvider,
  type ProviderOptions,
  type ProviderPlan,
  startHostileProvider,
} from './hostileProvider.ts';

/** Where the provider sends the user back; nothing listens there, the test reads the URL itself. */
export const redirectUri = 'http://127.0.0.1:4999/callback';
export const resource = 'https://api.example.com';

export interface Rig {
  readonly provider: HostileProvider;
  readonly client: LogtoClient;
  readonly storage: MemoryStorage;
  readonly clock: ReturnType<typeof makeManualClock>;
  readonly cache: ProviderCache;
  /** Another client over the same storage, caches and clock (a later request of the same session). */
  readonly again: () => LogtoClient;
}

export interface RigOptions {
  readonly config?: Partial<LogtoConfig>;
  readonly client?: Partial<LogtoClientOptions>;
  readonly provider?: ProviderOptions;
  /**
   * The test context's `onTestFinished`, for `it.concurrent` tests: the provider is stopped when that
   * test ends instead of after each test of the file.
   */
  readonly onFinished?: (stop: () => Promise<void>) => void;
}

/**
 * Returns a function that starts a provider and a client for one test; every provider it started is
 * stopped after each test of the calling file.
 */
export const useRigs = () => {
  const started: HostileProvider[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((provider) => provider.stop()));
  });
  return async (plan: ProviderPlan = {}, options: RigOptions = {}): Promise<Rig> => {
    const clock = makeManualClock(Date.now());
    const provider = await startHostileProvider(plan, { clock, ...options.provider });
    if (options.onFinished) options.onFinished(() => provider.stop());
    else started.push(provider);
    const storage = new MemoryStorage();
    const cache = new ProviderCache();
    const shared = { cache, ledger: new RefreshLedger(), lock: makeMemoryLock() };
    const config: LogtoConfig = {
      endpoint: provider.endpoint,
      appId: provider.clientId,
      ...(provider.clientSecret === null ? {} : { appSecret: provider.clientSecret }),
      resources: [resource],
      ...options.config,
    };
    const again = () =>
      new LogtoClient(config, { storage, clock, timeoutMs: 2_000, ...shared, ...options.client });
    return { provider, client: again(), storage, clock, cache, again };
  };
};

/** The error `promise` rejects with; fails the test if it resolves. */
export const failure = async (promise: Promise<unknown>): Promise<Record<string, unknown>> => {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
};

/** Starts a sign-in and walks the authorization step; returns the sign-in URL and the callback URL. */
export const authorize = async (rig: Rig) => {
  const signInUrl = new URL(await rig.client.signIn({ redirectUri }));
  const callbackUrl = await rig.provider.authorize(signInUrl.href);
  return { signInUrl, callbackUrl, nonce: signInUrl.searchParams.get('nonce')! };
};

/** A complete sign-in; returns the nonce the sign-in sent. */
export const signIn = async (rig: Rig) => {
  const steps = await authorize(rig);
  await rig.client.handleSignInCallback(steps.callbackUrl);
  return steps;
};

/** A sign-in whose callback is expected to be rejected; returns the error. */
export const rejectedSignIn = async (rig: Rig) => {
  const { callbackUrl } = await authorize(rig);
  return failure(rig.client.handleSignInCallback(callbackUrl));
};

/** Asserts the error's class and reason. */
export const expectError = (
  error: unknown,
  errorClass: abstract new (...args: never[]) => unknown,
  reason?: string,
) => {
  expect(error).toBeInstanceOf(errorClass);
  if (reason !== undefined) expect((error as { reason?: unknown }).reason).toBe(reason);
};

/** Every secret the provider issued or was shown, for "was anything of it kept?" checks. */
export const providerSecrets = (provider: HostileProvider): string[] =>
  [
    ...provider.issued.accessTokens,
    ...provider.issued.refreshTokens,
    ...provider.issued.idTokens,
    ...provider.issued.codes,
    ...provider.issued.codeVerifiers,
  ].filter((secret) => secret.length >= 16);

/**
 * Asserts that no session exists: the client says signed out, hands out no token, and storage holds no
 * tokens. (Storage may keep a signed-out record carrying the last failure, for `getSessionState()`; it
 * must hold nothing the provider issued.)
 */
export const expectNoSession = async (rig: Rig) => {
  const client = rig.again();
  expect(await client.isAuthenticated()).toBe(false);
  expect(await client.getIdToken()).toBeNull();
  expect(await client.getRefreshToken()).toBeNull();
  expect(await client.getAccessToken()).toBeNull();
  await expect(client.getIdTokenClaims()).rejects.toBeInstanceOf(NotAuthenticated);
  const raw = await rig.storage.get(sessionKey);
  if (raw !== null) {
    const record = decodeSessionRecord(raw);
    expect(record?.tokens).toBeNull();
    expect(record?.state).not.toBe('authenticated');
    for (const secret of providerSecrets(rig.provider)) expect(raw).not.toContain(secret);
  }
};

/**
 * Asserts a signed-in session for the provider's user with an ID token the provider issued, carrying
 * `nonce` when given (a refreshed ID token carries none).
 */
export const expectSession = async (rig: Rig, nonce?: string) => {
  const client = rig.again();
  expect(await client.isAuthenticated()).toBe(true);
  const claims = await client.getIdTokenClaims();
  expect(claims).toMatchObject({ iss: rig.provider.issuer, sub: rig.provider.subject });
  if (nonce !== undefined) expect(claims.nonce).toBe(nonce);
  expect([claims.aud].flat()).toContain(rig.provider.clientId);
  const idToken = await client.getIdToken();
  expect(rig.provider.issued.idTokens.has(idToken!)).toBe(true);
  return claims;
};
