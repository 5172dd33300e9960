import { runExampleContract } from '@logto-machine/example-contract';

// Starts `pnpm --dir examples/koa start` against a dev provider and drives it like a browser.
runExampleContract({ name: 'koa' });
