/**
 * A signing key that a test shares with the dev provider (through `keysFile`), so it can sign tokens
 * the provider would sign — logout tokens with one claim broken, say — and check how an app answers.
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** The back-channel logout `events` member (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** A provider signing key in a temporary keys file; see {@link createTestSigningKey}. */
export interface TestSigningKey {
  /** Pass as `keysFile` to `startDevProvider`. */
  readonly keysFile: string;
  /** Signs `claims` as the provider would (ES384, its `kid`), with `header` added to the protected header. */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /**
   * A logout token from `issuer` to `clientId`, valid for 120 s with a fresh `jti`; `overrides`
   * replace claims, and an `undefined` override removes one.
   */
  logoutToken(issuer: string, clientId: string, overrides?: Record<string, unknown>): Promise<string>;
  /** Deletes the keys file. */
  remove(): Promise<void>;
}

/**
 * Creates an ES384 key in a temporary keys file for `startDevProvider({ keysFile })`.
 *
 * @example
 * ```ts
 * const key = await createTestSigningKey();
 * const op = await startDevProvider({ keysFile: key.keysFile });
 * const token = await key.logoutToken(op.issuer, 'demo-app', { nonce: 'not allowed here' });
 * ```
 */
export async function createTestSigningKey(): Promise<TestSigningKey> {
  const { privateKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = 'test-signing-key';
  const directory = await mkdtemp(join(tmpdir(), 'dev-provider-keys-'));
  const keysFile = join(directory, 'keys.json');
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES384', use: 'sig' };
  await writeFile(keysFile, JSON.stringify({ keys: [jwk] }));
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES384', kid, ...header }).sign(privateKey);
  return {
    keysFile,
    sign,
    logoutToken: (issuer, clientId, overrides = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: issuer,
        aud: clientId,
        iat: now,
        exp: now + 120,
        jti: crypto.randomUUID(),
        sub: 'user_demo',
        events: { [backchannelLogoutEvent]: {} },
        ...overrides,
      };
      const defined = Object.entries(claims).filter(([, value]) => value !== undefined);
      return sign(Object.fromEntries(defined), { typ: 'logout+jwt' });
    },
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
