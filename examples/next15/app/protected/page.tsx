/** `/protected`: the middleware sends signed-out visitors to sign-in (see middleware.ts). */
export const dynamic = 'force-dynamic';

export default function Protected() {
  return <p>Protected page</p>;
}
