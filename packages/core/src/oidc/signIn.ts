import { ConfigError } from '../errors.ts';
import type { NormalizedConfig, Prompt } from './config.ts';
import type { ProviderMetadata } from './discovery.ts';

/** The first screen Logto's sign-in experience shows. */
export type FirstScreen =
  | 'sign_in'
  | 'register'
  | 'reset_password'
  | 'identifier:sign_in'
  | 'identifier:register'
  | 'single_sign_on';

/** What `signIn()` takes: the tutorial's `{ redirectUri, interactionMode }` and Logto's other options. */
export interface SignInOptions {
  /** Where the provider sends the user back; must be registered in the Logto console. */
  readonly redirectUri: string;
  /** `signUp` opens the register screen (`first_screen=register`); `signIn` the sign-in screen. */
  readonly interactionMode?: 'signIn' | 'signUp' | undefined;
  /** The first screen to show; wins over `interactionMode`. */
  readonly firstScreen?: FirstScreen | undefined;
  /** Pre-fills the identifier (`login_hint`). */
  readonly loginHint?: string | undefined;
  /** Skips the sign-in screen for one connector: `{ method: 'social', target: 'google' }` or `sso`. */
  readonly directSignIn?: { readonly method: 'social' | 'sso'; readonly target: string } | undefined;
  /** The identifier types the first screen accepts. */
  readonly identifier?: readonly ('email' | 'phone' | 'username')[] | undefined;
  /** Overrides the configured `prompt` for this sign-in. */
  readonly prompt?: Prompt | readonly Prompt[] | undefined;
  /** Where the app should go after the callback (kept with the transaction, returned by the callback). */
  readonly postRedirectUri?: string | undefined;
  /** Other parameters Logto accepts (`ui_locales`, `organization_id`, `theme`, `one_time_token` …). */
  readonly extraParams?: Readonly<Record<string, string>> | undefined;
}

/** One pending sign-in, keyed by its `state`: several can be pending at once (several tabs). */
export interface SignInTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  readonly postRedirectUri?: string | undefined;
  /** Milliseconds since the epoch after which the callback is refused. */
  readonly expiresAt: number;
}

/** Checks a redirect URI: absolute http(s), no fragment (RFC 6749 §3.1.2). */
export const checkRedirectUri = (value: unknown, field = 'redirectUri'): string | ConfigError => {
  if (typeof value === 'string' && URL.canParse(value)) {
    const url = new URL(value);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && !url.hash && !value.includes('#'))
      return url.href;
  }
  return new ConfigError({
    reason: 'InvalidRedirectUri',
    message: `${field} must be an absolute http(s) URL without a fragment, registered in the Logto console; got ${JSON.stringify(value)}.`,
  });
};

const reservedExtraParams = new Set(['response_mode', 'request', 'request_uri', 'registration']);

const firstScreenOf = (options: SignInOptions): string | undefined =>
  options.firstScreen ??
  (options.interactionMode === 'signUp' ? 'register' : options.interactionMode && 'sign_in');

/**
 * The authorization request URL (OpenID Connect Core §3.1.2.1) for one transaction: PKCE S256,
 * `state`, `nonce`, reserved scopes and one `resource` per configured resource.
 */
export const buildAuthorizationUrl = (
  metadata: ProviderMetadata,
  config: NormalizedConfig,
  transaction: SignInTransaction,
  codeChallenge: string,
  options: SignInOptions,
): string => {
  const url = new URL(metadata.authorization_endpoint);
  const params = url.searchParams;
  params.set('client_id', config.appId);
  params.set('redirect_uri', transaction.redirectUri);
  params.set('code_challenge', codeChallenge);
  params.set('code_challenge_method', 'S256');
  params.set('state', transaction.state);
  params.set('nonce', transaction.nonce);
  params.set('response_type', 'code');
  params.set('prompt', options.prompt === undefined ? config.prompt : [options.prompt].flat().join(' '));
  params.set('scope', config.scopes.join(' '));
  for (const resource of config.resources) params.append('resource', resource);
  const firstScreen = firstScreenOf(options);
  if (firstScreen) params.set('first_screen', firstScreen);
  if (options.loginHint) params.set('login_hint', options.loginHint);
  if (options.directSignIn) {
    params.set('direct_sign_in', `${options.directSignIn.method}:${options.directSignIn.target}`);
  }
  if (options.identifier?.length) params.set('identifier', options.identifier.join(' '));
  for (const [key, value] of Object.entries(options.extraParams ?? {})) {
    // The protocol parameters are the SDK's to set: an extra param must not replace them, nor change
    // how the response comes back (the callback reads the query).
    if (!params.has(key) && !reservedExtraParams.has(key)) params.set(key, value);
  }
  return url.href;
};
