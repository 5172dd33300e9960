import * as Effect from 'effect/Effect';
import { DiscoveryError } from '../errors.ts';
import { parseSecureUrl } from './config.ts';
import { type JsonObject, readJsonObject } from './json.ts';

/** The fields of the provider's discovery document the SDK uses (OpenID Connect Discovery §3). */
export interface ProviderMetadata {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly userinfo_endpoint?: string | undefined;
  readonly end_session_endpoint?: string | undefined;
  readonly revocation_endpoint?: string | undefined;
  readonly id_token_signing_alg_values_supported?: readonly string[] | undefined;
  /** RFC 9207: the provider adds `iss` to every authorization response. */
  readonly authorization_response_iss_parameter_supported?: boolean | undefined;
}

/** The discovery URL of a Logto issuer: `${issuer}/.well-known/openid-configuration`. */
export const discoveryUrl = (issuer: string): string => `${issuer}/.well-known/openid-configuration`;

/** The discovery request (a plain GET). */
export const discoveryRequest = (issuer: string): Request =>
  new Request(discoveryUrl(issuer), { headers: { accept: 'application/json' } });

const invalid = (message: string) => new DiscoveryError({ reason: 'InvalidResponse', message });

/** What to check in `config.endpoint` when discovery finds no Logto there. */
const endpointAdvice = (issuer: string): string =>
  issuer.endsWith('/oidc/oidc')
    ? `config.endpoint ends in "/oidc", which the SDK adds itself: set it to ${JSON.stringify(issuer.slice(0, -'/oidc/oidc'.length))}.`
    : 'check that config.endpoint is your Logto endpoint (e.g. "https://tenant.logto.app", without "/oidc").';

const endpointField = (
  document: JsonObject,
  field: string,
  required: boolean,
): string | undefined | DiscoveryError => {
  const value = document[field];
  if (value === undefined && !required) return undefined;
  const url = parseSecureUrl(value);
  return url
    ? url.href
    : invalid(
        `The discovery document's "${field}" is missing or not an https URL; check the Logto endpoint.`,
      );
};

/**
 * Validates a discovery response: status 200, a JSON object, `issuer` equal to `expectedIssuer`
 * (OpenID Connect Discovery §4.3), and https endpoints.
 */
export const processDiscoveryResponse = (
  response: Response,
  expectedIssuer: string,
): Effect.Effect<ProviderMetadata, DiscoveryError> =>
  Effect.gen(function* () {
    const url = discoveryUrl(expectedIssuer);
    if (response.status >= 500) {
      return yield* new DiscoveryError({
        reason: 'Unavailable',
        status: response.status,
        message: `The provider's discovery endpoint ${url} answered ${response.status}; try again later.`,
      });
    }
    if (response.status !== 200) {
      return yield* new DiscoveryError({
        reason: 'InvalidResponse',
        status: response.status,
        message: `The discovery endpoint ${url} answered ${response.status}; ${endpointAdvice(expectedIssuer)}`,
      });
    }
    const document = yield* readJsonObject(response).pipe(
      Effect.mapError(() => invalid('The discovery document is not a JSON object; check config.endpoint.')),
    );
    if (document.issuer !== expectedIssuer) {
      return yield* new DiscoveryError({
        reason: 'IssuerMismatch',
        message: `The discovery document's issuer ${JSON.stringify(document.issuer)} is not ${JSON.stringify(expectedIssuer)}; set config.endpoint to the URL the issuer starts with.`,
      });
    }
    const endpoints: Record<string, string | undefined> = {};
    for (const [field, required] of [
      ['authorization_endpoint', true],
      ['token_endpoint', true],
      ['jwks_uri', true],
      ['userinfo_endpoint', false],
      ['end_session_endpoint', false],
      ['revocation_endpoint', false],
    ] as const) {
      const value = endpointField(document, field, required);
      if (value instanceof DiscoveryError) return yield* value;
      endpoints[field] = value;
    }
    const algorithms = document.id_token_signing_alg_values_supported;
    return {
      ...endpoints,
      issuer: expectedIssuer,
      id_token_signing_alg_values_supported: Array.isArray(algorithms)
        ? algorithms.filter((alg): alg is string => typeof alg === 'string')
        : undefined,
      authorization_response_iss_parameter_supported:
        document.authorization_response_iss_parameter_supported === true,
    } as ProviderMetadata;
  });
