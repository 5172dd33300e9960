import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import {
  createTestSigningKey,
  endlessChunkBytes,
  endlessPost,
  type TestSigningKey,
} from '@logto-machine/dev-provider/testing';
import { createStorage } from 'unstorage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFor } from '../test/requestEvent.ts';
import { handleLogto, type LogtoServerConfig } from './index.ts';

const secret = 'a-test-session-secret-of-32-chars-or-more';
const origin = 'http://127.0.0.1:3000';

let signingKey: TestSigningKey;
let op: DevProvider;

beforeAll(async () => {
  signingKey = await createTestSigningKey();
  op = await startDevProvider({ keysFile: signingKey.keysFile, logErrors: false });
});
afterAll(async () => {
  await op?.stop();
  await signingKey?.remove();
});

/** The hook alone: the back-channel route never reaches `resolve`. */
const appWith = (session: unknown) => {
  const config = { endpoint: op.url, appId: 'demo-app', appSecret: 'demo-app-secret', session };
  const handle = handleLogto(config as LogtoServerConfig);
  return (request: Request) =>
    handle({
      event: eventFor(request),
      resolve: () => {
        throw new Error('the back-channel route is answered by the hook');
      },
    });
};

const post = (app: (request: Request) => Promise<Response> | Response, body: string) =>
  app(
    new Request(`${origin}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }),
  );

const form = async (claims: Record<string, unknown> = {}) =>
  new URLSearchParams({
    logout_token: await signingKey.logoutToken(op.issuer, 'demo-app', { sub: 'user_nobody', ...claims }),
  }).toString();

describe('the back-channel logout route on SvelteKit', () => {
  it('answers a valid token in store mode with 200, no-store and no body', async () => {
    const response = await post(appWith({ store: createStorage(), secrets: [secret] }), await form());
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBeNull();
    expect(await response.text()).toBe('');
  });

  it('answers a broken token with 400 invalid_request, no-store', async () => {
    const app = appWith({ store: createStorage(), secrets: [secret] });
    const response = await post(app, await form({ jti: undefined }));
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/jti/),
    });
  });

  it('reads at most 16 KiB of an endless body, then answers 400', async () => {
    const { request, pulled } = endlessPost(`${origin}/backchannel-logout`);
    const response = await appWith({ store: createStorage(), secrets: [secret] })(request);
    expect(response.status).toBe(400);
    expect((await response.json()).error_description).toMatch(/16384 bytes/);
    expect(pulled.bytes).toBeLessThanOrEqual(4 * endlessChunkBytes);
  });

  it('answers 501 in cookie mode', async () => {
    const response = await post(appWith({ secrets: [secret] }), await form());
    expect(response.status).toBe(501);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
