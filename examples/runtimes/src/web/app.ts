/**
 * The Logto tutorial's app with no framework: one `(request, logto) => Response` handler on
 * `@logto-machine/core/web`, which `withLogto` wraps for `Bun.serve` (`bun.ts`), `Deno.serve`
 * (`deno.ts`) and a Cloudflare Worker's `fetch` (`workers.ts`). `withLogto` answers `/sign-in`,
 * `/sign-up`, `/callback` and `/sign-out` before this handler runs.
 *
 * @module
 */
import type { LogtoContext, LogtoServerConfig } from '@logto-machine/core/web';

// #region config
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const required = (env: Record<string, string | undefined>, name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`Set ${name} in the environment.`);
  return value;
};

/** The Logto configuration of the environment (Bun's and Deno's) or of a Worker's bindings. */
export const configFromEnv = (env: Record<string, string | undefined>): LogtoServerConfig => ({
  endpoint: required(env, 'LOGTO_ENDPOINT'),
  appId: required(env, 'LOGTO_APP_ID'),
  appSecret: required(env, 'LOGTO_APP_SECRET'),
  baseUrl: env.BASE_URL || undefined,
  scopes: list(env.LOGTO_SCOPES),
  resources: list(env.LOGTO_RESOURCES),
  // 32+ characters; a comma-separated list to rotate (the first encrypts).
  session: { secrets: list(required(env, 'SESSION_SECRET')) },
});
// #endregion config

// #region app
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const page = (body: string, status = 200) =>
  new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>Logto</title></head><body>${body}</body></html>`,
    {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    },
  );

const pretty = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

/** The app's routes; the SDK errors they throw are answered by `withLogto` (sign in again, 4xx, 502). */
export const app = async (request: Request, logto: LogtoContext): Promise<Response> => {
  const url = new URL(request.url);
  const { client } = logto;
  switch (url.pathname) {
    case '/': {
      if (!(await client.isAuthenticated()))
        return page('<p>Not authenticated</p><p><a href="/sign-in">Sign in</a></p>');
      const claims = await client.getIdTokenClaims();
      const userInfo = await client.fetchUserInfo();
      return page(
        `<h1>Signed in</h1><h2>ID token claims</h2>${pretty(claims)}<h2>User info</h2>${pretty(userInfo)}` +
          '<p><a href="/protected">Protected page</a> · <a href="/sign-out">Sign out</a></p>',
      );
    }
    case '/protected':
      // Signed out: a redirect to sign-in that comes back here.
      return (await logto.requireAuth()) ?? page('<p>Protected page</p>');
    case '/api/token': {
      const resource = url.searchParams.get('resource') ?? undefined;
      const accessToken = await client.getAccessToken(resource);
      if (!accessToken) return Response.json({ accessToken: null }, { status: 401 });
      return Response.json({ accessToken, claims: await client.getAccessTokenClaims(resource) });
    }
    default:
      return page('<p>Not found</p>', 404);
  }
};
// #endregion app
