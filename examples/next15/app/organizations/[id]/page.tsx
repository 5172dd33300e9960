/**
 * `/organizations/<id>`: a Server Component that reads an organization token, which the middleware
 * fetched or refreshed for this very request (see keepFresh in middleware.ts).
 */
import { logto } from '../../../lib/logto.ts';

export default async function Organization({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const client = await logto.getLogto();
  if (!(await client.isAuthenticated())) return <p>Not authenticated</p>;
  const claims = await client.getOrganizationTokenClaims(decodeURIComponent(id));
  return <pre>{JSON.stringify({ organizationToken: claims }, null, 2)}</pre>;
}
