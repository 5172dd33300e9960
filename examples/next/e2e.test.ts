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

    it('signs out through the server action of the home page (a form POST, no JavaScript)', async () => {
      const { browser } = await example.signIn();
      const html = await (await browser.get('/')).text();
      const field = /name="(\$ACTION_ID_[0-9a-f]+)"/.exec(html)?.[1];
      expect(field).toBeDefined();
      const form = new FormData();
      form.set(field!, '');
      const response = await fetch(new URL('/', example.baseUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: {
          origin: example.baseUrl,
          cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        },
        body: form,
      });
      expect([303, 307]).toContain(response.status);
      const location = new URL(response.headers.get('location')!, example.baseUrl);
      expect(location.href).toContain(`${example.provider.issuer}/session/end`);
      browser.store(response);
      expect((await (await browser.get('/api/me')).json()).isAuthenticated).toBe(false);
    });
  },
});
