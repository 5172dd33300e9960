/**
 * A minimal relying party for the tests: builds Logto-style sign-in URLs and calls the token
 * endpoint the way @logto/node does (Basic auth for confidential apps, `client_id` in the body).
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

import type { DevProvider } from '../index.js';
import { type CookieJar, completeSignIn } from '../testing.js';

/** The redirect URI the tests use; any loopback URL is accepted by the default apps. */
export const redirectUri = 'http://127.0.0.1:5555/callback';

/** A registered app's credentials. */
export interface AppCredentials {
  clientId: string;
  secret?: string;
}

export const demoApp: AppCredentials = { clientId: 'demo-app', secret: 'demo-app-secret' };
export const demoSpa: AppCredentials = { clientId: 'demo-spa' };

/** What a sign-in URL needs. */
export interface SignInRequest {
  app?: AppCredentials;
  scopes?: string[];
  resources?: string[];
  prompt?: string;
  extra?: Record<string, string>;
}

/** Builds an authorization URL with S256 PKCE and the scopes @logto/js always adds. */
export function signInUrl(op: DevProvider, request: SignInRequest = {}) {
  const { app = demoApp, scopes = [], resources = [], prompt = 'consent', extra = {} } = request;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(`${op.issuer}/auth`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('prompt', prompt);
  url.searchParams.set('scope', [...new Set(['openid', 'offline_access', 'profile', ...scopes])].join(' '));
  for (const resource of resources) url.searchParams.append('resource', resource);
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  return { url: url.href, verifier, state };
}

/** A token endpoint response. */
export interface TokenResponse {
  status: number;
  body: Record<string, unknown> & {
    access_token?: string;
    refresh_token?: string;
    id_token?: string;
    scope?: string;
    expires_in?: number;
    error?: string;
  };
}

/** POSTs a form to the token endpoint as `app`. */
export async function tokenRequest(
  op: DevProvider,
  app: AppCredentials,
  form: Record<string, string | undefined>,
) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (app.secret)
    headers.authorization = `Basic ${Buffer.from(`${app.clientId}:${app.secret}`).toString('base64')}`;
  const body = new URLSearchParams({ client_id: app.clientId });
  for (const [key, value] of Object.entries(form)) if (value !== undefined) body.set(key, value);
  const response = await fetch(`${op.issuer}/token`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() } as TokenResponse;
}

/** Refreshes, optionally for a resource or an organization. */
export const refresh = (
  op: DevProvider,
  app: AppCredentials,
  refreshToken: string,
  extra: { resource?: string; organization_id?: string; scope?: string } = {},
) => tokenRequest(op, app, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });

/** Signs in through the pages and exchanges the code; returns the tokens and the callback URL. */
export async function signIn(
  op: DevProvider,
  request: SignInRequest & {
    username?: string;
    password?: string;
    register?: boolean;
    cookieJar?: CookieJar;
  } = {},
) {
  const app = request.app ?? demoApp;
  const { url, verifier, state } = signInUrl(op, request);
  const callback = await completeSignIn(url, {
    username: request.username ?? 'demo',
    password: request.password ?? 'demo-password',
    register: request.register,
    cookieJar: request.cookieJar,
  });
  const code = new URL(callback).searchParams.get('code') ?? '';
  const tokens = await tokenRequest(op, app, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });
  return { callback: new URL(callback), state, tokens };
}
