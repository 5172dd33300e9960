import { runExampleContract } from '@logto-machine/example-contract';

// Starts `pnpm --dir examples/hono start` against a dev provider and drives it like a browser.
runExampleContract({ name: 'hono' });
