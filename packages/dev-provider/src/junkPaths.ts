/**
 * Requests an app must never answer with a server error: malformed query strings, hostile
 * parameters on the auth routes, and callbacks that belong to no sign-in. The API routes are the
 * tutorial's (`/api/me`, `/api/token`, `/api/organization-token`); an app without one answers 404.
 */
export const junkPaths: readonly string[] = [
  '/?%',
  '/?a=%zz&b',
  '/protected?returnTo=%00',
  '/api/me?x=%E0%A4%A',
  '/api/token?resource=',
  '/api/token?resource=%zz',
  '/api/token?resource=not a url',
  '/api/token?resource=https://api.example.com&resource=https://evil.com',
  '/api/token?resource[]=x',
  '/api/organization-token',
  '/api/organization-token?organizationId=',
  '/api/organization-token?organizationId=%00%0d%0a',
  `/api/organization-token?organizationId=${'x'.repeat(3000)}`,
  '/sign-in?returnTo=%ff',
  '/sign-in?returnTo=javascript:alert(1)',
  '/sign-up?returnTo=//evil.com',
  '/callback',
  '/callback?%%%',
  '/callback?code=&state=',
  '/callback?error=access_denied&state=x',
  '/callback?code=a&state=a&iss=https://evil.com',
];
