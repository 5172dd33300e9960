import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Models whose tokens belong to a grant and go when it is revoked, as in oidc-provider's adapter. */
const grantable = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Kept this long past expiry, so an expired token reads as "expired", not "not found" (oidc-provider's clockTolerance). */
const graceMs = 15_000;

/**
 * oidc-provider's storage, in memory and per provider. Unlike oidc-provider's quick-start adapter
 * (one LRU of 1000 entries shared by every provider in the process), nothing is evicted early,
 * so long test runs never lose a live refresh token, and two providers never share state.
 */
export function createMemoryAdapter(): AdapterFactory {
  const entries = new Map<string, Entry>();
  const grantMembers = new Map<string, Set<string>>();
  const sessionUids = new Map<string, string>();
  const userCodes = new Map<string, string>();
  let writes = 0;

  const read = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.payload;
  };
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) remove(key);
  };
  const remove = (key: string) => {
    const payload = entries.get(key)?.payload;
    entries.delete(key);
    if (payload?.grantId) grantMembers.get(payload.grantId)?.delete(key);
  };

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 + graceMs : Infinity;
        writes += 1;
        if (writes % 1000 === 0) sweep();
        entries.set(key(id), { payload, expiresAt });
        if (grantable.has(model) && payload.grantId) {
          const members = grantMembers.get(payload.grantId) ?? new Set();
          grantMembers.set(payload.grantId, members.add(key(id)));
        }
        if (model === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
        if (payload.userCode) userCodes.set(payload.userCode, id);
      },
      async find(id) {
        return read(key(id));
      },
      async findByUid(uid) {
        const id = sessionUids.get(uid);
        return id === undefined ? undefined : read(key(id));
      },
      async findByUserCode(userCode) {
        const id = userCodes.get(userCode);
        return id === undefined ? undefined : read(key(id));
      },
      async consume(id) {
        const payload = read(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        remove(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const member of grantMembers.get(grantId) ?? []) entries.delete(member);
        grantMembers.delete(grantId);
      },
    };
  };
}
