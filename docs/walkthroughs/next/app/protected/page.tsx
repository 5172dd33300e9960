import { logto } from '../../lib/logto';

// proxy.ts sends signed-out visitors to sign-in before this page renders.
export default async function Protected() {
  const { sub } = await (await logto.getLogto()).getIdTokenClaims();
  return <p>Protected page for {sub}</p>;
}
