import { describe, expect, it } from 'vitest';
import { bothCryptoPaths, cryptoPaths, deriveOn } from '../../test/cryptoPaths.ts';
import {
  deriveSigningKey,
  newSessionId,
  type SigningKey,
  signSessionId,
  verifySessionId,
} from './sessionId.ts';

const secret = 'session-id-test-secret-0123456789abcdef';
const otherSecret = 'another-session-id-secret-0123456789ab';
const cookieName = 'logto_session';

const keyOn = (native: boolean, from = secret): Promise<SigningKey> =>
  deriveOn(deriveSigningKey, native, from);

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every one-character change of a signed value, and other malformed spellings of it. */
const tampered = (value: string): string[] => {
  const variants = new Set<string>();
  for (let index = 0; index < value.length; index++) {
    if (value[index] === '.') continue;
    const other = alphabet[(alphabet.indexOf(value[index]!) + 1) % alphabet.length]!;
    variants.add(value.slice(0, index) + other + value.slice(index + 1));
  }
  const [id, mac] = value.split('.') as [string, string];
  for (const variant of [
    id,
    `${id}.`,
    `.${mac}`,
    `${id}${mac}`,
    `${id}.${mac}=`,
    `${id}.${mac}x`,
    `${id}.${mac.slice(0, -1)}`,
    `${id}x.${mac}`,
    `${id}.${mac}.${mac}`,
    `${newSessionId()}.${mac}`,
    '',
  ])
    variants.add(variant);
  variants.delete(value);
  return [...variants];
};

describe.each(cryptoPaths)('session ids on %s', (_, native) => {
  it('verifies what it signed, under the same cookie name only', async () => {
    const key = await keyOn(native);
    expect(key.path).toBe(native ? 'native' : 'web');
    const id = newSessionId();
    const value = await signSessionId(key, cookieName, id);
    expect(value).toMatch(/^[\w-]{43}\.[\w-]{43}$/);
    expect(await verifySessionId([key], cookieName, value)).toEqual({ id, keyIndex: 0 });
    expect(await verifySessionId([key], 'logto_session_2', value)).toBeNull();
  });

  it('refuses every altered character, malformed spelling and a wrong key', async () => {
    const key = await keyOn(native);
    const value = await signSessionId(key, cookieName, newSessionId());
    for (const variant of tampered(value)) {
      expect(await verifySessionId([key], cookieName, variant), variant).toBeNull();
    }
    expect(await verifySessionId([await keyOn(native, otherSecret)], cookieName, value)).toBeNull();
  });

  it('names the older secret that signed a value (rotation)', async () => {
    const [current, previous] = [await keyOn(native), await keyOn(native, otherSecret)];
    const id = newSessionId();
    const old = await signSessionId(previous, cookieName, id);
    expect(await verifySessionId([current, previous], cookieName, old)).toEqual({ id, keyIndex: 1 });
  });
});

describe.each(bothCryptoPaths)('%s and %s', () => {
  it('signs the same bytes on both paths, and refuses exactly what Web Crypto refuses', async () => {
    const [native, web] = [await keyOn(true), await keyOn(false)];
    const id = newSessionId();
    const value = await signSessionId(native, cookieName, id);
    expect(await signSessionId(web, cookieName, id)).toBe(value);
    expect(await verifySessionId([web], cookieName, value)).toEqual({ id, keyIndex: 0 });
    for (const variant of tampered(value)) {
      expect(await verifySessionId([native], cookieName, variant), variant).toBeNull();
      expect(await verifySessionId([web], cookieName, variant), variant).toBeNull();
    }
  });
});
