import { describe, expect, it } from 'vitest';
import { bothCryptoPaths, cryptoPaths, deriveOn } from '../../test/cryptoPaths.ts';
import { decodeBase64Url, encodeBase64Url } from '../oidc/base64url.ts';
import { nativeCrypto } from './nativeCrypto.ts';
import { deriveSealingKey, type SealingKey, seal, unseal } from './sealing.ts';

const secret = 'sealing-test-secret-0123456789abcdef';
const otherSecret = 'another-sealing-secret-0123456789abcd';
const name = 'logto_session';
const plaintext = '{"v":1,"state":"authenticated","name":"Zoë 👩🏽‍💻"}';

const keyOn = (native: boolean, from = secret): Promise<SealingKey> =>
  deriveOn(deriveSealingKey, native, from);

/** Every way to alter a sealed value: each byte of IV, ciphertext and tag flipped, and truncations. */
const tampered = (sealed: string): string[] => {
  const bytes = decodeBase64Url(sealed.slice(3))!;
  const variants: string[] = [];
  for (let index = 0; index < bytes.length; index++) {
    for (const bit of [0x01, 0x80]) {
      const copy = bytes.slice();
      copy[index]! ^= bit;
      variants.push(`v1.${encodeBase64Url(copy)}`);
    }
  }
  for (const length of [0, 12, 27, 28, bytes.length - 16, bytes.length - 1]) {
    variants.push(`v1.${encodeBase64Url(bytes.subarray(0, length))}`);
  }
  variants.push(
    `v2.${sealed.slice(3)}`,
    sealed.slice(3),
    `${sealed}!`,
    `${sealed}x`,
    `${sealed}==x`,
    '',
    'v1.',
  );
  return variants;
};

describe.each(cryptoPaths)('sealing on %s', (_, native) => {
  it('opens what it sealed, under the same name only', async () => {
    const key = await keyOn(native);
    expect(key.path).toBe(native ? 'native' : 'web');
    const sealed = await seal(key, plaintext, name);
    expect(sealed).toMatch(/^v1\.[\w-]+$/);
    expect(await unseal([key], sealed, name)).toBe(plaintext);
    expect(await unseal([key], sealed, `${name}_tx`)).toBeNull();
    expect(await unseal([key], sealed, '')).toBeNull();
  });

  it('seals the empty string and uses a fresh IV each time', async () => {
    const key = await keyOn(native);
    const [one, two] = [await seal(key, '', name), await seal(key, '', name)];
    expect(one).not.toBe(two);
    expect(decodeBase64Url(one.slice(3))).toHaveLength(12 + 16);
    expect(await unseal([key], one, name)).toBe('');
  });

  it('refuses every flipped bit of IV, ciphertext and tag, every truncation and a wrong key', async () => {
    const key = await keyOn(native);
    const sealed = await seal(key, plaintext, name);
    for (const variant of tampered(sealed)) expect(await unseal([key], variant, name), variant).toBeNull();
    expect(await unseal([await keyOn(native, otherSecret)], sealed, name)).toBeNull();
  });

  it('opens values of an older secret while the new one seals (rotation)', async () => {
    const [current, previous] = [await keyOn(native), await keyOn(native, otherSecret)];
    const old = await seal(previous, plaintext, name);
    expect(await unseal([current, previous], old, name)).toBe(plaintext);
    expect(await unseal([current], old, name)).toBeNull();
  });
});

describe.each(bothCryptoPaths)('%s and %s', () => {
  it('derives the same key: what one path seals, the other opens', async () => {
    const [native, web] = [await keyOn(true), await keyOn(false)];
    expect([native.path, web.path]).toEqual(['native', 'web']);
    expect(await unseal([web], await seal(native, plaintext, name), name)).toBe(plaintext);
    expect(await unseal([native], await seal(web, plaintext, name), name)).toBe(plaintext);
  });

  it('refuses exactly what Web Crypto refuses', async () => {
    const [native, web] = [await keyOn(true), await keyOn(false)];
    for (const sealed of [await seal(native, plaintext, name), await seal(web, plaintext, name)]) {
      for (const variant of tampered(sealed)) {
        const [byNative, byWeb] = [await unseal([native], variant, name), await unseal([web], variant, name)];
        expect([byNative, byWeb], variant).toEqual([null, null]);
      }
      // Base64url padding spells the same bytes: accepted by both, as before the native path.
      for (const respelled of [sealed, `${sealed}=`]) {
        expect(await unseal([native], respelled, name)).toBe(plaintext);
        expect(await unseal([web], respelled, name)).toBe(plaintext);
      }
      expect(await unseal([native], sealed, 'other')).toBeNull();
    }
  });
});

// Only in the edge project (vitest's `edge-runtime` environment, which runs inside Node).
describe.each(
  typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string' ? ['Edge Runtime'] : [],
)('sealing on the %s', () => {
  it('keeps to Web Crypto, though the emulation runs inside Node', async () => {
    expect(nativeCrypto()).toBeNull();
    expect((await deriveSealingKey(secret)).path).toBe('web');
  });
});
