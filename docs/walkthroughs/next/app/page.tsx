import { logto } from '../lib/logto';

export default async function Home() {
  const client = await logto.getLogto();
  if (!(await client.isAuthenticated())) {
    return (
      <p>
        Not authenticated. <a href="/sign-in">Sign in</a>
      </p>
    );
  }
  const { sub } = await client.getIdTokenClaims();
  return (
    <>
      <p>Signed in as {sub}</p>
      <p>
        <a href="/protected">Protected page</a> · <a href="/api/token">Access token</a> ·{' '}
        <a href="/sign-out">Sign out</a>
      </p>
    </>
  );
}
