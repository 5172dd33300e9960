import type { NormalizedConfig } from './config.ts';

// RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded before base64.
const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/**
 * Client authentication for a request to the token or revocation endpoint: `client_secret_basic`
 * for confidential clients (as Logto registers traditional web apps), `client_id` in the body for
 * public clients.
 */
export const authenticateClient = (
  config: NormalizedConfig,
  headers: Headers,
  body: URLSearchParams,
): void => {
  if (config.appSecret === undefined) {
    body.set('client_id', config.appId);
    return;
  }
  headers.set(
    'authorization',
    `Basic ${btoa(`${formEncode(config.appId)}:${formEncode(config.appSecret)}`)}`,
  );
};

/** A form POST to one of the provider's endpoints, with client authentication. */
export const formPost = (url: string, config: NormalizedConfig, body: URLSearchParams): Request => {
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  });
  authenticateClient(config, headers, body);
  return new Request(url, { method: 'POST', headers, body: body.toString() });
};
