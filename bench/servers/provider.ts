/**
 * The dev provider in its own process (run with tsx), so neither the load generator nor the measured
 * app shares its CPU. Options come as JSON in BENCH_PROVIDER_OPTIONS; `GET /stats` on the control
 * port adds the provider's request and grant counters, `GET /refresh-grants` lists the refresh grants
 * (digest of the token presented, status), `GET /reset` zeroes them.
 */
import { type DevProviderOptions, startDevProvider } from '@logto-machine/dev-provider';
import { controlAction, ready, reportExtra } from './control.ts';

const options: DevProviderOptions = JSON.parse(process.env.BENCH_PROVIDER_OPTIONS ?? '{}');
const provider = await startDevProvider({ ...options, logErrors: false });

reportExtra(() => ({
  ...Object.fromEntries(
    Object.entries(provider.stats.requests).map(([name, count]) => [`requests.${name}`, count]),
  ),
  ...Object.fromEntries(
    Object.entries(provider.stats.grants).map(([name, count]) => [`grants.${name}`, count]),
  ),
  refreshGrants: provider.stats.refreshGrants.length,
  failedRefreshGrants: provider.stats.refreshGrants.filter(({ status }) => status >= 400).length,
  reusedRefreshTokens: provider.stats.reusedRefreshTokens().length,
}));
controlAction('/refresh-grants', () => provider.stats.refreshGrants);
controlAction('/reset', () => {
  provider.stats.reset();
  return { ok: true };
});

await ready(Number(new URL(provider.url).port), { url: provider.url, issuer: provider.issuer });
