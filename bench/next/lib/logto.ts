/**
 * The measured routes' integration: the example's configuration (bench/servers/config.ts), read at
 * the first request. `measured` is the signed-in endpoint: the user's `sub`, 401 when signed out.
 */
import { createLogto } from '@logto-machine/next';

const counter = (globalThis as { __benchCounter?: { authenticated: number } }).__benchCounter!;

export const logto = createLogto(() => ({
  endpoint: process.env.LOGTO_ENDPOINT!,
  appId: 'demo-app',
  appSecret: 'demo-app-secret',
  scopes: [
    'email',
    'custom_data',
    'urn:logto:scope:organizations',
    'urn:logto:scope:organization_roles',
    'read:data',
    'read:org',
  ],
  resources: ['https://api.example.com'],
  session: { secrets: [process.env.BENCH_SESSION_SECRET!] },
}));

export const measured = logto.route(async (_request, { logto: client }) => {
  if (!(await client.isAuthenticated())) return new Response('signed out', { status: 401 });
  counter.authenticated += 1;
  return new Response((await client.getIdTokenClaims()).sub);
});

/** A bare route handler: every request counts. */
export const bare = async (): Promise<Response> => {
  counter.authenticated += 1;
  return new Response('anonymous');
};
