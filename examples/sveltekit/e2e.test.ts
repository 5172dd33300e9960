import type { Browser } from '@logto-machine/dev-provider/testing';
import { runExampleContract } from '@logto-machine/example-contract';
import { expect, it } from 'vitest';

/**
 * A form POST with `browser`'s cookies and `headers`, as a page on another origin of the same site
 * (another subdomain) could send it: `SameSite=Lax` cookies go along.
 */
const post = (browser: Browser, path: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, browser.baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      ...headers,
    },
    body: 'a=1',
  });

// Starts `pnpm --dir examples/sveltekit start` (a `vite build`, then the adapter-node server) against
// a dev provider and drives it like a browser.
runExampleContract({
  name: 'sveltekit',
  startTimeoutMs: 120_000,
  moreTests: (example) => {
    // svelte.config.js turns SvelteKit's own check off (for back-channel logout); the hook's must hold.
    it('refuses cross-site form POSTs with 403, as SvelteKit would, and keeps the session', async () => {
      const { browser } = await example.signIn();
      const foreign: Record<string, string>[] = [{ origin: 'https://evil.example' }, {}];
      for (const origin of foreign) {
        const response = await post(browser, '/sign-out', origin);
        expect(response.status).toBe(403);
        expect(await response.text()).toBe('Cross-site POST form submissions are forbidden');
      }
      const json = await post(browser, '/', { accept: 'application/json' });
      expect(json.status).toBe(403);
      expect(await json.json()).toEqual({ message: 'Cross-site POST form submissions are forbidden' });
      expect((await (await browser.get('/api/me')).json()).isAuthenticated).toBe(true);

      // The same form from the app's own pages signs out.
      const signOut = await post(browser, '/sign-out', { origin: example.baseUrl });
      expect(signOut.status).toBe(302);
      browser.store(signOut);
      expect((await (await browser.get('/api/me')).json()).isAuthenticated).toBe(false);
    });
  },
});
