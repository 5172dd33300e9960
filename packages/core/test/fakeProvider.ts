/**
 * An in-memory OpenID provider behind the Http port, for property tests: it answers discovery and the
 * refresh grant as a strict Logto would (rotation, reuse detection revoking the grant), plays a
 * scripted answer per grant (success, rotation, invalid_grant, 5xx, timeout, slow), and records every
 * violation of the single-flight rules it can observe.
 */
import type { ClockShape } from '../src/ports/Clock.ts';

export type GrantAnswer =
  | { readonly kind: 'success'; readonly expiresIn: number }
  | { readonly kind: 'rotate'; readonly expiresIn: number }
  | { readonly kind: 'invalidGrant' }
  | { readonly kind: 'serverError' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'slow'; readonly expiresIn: number };

export const issuer = 'https://fake.example/oidc';

const base64Url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** An unsigned-looking but decodable ID token: the session is seeded directly, never verified here. */
export const fakeIdToken = (sub: string, exp: number) =>
  `${base64Url({ alg: 'ES256', kid: 'k' })}.${base64Url({ iss: issuer, sub, aud: 'app', exp, iat: exp - 3600 })}.sig`;

export class FakeProvider {
  readonly valid = new Set<string>(['rt-0']);
  readonly consumed = new Set<string>();
  readonly inFlight = new Set<string>();
  readonly violations: string[] = [];
  grants = 0;
  #rotations = 0;
  #answers: GrantAnswer[];

  constructor(
    readonly clock: ClockShape,
    answers: readonly GrantAnswer[],
  ) {
    this.#answers = [...answers];
  }

  /** The token string carries its key and expiry so a test can check what it was handed. */
  static parseAccessToken(token: string) {
    const [, key, expiresAt] = token.split('|');
    return { key: key ?? '', expiresAt: Number(expiresAt) };
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.pathname === '/oidc/.well-known/openid-configuration') {
      return Response.json({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/me`,
        revocation_endpoint: `${issuer}/token/revocation`,
        end_session_endpoint: `${issuer}/session/end`,
      });
    }
    if (url.pathname === '/oidc/token')
      return this.#token(new URLSearchParams(await request.text()), init?.signal);
    return new Response('not found', { status: 404 });
  };

  async #token(body: URLSearchParams, signal: AbortSignal | null | undefined): Promise<Response> {
    const refreshToken = body.get('refresh_token') ?? '';
    if (this.inFlight.has(refreshToken)) this.violations.push(`concurrent grants with ${refreshToken}`);
    if (this.consumed.has(refreshToken)) {
      this.violations.push(`used refresh token ${refreshToken} presented again`);
      this.valid.clear();
      return Response.json(
        { error: 'invalid_grant', error_description: 'refresh token already used' },
        { status: 400 },
      );
    }
    const answer = this.#answers.shift() ?? { kind: 'success', expiresIn: 3600 };
    if (answer.kind === 'timeout') {
      // The request never reaches the provider: nothing changes, the client gives up.
      return new Promise((_, reject) =>
        signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    if (!this.valid.has(refreshToken)) {
      return Response.json({ error: 'invalid_grant', error_description: 'grant not found' }, { status: 400 });
    }
    this.grants++;
    this.inFlight.add(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, answer.kind === 'slow' ? 5 : 0));
    this.inFlight.delete(refreshToken);
    // A loaded machine can run this timer later than the client's timeout: the client gave up, so this
    // fake drops the request unanswered (nothing rotates), as for `timeout`. Whether a real provider
    // processed such a request is unknowable to the client; that case is not what the properties test.
    if (signal?.aborted) throw new Error('aborted');
    if (answer.kind === 'serverError') return new Response('unavailable', { status: 503 });
    if (answer.kind === 'invalidGrant') {
      this.valid.clear();
      return Response.json({ error: 'invalid_grant', error_description: 'grant revoked' }, { status: 400 });
    }
    const key = `${body.get('resource') ?? ''}#${body.get('organization_id') ?? ''}`;
    const tokens: Record<string, unknown> = {
      access_token: `at|${key}|${this.clock.now() + answer.expiresIn * 1000}|${this.grants}`,
      token_type: 'Bearer',
      expires_in: answer.expiresIn,
      scope: '',
    };
    if (answer.kind === 'rotate') {
      const next = `rt-${++this.#rotations}`;
      this.valid.delete(refreshToken);
      this.consumed.add(refreshToken);
      this.valid.add(next);
      tokens.refresh_token = next;
    }
    return Response.json(tokens);
  }
}
