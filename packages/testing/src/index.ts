/**
 * Test support for `@logto-machine`: contract suites that every implementation of a port or session
 * store must pass, and fixtures to drive sessions without a provider. Imports vitest, so it belongs in
 * `devDependencies` and test files only. {@link ServerBrowser}, which signs in through the dev
 * provider, is in `@logto-machine/testing/server`.
 *
 * @module
 */

export { clockContract } from './contracts/clockContract.ts';
export { cryptoContract } from './contracts/cryptoContract.ts';
export { type HttpContractOptions, httpContract } from './contracts/httpContract.ts';
export { lockContract } from './contracts/lockContract.ts';
export { storageContract, storageContractValues } from './contracts/storageContract.ts';
export { storeSessionsContract } from './contracts/storeSessionsContract.ts';
export { CookieBrowser } from './fixtures/CookieBrowser.ts';
export { applySetCookies, nextCookieHeader } from './fixtures/cookieJar.ts';
export { type FixtureClaims, fakeIdToken, signedInRecord } from './fixtures/sessionRecords.ts';
