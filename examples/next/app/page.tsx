/** `/`: a Server Component that reads the session with getLogto(), which never writes a cookie. */
import { logto } from '../lib/logto.ts';
import { signOut } from './actions.ts';

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

export default async function Home() {
  const client = await logto.getLogto();
  if (!(await client.isAuthenticated())) {
    return (
      <>
        <p>Not authenticated</p>
        <p>
          <a href="/sign-in">Sign in</a> or <a href="/sign-up">sign up</a>
        </p>
      </>
    );
  }
  const claims = await client.getIdTokenClaims();
  // Needs the default access token: the proxy refreshed it before this page rendered.
  const userInfo = await client.fetchUserInfo();
  const resources = (process.env.LOGTO_RESOURCES ?? '').split(',').filter(Boolean);
  return (
    <>
      <h1>Signed in</h1>
      <h2>ID token claims</h2>
      <pre>{pretty(claims)}</pre>
      <h2>User info</h2>
      <pre>{pretty(userInfo)}</pre>
      <h2>Access tokens</h2>
      <ul>
        <li>
          <a href="/api/token">Default access token</a>
        </li>
        {resources.map((resource) => (
          <li key={resource}>
            <a href={`/api/token?resource=${encodeURIComponent(resource)}`}>Token for {resource}</a>
          </li>
        ))}
        {(claims.organizations ?? []).map((id) => (
          <li key={id}>
            <a href={`/api/organization-token?organizationId=${encodeURIComponent(id)}`}>
              Token for organization {id}
            </a>
          </li>
        ))}
      </ul>
      <p>
        <a href="/protected">Protected page</a> · <a href="/sign-out">Sign out</a>
      </p>
      <form action={signOut}>
        <button type="submit">Sign out (server action)</button>
      </form>
    </>
  );
}
