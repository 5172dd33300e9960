import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { decodeBase64Url, decodeBase64UrlText, encodeBase64Url } from './base64url.ts';

/** The former `atob`-based decoder, kept as the reference the table-driven one must match. */
const referenceDecode = (input: string): Uint8Array | null => {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(input)) return null;
  const base64 = input.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (base64.length % 4 === 1) return null;
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
};

const referenceEncode = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** Mostly base64url, with the characters a hostile input would try. */
const nearlyBase64Url = fc
  .array(fc.constantFrom(...'ABYZabyz0189-_=+/. \u0000é😀'.split(''), 'A', 'z', '-', '_'), { maxLength: 60 })
  .map((chars) => chars.join(''));

describe('base64url (properties)', () => {
  test.prop([fc.uint8Array({ maxLength: 3000 })], { numRuns: 300 })(
    'encodes as btoa does (unpadded, URL alphabet) and decodes back',
    (bytes) => {
      const encoded = encodeBase64Url(bytes);
      expect(encoded).toBe(referenceEncode(bytes));
      expect(decodeBase64Url(encoded)).toEqual(bytes);
    },
  );

  test.prop([fc.oneof(nearlyBase64Url, fc.string({ maxLength: 40 }))], { numRuns: 3000 })(
    'accepts and refuses exactly what the atob-based decoder did, with the same bytes',
    (input) => {
      expect(decodeBase64Url(input)).toEqual(referenceDecode(input));
    },
  );

  test.prop(
    [
      fc.oneof(
        nearlyBase64Url,
        fc
          .string({ unit: 'binary', maxLength: 40 })
          .map((text) => encodeBase64Url(new TextEncoder().encode(text))),
        fc.uint8Array({ maxLength: 40 }).map(encodeBase64Url),
      ),
    ],
    { numRuns: 3000 },
  )('decodes text as the byte decoder and a lenient UTF-8 decoder do, and refuses padding', (input) => {
    const bytes = input.includes('=') ? null : decodeBase64Url(input);
    expect(decodeBase64UrlText(input)).toBe(bytes === null ? null : new TextDecoder().decode(bytes));
  });
});
