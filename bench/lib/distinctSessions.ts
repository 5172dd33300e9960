/**
 * Many users' sessions from one sign-in, for the rows and profiles that must miss every per-session
 * cache (the decrypt cache and the parsed-session memo hold 1,000 each): the signed-in session copied
 * `count` times as distinct users' (`servers/distinctUser.ts`: `sub` `user_demo~<index>`).
 */
import { CookieSessions } from '@logto-machine/core';
import { sessionSecret } from '../servers/config.ts';
import { asDistinctUser } from '../servers/distinctUser.ts';
import type { ServerProcess } from './servers.ts';

/** More sessions than any per-session cache of ours holds (1,000): every request misses them. */
export const manySessions = 2000;

/** Every cookie the session uses, re-sealed `count` times as distinct users'. */
export const distinctCookieSessions = async (cookie: string, count: number): Promise<string[]> => {
  const sessions = new CookieSessions({ secrets: [sessionSecret] });
  const plaintext = await sessions.open(cookie, { secure: false }).get('session');
  if (!plaintext) throw new Error('could not read the signed-in session back');
  const cookies: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const session = sessions.open(null, { secure: false });
    await session.set('session', asDistinctUser(plaintext, index));
    cookies.push(
      session
        .setCookieHeaders()
        .map((header) => header.split(';', 1)[0])
        .join('; '),
    );
  }
  return cookies;
};

/**
 * Store mode: the session behind `cookie` copied `count` times into the server's own store, each copy
 * a distinct plaintext (`servers/storeSessions.ts`); the cookies of every copy.
 */
export const distinctStoreSessions = async (
  server: ServerProcess,
  cookie: string,
  count: number,
): Promise<string[]> => {
  const { cookies } = await server.control<{ cookies: string[] }>(
    `/clone-sessions?count=${count}&distinct=1&cookie=${encodeURIComponent(cookie)}`,
  );
  if (cookies.length !== count) throw new Error(`asked for ${count} store sessions, got ${cookies.length}`);
  return cookies;
};

/** `count` distinct sessions like the one behind `cookie`, in the server's session mode. */
export const distinctSessions = (
  server: ServerProcess,
  cookie: string,
  count: number,
  mode: 'cookie' | 'store',
): Promise<string[]> =>
  mode === 'store' ? distinctStoreSessions(server, cookie, count) : distinctCookieSessions(cookie, count);
