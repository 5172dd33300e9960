import type { AddressInfo } from 'node:net';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { createTestSigningKey, type TestSigningKey } from '@logto-machine/dev-provider/testing';
import express, { type RequestHandler } from 'express';
import { createStorage } from 'unstorage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogtoServerConfig, logto } from './index.ts';

const secret = 'a-test-session-secret-of-32-chars-or-more';

/** The provider signs with this key (its `keysFile`), so the test can sign its logout tokens. */
let signingKey: TestSigningKey;
let op: DevProvider;
let appUrl: string;
let close: () => void;

const logoutToken = (claims: Record<string, unknown> = {}) =>
  signingKey.logoutToken(op.issuer, 'demo-app', { sub: 'user_nobody', ...claims });

beforeAll(async () => {
  signingKey = await createTestSigningKey();
  op = await startDevProvider({ keysFile: signingKey.keysFile, logErrors: false });

  const app = express();
  // A body parser before logto(), when the test asks for one: Express's own, as apps mount them.
  const parsers: Record<string, RequestHandler> = {
    urlencoded: express.urlencoded({ extended: false }),
    text: express.text({ type: '*/*' }),
    raw: express.raw({ type: '*/*' }),
  };
  app.use((request, response, next) => {
    const parser = parsers[request.get('x-test-parser') ?? ''];
    if (parser) parser(request, response, next);
    else next();
  });
  const config = {
    endpoint: op.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    session: { store: createStorage(), secrets: [secret] },
  } as unknown as LogtoServerConfig;
  app.use(logto(config));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});

afterAll(async () => {
  close?.();
  await op?.stop();
  await signingKey?.remove();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${appUrl}/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

describe('the back-channel logout route on Express (raw body, no body parser)', () => {
  it('reads the token from the raw body and answers 200, no-store, empty', async () => {
    const response = await post(`logout_token=${await logoutToken()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
  });

  it('answers a broken token with 400 invalid_request', async () => {
    const response = await post(`logout_token=${await logoutToken({ nonce: 'n' })}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/nonce/),
    });
  });

  it('refuses a body over 16 KB with 400, and still answers on the connection', async () => {
    const response = await post(`logout_token=${'a'.repeat(20 * 1024)}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error_description).toMatch(/16384 bytes/);
  });

  it('reads at most 16 KiB of a 64 MiB body, and keeps serving', async () => {
    const chunk = 64 * 1024;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk;
        controller.enqueue(new Uint8Array(chunk).fill(0x61));
      },
    });
    const before = process.memoryUsage().rss;
    const answer = await fetch(`${appUrl}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit).then(
      (response) => response.status,
      () => 'closed',
    );
    // Refused with 400, or the connection closed under the upload: either way far from all of it.
    expect([400, 'closed']).toContain(answer);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
    expect((await post(`logout_token=${await logoutToken()}`)).status).toBe(200);
  });

  it('uses the text, the bytes, or the parsed logout_token, of a body parser that read the body first', async () => {
    for (const parser of ['urlencoded', 'text', 'raw']) {
      const response = await post(`logout_token=${await logoutToken()}`, { 'x-test-parser': parser });
      expect(response.status).toBe(200);
    }
    const broken = await post(`logout_token=${await logoutToken({ nonce: 'n' })}`, {
      'x-test-parser': 'urlencoded',
    });
    expect((await broken.json()).error_description).toMatch(/nonce/);
  });

  it('answers GET with 405', async () => {
    const response = await fetch(`${appUrl}/backchannel-logout`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});
