/**
 * The contract suite every server adapter runs against the dev provider (Node): sign-in, callback,
 * refresh, sign-out, protected pages and APIs, as a user notices them, whatever the framework.
 *
 * @module
 */

export {
  type AdapterTestConfig,
  type AdapterUnderTest,
  configFor,
  demoResource,
  extraResources,
  type MountedApp,
  runAdapterContract,
  signIn,
  type TestProviders,
  testUser,
  useTestProviders,
  waitForTokenExpiry,
} from './adapters/adapterContract.ts';
