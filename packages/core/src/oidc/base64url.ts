/**
 * Base64url (RFC 4648 §5) without `Buffer`, so the core runs on Workers, Deno and Bun unchanged.
 *
 * @module
 */

/** Encodes bytes as unpadded base64url. */
export const encodeBase64Url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

/** Decodes base64url (padded or not); returns `null` for anything that is not base64url. */
export const decodeBase64Url = (input: string): Uint8Array | null => {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(input)) return null;
  const base64 = input.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (base64.length % 4 === 1) return null;
  try {
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
    return bytes;
  } catch {
    return null;
  }
};

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes a base64url segment holding a JSON object; `null` when it is not one. */
export const decodeJsonSegment = (segment: string): Record<string, unknown> | null => {
  const bytes = decodeBase64Url(segment);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(textDecoder.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
};
