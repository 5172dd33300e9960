import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    // The provider POSTs back-channel logout tokens as a form without an `Origin` header, which
    // SvelteKit's CSRF check refuses before any hook runs, and it can only be turned off app-wide
    // (`['*']` is SvelteKit 2.36+'s `checkOrigin: false`). `handleLogto` in src/hooks.server.ts
    // applies the same check to every other request (its `csrf` option).
    csrf: { trustedOrigins: ['*'] },
  },
};
