/// <reference path="./oidcProviderInternals.d.ts" />
/**
 * The oidc-provider internals the forked refresh_token grant reuses, in one file so an upgrade has
 * one place to check; Logto keeps the same seam (core/src/oidc/oidc-provider-internals.js).
 * lib/helpers/grants.js is oidc-provider's (experimental) toolkit for custom grants.
 *
 * @module
 */

export { issueIdToken } from 'oidc-provider/lib/helpers/grant_common.js';
export {
  buildTokenResponse,
  checkDpopReplay,
  checkDpopRequired,
  findAccount,
  resolveAndApplyResource,
  validateDpop,
  validateGrant,
} from 'oidc-provider/lib/helpers/grants.js';
export { default as revoke } from 'oidc-provider/lib/helpers/revoke.js';
