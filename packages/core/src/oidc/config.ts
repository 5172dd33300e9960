import { ConfigError } from '../errors.ts';
import { withOrganizationsResource, withReservedScopes } from './scopes.ts';

/** A `prompt` value of OpenID Connect Core §3.1.2.1. */
export type Prompt = 'consent' | 'login' | 'none' | 'select_account';

/** What an app tells the SDK about its Logto application. */
export interface LogtoConfig {
  /** The Logto endpoint, e.g. `https://tenant.logto.app`; a path prefix is kept. The issuer is `${endpoint}/oidc`. */
  readonly endpoint: string;
  /** The application id. */
  readonly appId: string;
  /** The application secret of a traditional web app; leave it out for public (SPA, native) apps. */
  readonly appSecret?: string | undefined;
  /** Scopes beyond `openid offline_access profile`, which are always asked for. */
  readonly scopes?: readonly string[] | undefined;
  /** API resource indicators (RFC 8707) to ask for at sign-in; only these can get access tokens later. */
  readonly resources?: readonly string[] | undefined;
  /** `prompt` of the authorization request; default `consent`, without which Logto issues no refresh token. */
  readonly prompt?: Prompt | readonly Prompt[] | undefined;
}

/** A checked {@link LogtoConfig} with the defaults and reserved values filled in. */
export interface NormalizedConfig {
  readonly endpoint: URL;
  readonly issuer: string;
  readonly appId: string;
  readonly appSecret: string | undefined;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly prompt: string;
}

const invalid = (reason: ConfigError['reason'], message: string) => new ConfigError({ reason, message });

const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** Parses an absolute URL; https, or http on a loopback host (local development). */
export const parseSecureUrl = (value: unknown): URL | null => {
  if (typeof value !== 'string') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return url;
  return null;
};

const isNonEmptyStringArray = (value: unknown): value is readonly string[] =>
  Array.isArray(value) &&
  value.every((item) => typeof item === 'string' && item.trim() !== '' && !/\s/.test(item));

/**
 * Checks a {@link LogtoConfig} and fills in defaults: reserved scopes, the organizations resource,
 * `prompt=consent`. Returns a {@link ConfigError} that names the field to fix.
 */
export const normalizeConfig = (config: LogtoConfig): NormalizedConfig | ConfigError => {
  if (typeof config !== 'object' || config === null) {
    return invalid('InvalidOption', 'The Logto config must be an object: { endpoint, appId, appSecret? }.');
  }
  const endpoint = parseSecureUrl(config.endpoint);
  // `new URL('https://a/?').search` is '': look at the string itself for a query or fragment.
  if (!endpoint || (config.endpoint as string).includes('?') || (config.endpoint as string).includes('#')) {
    return invalid(
      'InvalidEndpoint',
      `config.endpoint must be the Logto endpoint URL, https (or http on localhost) with no query, e.g. "https://tenant.logto.app"; got ${JSON.stringify(config.endpoint)}.`,
    );
  }
  if (typeof config.appId !== 'string' || config.appId.trim() === '') {
    return invalid('InvalidAppId', 'config.appId must be the application id from the Logto console.');
  }
  if (config.appSecret !== undefined && (typeof config.appSecret !== 'string' || config.appSecret === '')) {
    return invalid(
      'InvalidOption',
      'config.appSecret must be a non-empty string, or left out for a public app.',
    );
  }
  if (config.scopes !== undefined && !isNonEmptyStringArray(config.scopes)) {
    return invalid('InvalidScope', 'config.scopes must be an array of scope names without spaces.');
  }
  if (config.resources !== undefined && !isNonEmptyStringArray(config.resources)) {
    return invalid(
      'InvalidResource',
      'config.resources must be an array of absolute resource indicator URIs.',
    );
  }
  for (const resource of config.resources ?? []) {
    if (!URL.canParse(resource) || resource.includes('#')) {
      return invalid(
        'InvalidResource',
        `config.resources: "${resource}" is not an absolute URI without a fragment (RFC 8707 §2).`,
      );
    }
  }
  const prompts = config.prompt === undefined ? ['consent'] : [config.prompt].flat();
  const knownPrompts = new Set(['consent', 'login', 'none', 'select_account']);
  if (prompts.length === 0 || !prompts.every((prompt) => knownPrompts.has(prompt))) {
    return invalid(
      'InvalidOption',
      'config.prompt must be one or more of consent, login, none, select_account.',
    );
  }
  const scopes = withReservedScopes(config.scopes);
  // Strip one trailing slash so `${endpoint}/oidc` never has a double slash; keep any path prefix.
  const base = endpoint.href.replace(/\/$/, '');
  return {
    endpoint,
    issuer: `${base}/oidc`,
    appId: config.appId,
    appSecret: config.appSecret,
    scopes,
    resources: withOrganizationsResource(scopes, config.resources),
    prompt: prompts.join(' '),
  };
};
