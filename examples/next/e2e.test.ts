import { visibleText } from '@logto-machine/dev-provider/testing';
import { runExampleContract } from '@logto-machine/example-contract';
import { expect, it } from 'vitest';

// Starts `pnpm --dir examples/next start` (`next build`, then `next start`) against a dev provider and
// drives it like a browser.
runExampleContract({
  name: 'next',
  startTimeoutMs: 180_000,
  moreTests: (example) => {
    it('renders a Server Component on an expired access token: the proxy refreshes, getLogto() never writes', async () => {
      const { browser } = await example.signIn();
      // Access tokens live 2 s in the suite: the one in the session is expired now.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const before = example.provider.stats.refreshGrants.length;
      const home = await browser.get('/');
      expect(home.status).toBe(200);
      const text = visibleText(await home.text());
      expect(text).toContain('User info');
      expect(text).not.toMatch(/Cookies can only be modified/);
      expect(example.provider.stats.refreshGrants.length).toBe(before + 1);
      // The proxy wrote the refreshed session: the next page needs no grant.
      expect((await browser.get('/')).status).toBe(200);
      expect(example.provider.stats.refreshGrants.length).toBe(before + 1);
    });
  },
});
