/**
 * Property tests run with a fixed seed in CI, so a red run reproduces exactly; elsewhere (and in the
 * nightly-style `pnpm fuzz`, with FC_SEED unset and CI unset) every run explores new cases. A failure
 * prints its seed either way; replay it with `FC_SEED=<seed>`.
 */
import { fc } from '@fast-check/vitest';

const seed = process.env.FC_SEED ?? (process.env.CI ? '20261127' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
