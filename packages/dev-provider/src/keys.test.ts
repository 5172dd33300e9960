import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';

import { startDevProvider } from './index.js';
import { signIn } from './test/oidcClient.js';

describe('signing keys', () => {
  it('signs with RS256 when asked', async () => {
    const op = await startDevProvider({ signingAlg: 'RS256' });
    try {
      const { tokens } = await signIn(op);
      expect(decodeProtectedHeader(tokens.body.id_token ?? '').alg).toBe('RS256');
    } finally {
      await op.stop();
    }
  });

  it('loads a private JWKS from keysFile and publishes its public part', async () => {
    const { privateKey } = await generateKeyPair('ES384', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'fixed-key', alg: 'ES384', use: 'sig' };
    const file = join(await mkdtemp(join(tmpdir(), 'ldp-')), 'keys.json');
    await writeFile(file, JSON.stringify({ keys: [jwk] }));
    const op = await startDevProvider({ keysFile: file });
    try {
      const { keys } = await (await fetch(`${op.issuer}/jwks`)).json();
      expect(keys).toEqual([expect.objectContaining({ kid: 'fixed-key', x: jwk.x })]);
      expect(keys[0]).not.toHaveProperty('d');
      const { tokens } = await signIn(op);
      expect(decodeProtectedHeader(tokens.body.id_token ?? '').kid).toBe('fixed-key');
    } finally {
      await op.stop();
    }
  });

  it('refuses a keysFile without a usable private key', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'ldp-')), 'keys.json');
    await writeFile(file, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] }));
    await expect(startDevProvider({ keysFile: file })).rejects.toThrow(/private keys/);
  });
});
