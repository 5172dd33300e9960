import { runExampleContract } from '@logto-machine/example-contract';

// Starts `pnpm --dir examples/sveltekit start` (a `vite build`, then the adapter-node server) against
// a dev provider and drives it like a browser.
runExampleContract({ name: 'sveltekit', startTimeoutMs: 120_000 });
