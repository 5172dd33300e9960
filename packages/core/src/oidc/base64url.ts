/**
 * Base64url (RFC 4648 §5) without `Buffer`, so the core runs on Workers, Deno and Bun unchanged.
 *
 * @module
 */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each character code's 6-bit value; 64 for characters outside the alphabet. */
const values = new Uint8Array(128).fill(64);
for (let index = 0; index < alphabet.length; index++) values[alphabet.charCodeAt(index)] = index;

/** The 6-bit value of the character at `index`; 64 when it is not base64url. */
const valueAt = (input: string, index: number): number => {
  const code = input.charCodeAt(index);
  return code < 128 ? values[code]! : 64;
};

// Table-driven rather than `btoa`/`atob` with regex rewrites: sessions decode ~2 KB values per
// request, and this is several times faster on every runtime.

const alphabetCodes = Uint8Array.from(alphabet, (char) => char.charCodeAt(0));

/** The ASCII codes as a string, in slices (an argument list has a length limit). */
const asciiString = (codes: Uint8Array): string => {
  let text = '';
  for (let start = 0; start < codes.length; start += 8192)
    text += String.fromCharCode.apply(null, codes.subarray(start, start + 8192) as unknown as number[]);
  return text;
};

/** Encodes bytes as unpadded base64url. */
export const encodeBase64Url = (bytes: Uint8Array): string => {
  const out = new Uint8Array(Math.ceil((bytes.length * 4) / 3));
  let at = 0;
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    out[at++] = alphabetCodes[triple >> 18]!;
    out[at++] = alphabetCodes[(triple >> 12) & 63]!;
    out[at++] = alphabetCodes[(triple >> 6) & 63]!;
    out[at++] = alphabetCodes[triple & 63]!;
  }
  const left = bytes.length - index;
  if (left === 1) {
    const single = bytes[index]!;
    out[at++] = alphabetCodes[single >> 2]!;
    out[at++] = alphabetCodes[(single & 3) << 4]!;
  } else if (left === 2) {
    const pair = (bytes[index]! << 8) | bytes[index + 1]!;
    out[at++] = alphabetCodes[pair >> 10]!;
    out[at++] = alphabetCodes[(pair >> 4) & 63]!;
    out[at++] = alphabetCodes[(pair & 15) << 2]!;
  }
  return asciiString(out);
};

/**
 * Decodes base64url, padded or not (up to two `=`), ignoring unused trailing bits as `atob` does;
 * returns `null` for anything that is not base64url.
 */
export const decodeBase64Url = (input: string): Uint8Array | null => {
  let length = input.length;
  if (input.charCodeAt(length - 1) === 61 /* = */) length -= input.charCodeAt(length - 2) === 61 ? 2 : 1;
  if (length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((length * 3) / 4));
  let at = 0;
  let index = 0;
  for (; index + 3 < length; index += 4) {
    const a = valueAt(input, index);
    const b = valueAt(input, index + 1);
    const c = valueAt(input, index + 2);
    const d = valueAt(input, index + 3);
    if ((a | b | c | d) & 64) return null;
    const quad = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[at++] = quad >> 16;
    bytes[at++] = (quad >> 8) & 255;
    bytes[at++] = quad & 255;
  }
  const left = length - index;
  if (left >= 2) {
    const a = valueAt(input, index);
    const b = valueAt(input, index + 1);
    const c = left === 3 ? valueAt(input, index + 2) : 0;
    if ((a | b | c) & 64) return null;
    bytes[at++] = (a << 2) | (b >> 4);
    if (left === 3) bytes[at++] = ((b & 15) << 4) | (c >> 2);
  }
  return bytes;
};

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** The JSON object `text` holds; `null` when it holds something else or is not JSON. */
export const parseJsonObject = (text: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
};

const notBase64Url = /[^\w-]/;
/** A byte over 0x7f in a binary string (what `atob` returns): the text is not ASCII. */
const highByte = /[\u0080-\u00ff]/;
const lenientUtf8 = new TextDecoder();

/**
 * The text a base64url value encodes as UTF-8, decoded leniently (malformed UTF-8 becomes U+FFFD, as
 * `jose` decodes a token's segments); `null` when `input` is not unpadded base64url. For values that
 * were verified when they were received: the runtime's `atob` decodes, which on every runtime costs a
 * fraction of the table loop above and allocates no bytes for ASCII text.
 */
export const decodeBase64UrlText = (input: string): string | null => {
  if (input.length % 4 === 1 || notBase64Url.test(input)) return null;
  const binary = atob(input.replace(/-/g, '+').replace(/_/g, '/'));
  if (!highByte.test(binary)) return binary;
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return lenientUtf8.decode(bytes);
};

/** Decodes a base64url segment holding a JSON object; `null` when it is not one. */
export const decodeJsonSegment = (segment: string): Record<string, unknown> | null => {
  const bytes = decodeBase64Url(segment);
  if (!bytes) return null;
  let text: string;
  try {
    text = textDecoder.decode(bytes);
  } catch {
    return null;
  }
  return parseJsonObject(text);
};
