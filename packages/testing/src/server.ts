/**
 * Test support that needs Node and the dev provider: a browser driving a `LogtoServer` in process.
 *
 * @module
 */

export { appOrigin, ServerBrowser } from './fixtures/ServerBrowser.ts';
