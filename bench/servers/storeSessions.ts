/**
 * Store mode's bench hook: `GET /clone-sessions?cookie=…&count=N` on the control port copies the
 * session behind a signed-in cookie to N new session ids through core's own `StoreSessions` (the same
 * store, secrets and key prefix as the app's), as N sign-ins would leave them, and answers a few of the
 * new cookies (spread over the N) for the runner to check. With `distinct=1` each copy is another user's
 * (`distinctUser.ts`: no per-session cache hits) and every cookie is answered.
 */
import { StoreSessions } from '@logto-machine/core';
import { sessionSecret, sessionStore } from './config.ts';
import { controlAction } from './control.ts';
import { asDistinctUser } from './distinctUser.ts';

if (sessionStore) {
  const sessions = new StoreSessions({ store: sessionStore, secrets: [sessionSecret] });
  controlAction('/clone-sessions', async (query) => {
    const value = await sessions.open(query.get('cookie'), { secure: false }).get('session');
    if (value === null) throw new Error('the cookie has no session');
    const count = Number(query.get('count'));
    const distinct = query.get('distinct') === '1';
    const samples: string[] = [];
    const cookies: string[] = [];
    const every = Math.max(1, Math.floor(count / 20));
    for (let index = 0; index < count; index += 1) {
      const session = sessions.open(null, { secure: false });
      await session.set('session', distinct ? asDistinctUser(value, index) : value);
      const cookie = () =>
        session
          .setCookieHeaders()
          .map((header) => header.split(';', 1)[0])
          .join('; ');
      if (distinct) cookies.push(cookie());
      else if (index % every === 0 || index === count - 1) samples.push(cookie());
    }
    return distinct ? { cookies } : { samples };
  });
}
