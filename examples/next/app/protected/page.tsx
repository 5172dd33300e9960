/** `/protected`: the proxy sends signed-out visitors to sign-in (see proxy.ts). */
export const dynamic = 'force-dynamic';

export default function Protected() {
  return <p>Protected page</p>;
}
