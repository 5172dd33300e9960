import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { ProductionRefusedError, startDevProvider } from './index.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('NODE_ENV=production', () => {
  it('refuses to start, saying why', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const attempt = startDevProvider();
    await expect(attempt).rejects.toThrow(ProductionRefusedError);
    await expect(startDevProvider()).rejects.toThrow(/in memory.*test keys.*automatically/);
  });

  it('starts with allowProduction', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const op = await startDevProvider({ allowProduction: true });
    await op.stop();
  });
});

describe('CLI', () => {
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  const run = (args: string[], env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...env },
      timeout: 20_000,
    });

  it('exits with the reason under NODE_ENV=production', async () => {
    const failure = await run([], { NODE_ENV: 'production' }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/Refusing to start.*--allow-production/s);
  });

  it('prints its usage', async () => {
    const { stdout } = await run(['--help'], {});
    expect(stdout).toMatch(/--allow-production/);
  });
});
