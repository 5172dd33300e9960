/** `/`: a Server Component that reads the session with getLogto(), which never writes a cookie. */
import { logto } from '../lib/logto.ts';

export default async function Home() {
  const client = await logto.getLogto();
  if (!(await client.isAuthenticated())) {
    return (
      <p>
        Not authenticated. <a href="/sign-in">Sign in</a>
      </p>
    );
  }
  const claims = await client.getIdTokenClaims();
  // Needs the default access token: the middleware refreshed it before this page rendered.
  const userInfo = await client.fetchUserInfo();
  return (
    <>
      <h1>Signed in</h1>
      <pre>{JSON.stringify({ claims, userInfo }, null, 2)}</pre>
      <p>
        <a href="/protected">Protected page</a> · <a href="/api/token">Access token</a> ·{' '}
        <a href="/sign-out">Sign out</a>
      </p>
    </>
  );
}
