import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from '../oidc/base64url.ts';
import { detectNativeCrypto, type NativeCrypto, nativeCrypto } from './nativeCrypto.ts';
import { deriveSealingKey, seal, unseal, unsealNow } from './sealing.ts';
import { deriveSigningKey, newSessionId, signSessionId, verifySessionId } from './sessionId.ts';

const secret = 'native-crypto-test-secret-0123456789abc';

// Core's sources (tests included) import no `node:` module; this file runs in Node only.
interface NodeProcess {
  getBuiltinModule(id: string): unknown;
}
const nodeProcess = (globalThis as unknown as { process: NodeProcess }).process;
const { inspect } = nodeProcess.getBuiltinModule('node:util') as {
  inspect(value: unknown, options: object): string;
};

afterEach(() => {
  vi.restoreAllMocks();
});

/** Spies on every Web Crypto method sessions could call. */
const spyOnWebCrypto = () =>
  (['importKey', 'deriveKey', 'encrypt', 'decrypt', 'sign'] as const).map((method) =>
    vi.spyOn(globalThis.crypto.subtle, method),
  );

/** Derives keys (on `native`, by default the runtime's), seals, opens, signs and verifies once each. */
const useEveryOperation = async (...native: [NativeCrypto | null] | []) => {
  const sealingKey = await deriveSealingKey(secret, ...native);
  expect(await unseal([sealingKey], await seal(sealingKey, 'value', 'name'), 'name')).toBe('value');
  const signingKey = await deriveSigningKey(secret, ...native);
  const id = newSessionId();
  const value = await signSessionId(signingKey, 'name', id);
  expect(await verifySessionId([signingKey], 'name', value)).toEqual({ id, keyIndex: 0 });
  return [sealingKey, signingKey] as const;
};

describe('the native crypto path in Node', () => {
  it('is chosen, and makes no Web Crypto call', async () => {
    expect(nativeCrypto()).not.toBeNull();
    const spies = spyOnWebCrypto();
    const keys = await useEveryOperation();
    expect(keys.map((key) => key.path)).toEqual(['native', 'native']);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('gives way to Web Crypto for keys derived without it (the path the edge runtime takes)', async () => {
    const spies = spyOnWebCrypto();
    const keys = await useEveryOperation(null);
    expect(keys.map((key) => key.path)).toEqual(['web', 'web']);
    for (const spy of spies) expect(spy).toHaveBeenCalled();
  });

  it('opens a sealed value without waiting on native keys only', async () => {
    const [native, web] = [await deriveSealingKey(secret), await deriveSealingKey(secret, null)];
    const sealed = await seal(web, 'Zoë', 'name');
    expect(unsealNow([native], sealed, 'name')).toBe('Zoë');
    expect(unsealNow([native], sealed, 'other')).toBeNull();
    const otherIv = `v1.${sealed[3] === 'A' ? 'B' : 'A'}${sealed.slice(4)}`;
    expect(unsealNow([native], otherIv, 'name')).toBeNull();
    expect(unsealNow([web], sealed, 'name')).toBeUndefined();
  });

  it('is not taken when the runtime lends a node:crypto that gives other bytes or lacks a function', () => {
    const real = process.getBuiltinModule;
    const lend = (patch: Record<string, unknown>) =>
      vi
        .spyOn(process, 'getBuiltinModule')
        .mockImplementation(((id: string) =>
          id === 'node:crypto' ? { ...real('node:crypto'), ...patch } : real(id)) as typeof real);
    lend({ hkdfSync: () => new ArrayBuffer(32) });
    expect(detectNativeCrypto()).toBeNull();
    lend({ createCipheriv: undefined });
    expect(detectNativeCrypto()).toBeNull();
    vi.restoreAllMocks();
    expect(detectNativeCrypto()).not.toBeNull();
  });

  it('keeps key bytes out of logs and JSON, as a non-extractable CryptoKey does', async () => {
    const [sealingKey, signingKey] = await useEveryOperation();
    expect(inspect(sealingKey, { showHidden: true, depth: Number.POSITIVE_INFINITY })).toBe(
      "DerivedKey { use: 'aes-256-gcm', path: 'native' }",
    );
    expect(JSON.stringify({ signingKey })).toBe('{"signingKey":{"use":"hmac-sha256","path":"native"}}');
  });
});

describe('native base64url and UTF-8', () => {
  const native = () => nativeCrypto()!;
  const base64url = fc.constantFrom(...'ABCXYZabcxyz0189-_'.split(''));
  const spelled = fc.oneof(
    fc
      .tuple(fc.string({ unit: base64url, maxLength: 40 }), fc.constantFrom('', '=', '==', '==='))
      .map(([text, padding]) => text + padding),
    fc.string({ unit: fc.constantFrom(...'ABCXYZabcxyz0189-_=+/!. ĀéŁŴ\n'.split('')), maxLength: 40 }),
  );

  test.prop([spelled])('decodes and refuses exactly as the shared decoder', (text) => {
    const shared = decodeBase64Url(text);
    const fast = native().decodeBase64Url(text);
    expect(fast === null ? null : [...fast]).toEqual(shared === null ? null : [...shared]);
  });

  test.prop([
    fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ unit: 'binary' }).map((text) => new TextEncoder().encode(text)),
    ),
  ])('decodes UTF-8 and refuses what a fatal TextDecoder refuses', (bytes) => {
    let expected: string | null;
    try {
      expected = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      expected = null;
    }
    expect(native().decodeUtf8(bytes)).toBe(expected);
  });

  test.prop([fc.uint8Array({ maxLength: 100 })])('encodes as the shared encoder', (bytes) => {
    expect(native().encodeBase64Url(bytes)).toBe(encodeBase64Url(bytes));
    // A view into a larger buffer encodes only its own bytes.
    const view = new Uint8Array([9, ...bytes, 9]).subarray(1, bytes.length + 1);
    expect(native().encodeBase64Url(view)).toBe(encodeBase64Url(bytes));
  });
});
