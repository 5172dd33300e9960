import type { OidcMiddleware } from './types.js';
import { isRecord } from './types.js';

/** English messages of Logto's `errors:oidc.*` phrases; placeholders stay unfilled, as at Logto. */
const messages: Readonly<Record<string, string>> = {
  'oidc.aborted': 'The end-user aborted interaction.',
  'oidc.invalid_scope': 'Invalid scope: {{error_description}}.',
  'oidc.invalid_token': 'Invalid token provided.',
  'oidc.invalid_client_metadata': 'Invalid client metadata provided.',
  'oidc.insufficient_scope': 'Token missing scope `{{scope}}`.',
  'oidc.invalid_request': 'Request is invalid.',
  'oidc.invalid_grant': 'Grant request is invalid.',
  'oidc.invalid_issuer': 'Invalid issuer.',
  'oidc.invalid_redirect_uri': "`redirect_uri` did not match any of the client's registered `redirect_uris`.",
  'oidc.access_denied': 'Access denied.',
  'oidc.invalid_target': 'Invalid resource indicator.',
  'oidc.unsupported_grant_type': 'Unsupported `grant_type` requested.',
  'oidc.unsupported_response_mode': 'Unsupported `response_mode` requested.',
  'oidc.unsupported_response_type': 'Unsupported `response_type` requested.',
  'oidc.server_error': 'An unknown OIDC error occurred. Please try again later.',
  'session.not_found': 'Session not found. Please go back and sign in again.',
};

const errorUris: Readonly<Record<string, string>> = {
  invalid_grant: 'https://openid.sh/debug/invalid_grant',
};

const isSessionNotFound = (description: unknown) =>
  typeof description === 'string' &&
  ((description.includes('session') && description.includes('not found')) ||
    description.includes('authorization request has expired'));

/**
 * Adds Logto's `code`, `message` and (for some errors) `error_uri` to an OAuth error body, keeping
 * `error` and `error_description`, as Logto's koa-oidc-error-handler does.
 */
export function logtoErrorBody(body: Record<string, unknown> & { error: string }): Record<string, unknown> {
  const code = isSessionNotFound(body.error_description) ? 'session.not_found' : `oidc.${body.error}`;
  const uri = errorUris[body.error];
  return {
    code,
    message: messages[code] ?? `An OIDC error occurred: ${code}.`,
    ...(uri ? { error_uri: uri } : {}),
    ...body,
  };
}

/** Rewrites every JSON OIDC error response (status ≥ 400) into Logto's shape. */
export const logtoErrorBodies: OidcMiddleware = async (ctx, next) => {
  await next();
  const { body } = ctx;
  if (ctx.status >= 400 && isRecord(body) && typeof body.error === 'string') {
    ctx.body = logtoErrorBody({ ...body, error: body.error });
  }
};
