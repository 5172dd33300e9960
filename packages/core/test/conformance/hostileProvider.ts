/**
 * A hostile OpenID provider for conformance tests: a real HTTP server on 127.0.0.1 that behaves like
 * Logto (discovery, JWKS, authorization, token, userinfo, revocation, end session; PKCE and Basic client
 * authentication checked like a real provider) until a test's {@link ProviderPlan} tells it to lie —
 * ID-token claims and headers, the signing key, the JWKS, the token and userinfo answers, the
 * authorization response, delays and hangs. It records every request and every token it minted, so
 * tests can assert what the client sent and that nothing from a rejected answer was kept.
 *
 * Modelled on the OpenID Foundation's conformance suite, whose client tests do the same per module.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { decodeBase64Url, encodeBase64Url } from '../../src/oidc/base64url.ts';
import { type ClockShape, systemClock } from '../../src/ports/Clock.ts';

/** The provider's key pairs. `unpublished` shares `rs256`'s kid but never appears in the JWKS: a forger's key. */
export type KeyName = 'es384' | 'es256' | 'rs256' | 'rs256b' | 'rotated' | 'unpublished';

export interface ProviderKey {
  readonly name: KeyName;
  readonly alg: 'ES384' | 'ES256' | 'RS256';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public JWK with `kid`, `alg` and `use`. */
  readonly jwk: JWK;
}

const keySpecs: Record<KeyName, { alg: ProviderKey['alg']; kid: string }> = {
  es384: { alg: 'ES384', kid: 'ec-384' },
  es256: { alg: 'ES256', kid: 'ec-256' },
  rs256: { alg: 'RS256', kid: 'rsa-1' },
  rs256b: { alg: 'RS256', kid: 'rsa-2' },
  rotated: { alg: 'RS256', kid: 'rsa-rotated' },
  unpublished: { alg: 'RS256', kid: 'rsa-1' },
};

const keys = new Map<KeyName, Promise<ProviderKey>>();

/** One key pair, generated on first use and kept for the test file (RSA generation is slow). */
export const providerKey = (name: KeyName): Promise<ProviderKey> => {
  let key = keys.get(name);
  if (!key) {
    const { alg, kid } = keySpecs[name];
    key = generateKeyPair(alg).then(async ({ privateKey, publicKey }) => ({
      name,
      alg,
      kid,
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    }));
    keys.set(name, key);
  }
  return key;
};

/** The keys a provider publishes unless its plan says otherwise. */
const defaultPublished: readonly KeyName[] = ['es384', 'es256', 'rs256'];

/** `jwk` without its `kid`, as in the conformance suite's kid-absent modules. */
export const withoutKid = ({ kid: _, ...jwk }: JWK): JWK => jwk;

export type Claims = Record<string, unknown>;
export type JoseHeader = Record<string, unknown>;

/** Who signs an ID token: a provider key, HMAC with a secret (e.g. the client secret), or nobody. */
export type Signer = KeyName | { readonly hmac: string } | 'none';

/** How the provider forges one ID token. */
export interface IdTokenPlan {
  /** Rewrites the claims; a field set to `undefined` is left out. */
  readonly claims?: (claims: Claims) => Claims;
  /** Rewrites the JOSE header (after the default `alg`/`kid` of the signer are filled in). */
  readonly header?: (header: JoseHeader) => JoseHeader;
  /** The signer; default `es384` (Logto's default algorithm). */
  readonly signer?: Signer;
  /** Rewrites the finished compact JWS, e.g. {@link tamperSignature}. */
  readonly jws?: (jws: string) => string;
}

/** How the provider answers one endpoint. */
export interface ResponsePlan {
  readonly status?: number;
  readonly contentType?: string;
  /** Rewrites the JSON body the provider would send. */
  readonly body?: (body: Record<string, unknown>) => unknown;
  /** Sends this text instead of any JSON. */
  readonly raw?: string;
  /** Waits this long before answering (a 30 000 ms hang is a provider that never answers). */
  readonly delayMs?: number;
  /** Drops the connection without answering. */
  readonly destroy?: boolean;
}

/** The authorization response (the callback URL the provider redirects to). */
export interface AuthorizationPlan {
  /** `iss` parameter: the issuer by default, `null` to leave it out, or another value. */
  readonly iss?: string | null;
  /** `state` parameter: echoed by default, `null` to leave it out, or another value. */
  readonly state?: string | null;
  /** `code` parameter: a fresh code by default, `null` to leave it out. */
  readonly code?: string | null;
  /** More parameters (e.g. `error`). */
  readonly params?: Readonly<Record<string, string>>;
}

/** The redirect of RP-initiated logout (the user agent sent back to `post_logout_redirect_uri`). */
export interface EndSessionPlan {
  /** `state` parameter: echoed (when the client sent one) by default, `null` to leave it out, or another value. */
  readonly state?: string | null;
}

/** Everything a test can make the provider do; every field optional (a well-behaved Logto). */
export interface ProviderPlan {
  readonly discovery?: ResponsePlan;
  readonly jwks?: ResponsePlan & {
    /** The published keys (default es384, es256, rs256); JWKs for full control, e.g. without kids. */
    readonly keys?: readonly (KeyName | JWK)[];
  };
  readonly authorization?: AuthorizationPlan;
  /** The end-session endpoint's redirect back to `post_logout_redirect_uri`. */
  readonly endSession?: EndSessionPlan;
  /** The ID token of the authorization-code grant. */
  readonly idToken?: IdTokenPlan;
  /** The ID token of refresh grants; `'omit'` sends none. */
  readonly refreshIdToken?: IdTokenPlan | 'omit';
  /** The authorization-code grant's answer. */
  readonly token?: ResponsePlan;
  /** Refresh grants' answer. */
  readonly refresh?: ResponsePlan;
  /** Userinfo's answer; `claims` rewrites the claims. */
  readonly userinfo?: ResponsePlan & { readonly claims?: (claims: Claims) => Claims };
  readonly revocation?: ResponsePlan;
  /** Rotate refresh tokens on every refresh grant (Logto does not for confidential clients). */
  readonly rotateRefreshTokens?: boolean;
}

export type Endpoint =
  | 'discovery'
  | 'jwks'
  | 'authorization'
  | 'token'
  | 'userinfo'
  | 'revocation'
  | 'endSession'
  | 'unknown';

/** One request the provider received. */
export interface RecordedRequest {
  readonly endpoint: Endpoint;
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Everything secret the provider handed out or was shown: tokens, codes, verifiers, the client secret. */
export interface Issued {
  readonly accessTokens: Set<string>;
  readonly refreshTokens: Set<string>;
  readonly idTokens: Set<string>;
  readonly codes: Set<string>;
  readonly codeVerifiers: Set<string>;
}

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce: string | null;
  readonly scope: string;
  readonly sid: string | null;
}

interface Grant {
  readonly sub: string;
  readonly scope: string;
  readonly nonce: string | null;
  readonly authTime: number;
  /** The provider session the grant belongs to (the ID tokens' `sid`), if any. */
  readonly sid: string | null;
}

/** The client secret the provider registers unless told otherwise. */
export const defaultClientSecret = 'conformance-secret-0123456789';

export interface ProviderOptions {
  readonly clientId?: string;
  /** The client secret; `null` for a public client (client_id in the body, no Basic). */
  readonly clientSecret?: string | null;
  readonly clock?: ClockShape;
  /** The user every sign-in authenticates. */
  readonly subject?: string;
}

/** Flips a bit of the signature, keeping it well-formed base64url of the same length. */
export const tamperSignature = (jws: string): string => {
  const [header, payload, signature = ''] = jws.split('.');
  const bytes = decodeBase64Url(signature) ?? new Uint8Array(1);
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return `${header}.${payload}.${encodeBase64Url(bytes)}`;
};

/** The `events` member of a logout token (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

const encoder = new TextEncoder();
const segment = (value: unknown) => encodeBase64Url(encoder.encode(JSON.stringify(value)));
const random = () => encodeBase64Url(crypto.getRandomValues(new Uint8Array(24)));

const signingParams = (alg: ProviderKey['alg']): AlgorithmIdentifier | EcdsaParams =>
  alg === 'RS256'
    ? { name: 'RSASSA-PKCS1-v1_5' }
    : { name: 'ECDSA', hash: alg === 'ES256' ? 'SHA-256' : 'SHA-384' };

/**
 * Signs `claims` as a compact JWS with `signer`, whatever the header says: the header can lie about
 * `alg` and `kid`, as a forger's would.
 */
export const signJws = async (
  claims: Claims,
  signer: Signer,
  rewriteHeader: (header: JoseHeader) => JoseHeader = (header) => header,
): Promise<string> => {
  const key = typeof signer === 'string' && signer !== 'none' ? await providerKey(signer) : undefined;
  const baseHeader: JoseHeader =
    signer === 'none' ? { alg: 'none' } : key ? { alg: key.alg, kid: key.kid } : { alg: 'HS256' };
  const input = `${segment(rewriteHeader({ ...baseHeader, typ: 'JWT' }))}.${segment(claims)}`;
  if (signer === 'none') return `${input}.`;
  let signature: ArrayBuffer;
  if (key) {
    signature = await crypto.subtle.sign(signingParams(key.alg), key.privateKey, encoder.encode(input));
  } else {
    const secret = (signer as { hmac: string }).hmac;
    const hmac = await crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    signature = await crypto.subtle.sign('HMAC', hmac, encoder.encode(input));
  }
  return `${input}.${encodeBase64Url(new Uint8Array(signature))}`;
};

const sha256 = async (text: string) =>
  encodeBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));

/** RFC 6749 §2.3.1 / Appendix B: Basic credentials are form-urlencoded before base64. */
const decodeBasic = (header: string | undefined): { id: string; secret: string } | null => {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return null;
  try {
    const decoded = atob(match[1]!);
    const colon = decoded.indexOf(':');
    if (colon === -1) return null;
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
};

const endpointOf = (method: string, path: string): Endpoint => {
  if (path === '/oidc/.well-known/openid-configuration') return 'discovery';
  if (path === '/oidc/jwks') return 'jwks';
  if (path === '/oidc/auth') return 'authorization';
  if (path === '/oidc/token' && method === 'POST') return 'token';
  if (path === '/oidc/me') return 'userinfo';
  if (path === '/oidc/token/revocation' && method === 'POST') return 'revocation';
  if (path === '/oidc/session/end') return 'endSession';
  return 'unknown';
};

/** A running hostile provider. Create with {@link startHostileProvider}; `plan` may change between steps. */
export class HostileProvider {
  plan: ProviderPlan;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly subject: string;
  readonly clock: ClockShape;
  readonly requests: RecordedRequest[] = [];
  readonly issued: Issued = {
    accessTokens: new Set(),
    refreshTokens: new Set(),
    idTokens: new Set(),
    codes: new Set(),
    codeVerifiers: new Set(),
  };
  readonly #server: Server;
  readonly #codes = new Map<string, PendingCode>();
  readonly #refreshTokens = new Map<string, Grant>();
  readonly #accessTokens = new Map<string, Grant>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #origin = '';
  /**
   * The provider session (the user agent's session at the provider) of the next authorizations: ID
   * tokens of their grants carry it as `sid`, and logout tokens name it. `null` (the default): no `sid`.
   */
  opSession: string | null = null;

  constructor(plan: ProviderPlan, options: ProviderOptions = {}) {
    this.plan = plan;
    this.clientId = options.clientId ?? 'conformance-app';
    this.clientSecret = options.clientSecret === undefined ? defaultClientSecret : options.clientSecret;
    this.subject = options.subject ?? 'user-1';
    this.clock = options.clock ?? systemClock;
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', this.#origin);
        const method = request.method ?? 'GET';
        const recorded: RecordedRequest = {
          endpoint: endpointOf(method, url.pathname),
          method,
          url,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(recorded);
        this.#handle(recorded, response).catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`hostile provider crashed: ${String(error)}`);
        });
      });
    });
  }

  /** The Logto endpoint the client is configured with. */
  get endpoint(): string {
    return this.#origin;
  }

  /** The issuer, `${endpoint}/oidc` as at Logto. */
  get issuer(): string {
    return `${this.#origin}/oidc`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops at once: pending delays are dropped and open connections (a hanging answer) are cut. */
  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** How many requests reached `endpoint`. */
  count(endpoint: Endpoint): number {
    return this.requests.filter((request) => request.endpoint === endpoint).length;
  }

  /** The requests that reached `endpoint`, oldest first. */
  requestsTo(endpoint: Endpoint): RecordedRequest[] {
    return this.requests.filter((request) => request.endpoint === endpoint);
  }

  /**
   * The user agent's part of the authorization step: follows the sign-in URL to the provider, which
   * checks it, mints a code bound to its nonce and PKCE challenge, and redirects; returns the callback URL.
   */
  async authorize(signInUrl: string): Promise<string> {
    const response = await fetch(signInUrl, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status !== 302 || !location) {
      throw new Error(`The authorization endpoint answered ${response.status}: ${await response.text()}`);
    }
    return location;
  }

  #sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  async #send(response: ServerResponse, plan: ResponsePlan | undefined, body: Record<string, unknown>) {
    if (plan?.delayMs) await this.#sleep(plan.delayMs);
    if (plan?.destroy) {
      response.socket?.destroy();
      return;
    }
    const text = plan?.raw ?? JSON.stringify(plan?.body ? plan.body(body) : body);
    response.writeHead(plan?.status ?? 200, {
      'content-type': plan?.contentType ?? 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(text);
  }

  #error(response: ServerResponse, status: number, error: string, description: string) {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error, error_description: description }));
  }

  async #handle(request: RecordedRequest, response: ServerResponse): Promise<void> {
    switch (request.endpoint) {
      case 'discovery':
        return this.#send(response, this.plan.discovery, this.#discoveryDocument());
      case 'jwks':
        return this.#send(response, this.plan.jwks, await this.publishedJwks());
      case 'authorization':
        return this.#authorization(request, response);
      case 'token':
        return this.#token(request, response);
      case 'userinfo':
        return this.#userinfo(request, response);
      case 'revocation':
        return this.#revocation(request, response);
      case 'endSession':
        return this.#endSession(request, response);
      default:
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
    }
  }

  #discoveryDocument(): Record<string, unknown> {
    const issuer = this.issuer;
    return {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      end_session_endpoint: `${issuer}/session/end`,
      revocation_endpoint: `${issuer}/token/revocation`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
      id_token_signing_alg_values_supported: ['ES384', 'ES256', 'RS256', 'PS256'],
      scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'],
      authorization_response_iss_parameter_supported: true,
    };
  }

  /** The JWKS the provider publishes under its current plan (before any `jwks.body` rewrite). */
  async publishedJwks(): Promise<{ keys: JWK[] }> {
    const published = this.plan.jwks?.keys ?? defaultPublished;
    return {
      keys: await Promise.all(
        published.map(async (key) =>
          typeof key === 'string' ? (await providerKey(key as KeyName)).jwk : key,
        ),
      ),
    };
  }

  #authorization(request: RecordedRequest, response: ServerResponse) {
    const params = request.url.searchParams;
    const redirectUri = params.get('redirect_uri');
    const problems = [
      params.get('client_id') !== this.clientId && 'unknown client_id',
      params.get('response_type') !== 'code' && 'response_type must be code',
      params.get('code_challenge_method') !== 'S256' && 'PKCE S256 is required',
      !params.get('code_challenge') && 'code_challenge is missing',
      !params.get('state') && 'state is missing',
      !redirectUri && 'redirect_uri is missing',
      !params.get('scope')?.split(' ').includes('openid') && 'scope must include openid',
    ].filter(Boolean);
    if (problems.length > 0 || !redirectUri) {
      return this.#error(response, 400, 'invalid_request', problems.join('; '));
    }
    const code = `code-${random()}`;
    this.issued.codes.add(code);
    this.#codes.set(code, {
      clientId: this.clientId,
      redirectUri,
      codeChallenge: params.get('code_challenge')!,
      nonce: params.get('nonce'),
      scope: params.get('scope')!,
      sid: this.opSession,
    });
    const plan = this.plan.authorization ?? {};
    const location = new URL(redirectUri);
    const set = (name: string, value: string | null | undefined, fallback: string) => {
      const chosen = value === undefined ? fallback : value;
      if (chosen !== null) location.searchParams.set(name, chosen);
    };
    set('code', plan.code, code);
    set('state', plan.state, params.get('state')!);
    set('iss', plan.iss, this.issuer);
    for (const [name, value] of Object.entries(plan.params ?? {})) location.searchParams.set(name, value);
    response.writeHead(302, { location: location.href });
    response.end();
  }

  /**
   * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2, §3): checks `client_id` and
   * `id_token_hint`, then sends the user agent to `post_logout_redirect_uri` with the client's `state`
   * (or what the plan says), or shows a signed-out page when there is no redirect.
   */
  #endSession(request: RecordedRequest, response: ServerResponse) {
    const params = request.url.searchParams;
    const hint = params.get('id_token_hint');
    const problems = [
      params.has('client_id') && params.get('client_id') !== this.clientId && 'unknown client_id',
      hint !== null && !this.issued.idTokens.has(hint) && 'id_token_hint was not issued here',
    ].filter(Boolean);
    if (problems.length > 0) return this.#error(response, 400, 'invalid_request', problems.join('; '));
    const redirectUri = params.get('post_logout_redirect_uri');
    if (!redirectUri) {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><p>Signed out.</p>');
      return;
    }
    const location = new URL(redirectUri);
    const planned = this.plan.endSession?.state;
    const state = planned === undefined ? params.get('state') : planned;
    if (state !== null) location.searchParams.set('state', state);
    response.writeHead(302, { location: location.href });
    response.end();
  }

  /**
   * A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4) for the provider's user and `sid`
   * (default: the current {@link opSession}), as the conformance suite builds it — `iss`, `sub`,
   * `aud`, `jti`, `sid`, the back-channel `events` member, `iat`, an `exp` two minutes ahead and a
   * claim the client must ignore — then forged as `plan` says. The provider POSTs it to the client's
   * back-channel logout URI; here the test does.
   */
  async logoutToken(plan: IdTokenPlan = {}, sid: string | null = this.opSession): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: Claims = {
      iss: this.issuer,
      sub: this.subject,
      aud: this.clientId,
      jti: random(),
      ...(sid === null ? {} : { sid }),
      events: { [backchannelLogoutEvent]: {} },
      iat: now,
      exp: now + 120,
      ignored_claim: 'Logout tokens may contain other claims; those not understood must be ignored.',
    };
    const jws = await signJws(
      plan.claims ? plan.claims(claims) : claims,
      plan.signer ?? 'es384',
      plan.header,
    );
    return plan.jws ? plan.jws(jws) : jws;
  }

  /** Client authentication as Logto registers a traditional web app: client_secret_basic. */
  #authenticate(request: RecordedRequest, form: URLSearchParams): string | null {
    if (this.clientSecret === null) {
      return form.get('client_id') === this.clientId ? null : 'the public client must send its client_id';
    }
    const basic = decodeBasic(request.headers.authorization);
    if (!basic) return 'client_secret_basic is required';
    if (basic.id !== this.clientId || basic.secret !== this.clientSecret)
      return 'client authentication failed';
    if (form.has('client_id') && form.get('client_id') !== this.clientId) return 'client_id mismatch';
    return null;
  }

  async #idToken(grant: Grant, plan: IdTokenPlan | undefined, withNonce: boolean): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: Claims = {
      iss: this.issuer,
      sub: grant.sub,
      aud: this.clientId,
      exp: now + 3600,
      iat: now,
      auth_time: grant.authTime,
      jti: random(),
      ...(withNonce && grant.nonce !== null ? { nonce: grant.nonce } : {}),
      ...(grant.sid === null ? {} : { sid: grant.sid }),
      name: 'Ada Lovelace',
      username: 'ada',
      picture: null,
      // Logto's timestamps are in milliseconds.
      created_at: grant.authTime * 1000,
      updated_at: grant.authTime * 1000,
    };
    const jws = await signJws(
      plan?.claims ? plan.claims(claims) : claims,
      plan?.signer ?? 'es384',
      plan?.header,
    );
    const token = plan?.jws ? plan.jws(jws) : jws;
    this.issued.idTokens.add(token);
    return token;
  }

  #mintAccessToken(grant: Grant) {
    const accessToken = `at-${random()}`;
    this.issued.accessTokens.add(accessToken);
    this.#accessTokens.set(accessToken, grant);
    return accessToken;
  }

  async #token(request: RecordedRequest, response: ServerResponse) {
    const form = new URLSearchParams(request.body);
    const authError = this.#authenticate(request, form);
    if (authError) {
      response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic' });
      response.end(JSON.stringify({ error: 'invalid_client', error_description: authError }));
      return;
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.#codeGrant(form, response);
    if (grantType === 'refresh_token') return this.#refreshGrant(form, response);
    return this.#error(response, 400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
  }

  async #codeGrant(form: URLSearchParams, response: ServerResponse) {
    const code = form.get('code') ?? '';
    const verifier = form.get('code_verifier') ?? '';
    if (verifier) this.issued.codeVerifiers.add(verifier);
    const pending = this.#codes.get(code);
    this.#codes.delete(code);
    if (!pending) return this.#error(response, 400, 'invalid_grant', 'authorization code not found');
    if (form.get('redirect_uri') !== pending.redirectUri) {
      return this.#error(response, 400, 'invalid_grant', 'redirect_uri mismatch');
    }
    if ((await sha256(verifier)) !== pending.codeChallenge) {
      return this.#error(response, 400, 'invalid_grant', 'PKCE verification failed');
    }
    const grant: Grant = {
      sub: this.subject,
      scope: pending.scope,
      nonce: pending.nonce,
      authTime: Math.floor(this.clock.now() / 1000),
      sid: pending.sid,
    };
    const refreshToken = `rt-${random()}`;
    this.issued.refreshTokens.add(refreshToken);
    this.#refreshTokens.set(refreshToken, grant);
    const body = {
      access_token: this.#mintAccessToken(grant),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: refreshToken,
      id_token: await this.#idToken(grant, this.plan.idToken, true),
      scope: pending.scope,
    };
    return this.#send(response, this.plan.token, body);
  }

  async #refreshGrant(form: URLSearchParams, response: ServerResponse) {
    const presented = form.get('refresh_token') ?? '';
    const grant = this.#refreshTokens.get(presented);
    if (!grant) return this.#error(response, 400, 'invalid_grant', 'grant request is invalid');
    let refreshToken: string | undefined;
    if (this.plan.rotateRefreshTokens) {
      this.#refreshTokens.delete(presented);
      refreshToken = `rt-${random()}`;
      this.issued.refreshTokens.add(refreshToken);
      this.#refreshTokens.set(refreshToken, grant);
    }
    const idTokenPlan = this.plan.refreshIdToken;
    const body: Record<string, unknown> = {
      access_token: this.#mintAccessToken(grant),
      token_type: 'Bearer',
      expires_in: 3600,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(idTokenPlan === 'omit' ? {} : { id_token: await this.#idToken(grant, idTokenPlan, false) }),
      scope: form.get('resource') ? '' : grant.scope,
    };
    return this.#send(response, this.plan.refresh, body);
  }

  #userinfo(request: RecordedRequest, response: ServerResponse) {
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const grant = bearer ? this.#accessTokens.get(bearer) : undefined;
    if (!grant) {
      response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      response.end(
        JSON.stringify({ error: 'invalid_token', error_description: 'access token not accepted' }),
      );
      return;
    }
    const scopes = new Set(grant.scope.split(' '));
    const claims: Claims = {
      sub: grant.sub,
      ...(scopes.has('profile') ? { name: 'Ada Lovelace', username: 'ada', picture: null } : {}),
      ...(scopes.has('email') ? { email: 'ada@example.com', email_verified: true } : {}),
      ...(scopes.has('phone') ? { phone_number: '+15555550100', phone_number_verified: false } : {}),
      ...(scopes.has('address') ? { address: { country: 'GB', locality: 'London' } } : {}),
    };
    const plan = this.plan.userinfo;
    return this.#send(response, plan, plan?.claims ? plan.claims(claims) : claims);
  }

  async #revocation(request: RecordedRequest, response: ServerResponse) {
    const form = new URLSearchParams(request.body);
    const authError = this.#authenticate(request, form);
    if (authError) return this.#error(response, 401, 'invalid_client', authError);
    this.#refreshTokens.delete(form.get('token') ?? '');
    if (this.plan.revocation) return this.#send(response, this.plan.revocation, {});
    response.writeHead(200);
    response.end();
  }
}

/** Starts a hostile provider on 127.0.0.1 (a free port). Stop it with `stop()`. */
export const startHostileProvider = async (
  plan: ProviderPlan = {},
  options: ProviderOptions = {},
): Promise<HostileProvider> => {
  await Promise.all(defaultPublished.map(providerKey));
  return new HostileProvider(plan, options).listen();
};
