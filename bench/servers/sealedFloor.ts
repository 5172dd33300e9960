/**
 * What the floor servers (honoSealedFloor.ts, honoSealedHotFloor.ts) share: our cookie format's key,
 * derived as `@logto-machine/core` derives it from the bench's session secret, and the one open of a
 * session cookie that no reader of the format can skip — done directly with `node:crypto`, no SDK.
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import { sessionSecret } from './config.ts';

/** The session cookie's name (and the name its value is bound to). */
export const cookieName = 'logto_session';

const key = createSecretKey(
  Buffer.from(hkdfSync('sha256', sessionSecret, 'logto-machine cookie session', 'aes-256-gcm v1', 32)),
);
const additionalData = Buffer.from(cookieName);

/** `plaintext` sealed as our format seals it: `prefix` + base64url(IV ‖ ciphertext ‖ tag). */
export const seal = (prefix: string, plaintext: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(additionalData);
  const sealed = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return prefix + sealed.toString('base64url');
};

/**
 * The plaintext of the session cookie in a Cookie header whose value starts with `prefix` (`v1.`):
 * found, decoded, opened with one native AES-256-GCM decipher. `undefined` when there is none; throws
 * when it is not authentic (the floor servers answer 500 then, which the bench counts as an error).
 */
export const openSessionCookie = (header: string, prefix: string): string | undefined => {
  const start = header.indexOf(`${cookieName}=${prefix}`);
  if (start === -1) return undefined;
  const end = header.indexOf(';', start);
  const valueStart = start + cookieName.length + 1 + prefix.length;
  const sealed = Buffer.from(header.slice(valueStart, end === -1 ? undefined : end), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12), { authTagLength: 16 });
  decipher.setAAD(additionalData);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const head = decipher.update(sealed.subarray(12, sealed.length - 16));
  decipher.final();
  return head.toString('utf8');
};
