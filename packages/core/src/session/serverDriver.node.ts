/**
 * Drives a {@link LogtoServer} in process like a browser would, for the session tests that need a real
 * provider: one cookie jar, the auth routes, and the request's client for everything else.
 */
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import { nextCookieHeader } from '../../test/cookieJar.ts';
import type { LogtoClient } from '../runtime/LogtoClient.ts';
import type { LogtoServer } from '../server/LogtoServer.ts';

export const appOrigin = 'http://127.0.0.1:4999';

export class ServerBrowser {
  cookie = '';

  constructor(readonly server: LogtoServer) {}

  /** One request to `path`: an auth route's answer, or `use` run with the request's client. */
  async request<A>(path: string, use?: (client: LogtoClient) => Promise<A>) {
    const request = this.server.open({ url: `${appOrigin}${path}`, method: 'GET', cookie: this.cookie });
    const routed = await request.route();
    const value = routed === null && use ? await use(request.client) : undefined;
    const setCookie = routed?.setCookie ?? request.setCookieHeaders();
    this.cookie = nextCookieHeader(this.cookie, setCookie);
    return { routed, value, setCookie };
  }

  async signIn(): Promise<void> {
    const { routed } = await this.request('/sign-in');
    if (routed?.kind !== 'redirect') throw new Error('expected a redirect to the provider');
    const callback = await completeSignIn(routed.location, { username: 'demo', password: 'demo-password' });
    const answer = await this.request(new URL(callback).pathname + new URL(callback).search);
    if (answer.routed?.kind !== 'redirect')
      throw new Error(`the callback failed: ${JSON.stringify(answer.routed)}`);
  }

  clone(): ServerBrowser {
    const copy = new ServerBrowser(this.server);
    copy.cookie = this.cookie;
    return copy;
  }
}
