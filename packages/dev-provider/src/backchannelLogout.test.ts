import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { type DevProvider, startDevProvider } from './index.js';
import { signIn } from './test/oidcClient.js';
import { CookieJar, completeSignOut } from './testing.js';

const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

interface Delivery {
  path: string;
  contentType: string | undefined;
  body: string;
}

/** A stand-in for the apps' back-channel logout routes: records each POST and answers `status`. */
let app: Server;
let appUrl: string;
let deliveries: Delivery[] = [];
let status = 200;
let op: DevProvider;

const sessionApp = { clientId: 'bc-sid', secret: 'bc-sid-secret' };
const subjectApp = { clientId: 'bc-sub', secret: 'bc-sub-secret' };

beforeAll(async () => {
  app = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(status, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  op = await startDevProvider({
    logErrors: false,
    apps: [
      {
        id: sessionApp.clientId,
        secret: sessionApp.secret,
        type: 'traditional',
        backchannelLogoutUri: `${appUrl}/sid`,
        backchannelLogoutSessionRequired: true,
      },
      {
        id: subjectApp.clientId,
        secret: subjectApp.secret,
        type: 'traditional',
        backchannelLogoutUri: `${appUrl}/sub`,
      },
      { id: 'no-bc', secret: 'no-bc-secret', type: 'traditional' },
    ],
  });
});
afterAll(async () => {
  await op.stop();
  await new Promise((resolve) => app.close(resolve));
});
beforeEach(() => {
  deliveries = [];
  status = 200;
  op.stats.reset();
});

const endSession = (clientId: string) =>
  `${op.issuer}/session/end?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: 'http://127.0.0.1:5555/' })}`;

const logoutTokenOf = (delivery: Delivery) => new URLSearchParams(delivery.body).get('logout_token') ?? '';

describe('back-channel logout', () => {
  it('advertises the feature in discovery', async () => {
    const metadata = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.backchannel_logout_session_supported).toBe(true);
  });

  it('POSTs a well-formed, signed logout token with the session id to the app on sign-out', async () => {
    const cookieJar = new CookieJar();
    const { tokens } = await signIn(op, { app: sessionApp, cookieJar });
    const idToken = decodeJwt(tokens.body.id_token ?? '');
    expect(idToken.sid).toEqual(expect.any(String));

    await completeSignOut(endSession(sessionApp.clientId), { cookieJar });

    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery?.path).toBe('/sid');
    expect(delivery?.contentType).toBe('application/x-www-form-urlencoded');
    const token = logoutTokenOf(delivery!);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES384', typ: 'logout+jwt' });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${op.issuer}/jwks`)), {
      issuer: op.issuer,
      audience: sessionApp.clientId,
      typ: 'logout+jwt',
    });
    expect(payload).toMatchObject({
      sub: 'user_demo',
      sid: idToken.sid,
      events: { [backchannelLogoutEvent]: {} },
    });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.iat).toEqual(expect.any(Number));
    expect(payload.exp).toBeGreaterThan(payload.iat!);
    expect(payload).not.toHaveProperty('nonce');
    expect(op.stats.backchannelLogouts).toEqual([
      { clientId: sessionApp.clientId, sub: 'user_demo', sid: idToken.sid, outcome: 'delivered' },
    ]);
  });

  it('sends sub only when the app does not require the session, and nothing to apps without a URI', async () => {
    const cookieJar = new CookieJar();
    const { tokens } = await signIn(op, { app: subjectApp, cookieJar });
    expect(decodeJwt(tokens.body.id_token ?? '')).not.toHaveProperty('sid');
    await signIn(op, { app: { clientId: 'no-bc', secret: 'no-bc-secret' }, cookieJar });

    await completeSignOut(endSession(subjectApp.clientId), { cookieJar });

    expect(deliveries.map(({ path }) => path)).toEqual(['/sub']);
    const payload = decodeJwt(logoutTokenOf(deliveries[0]!));
    expect(payload.sub).toBe('user_demo');
    expect(payload).not.toHaveProperty('sid');
  });

  it('records a delivery the app refuses, and still signs the user out', async () => {
    status = 400;
    const cookieJar = new CookieJar();
    await signIn(op, { app: sessionApp, cookieJar });
    await expect(completeSignOut(endSession(sessionApp.clientId), { cookieJar })).resolves.toBe(
      'http://127.0.0.1:5555/',
    );
    expect(op.stats.backchannelLogouts).toMatchObject([{ clientId: sessionApp.clientId, outcome: 'failed' }]);
  });
});
