/**
 * The published CLI (`dist/cli.js`, as `pnpm build` makes it: bundled, oidc-provider external) starts
 * without oidc-provider's "Unsupported runtime" warning on the Node versions this package supports.
 * `pnpm build` runs before the tests (CI, and `pnpm --dir packages/dev-provider build` locally).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { loadProvider, unsupportedRuntimeWarning } from './oidcProvider.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

/** Starts the built CLI on a free port; resolves with its output once the banner is out. */
const startCli = () =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const output = { stdout: '', stderr: '' };
    child = spawn(process.execPath, [cli, '--port', '0'], {
      env: { ...process.env, NODE_ENV: 'development' },
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output.stdout += chunk.toString();
      if (output.stdout.includes('Users (username / password)')) resolve(output);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output.stderr += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${output.stderr}`)));
  });

test('the built CLI starts without oidc-provider’s runtime warning', async () => {
  expect(existsSync(cli), `${cli} is missing: run pnpm --dir packages/dev-provider build`).toBe(true);
  const { stdout, stderr } = await startCli();
  expect(stdout).toContain('Logto dev provider is running');
  expect(stderr).not.toContain('Unsupported runtime');
  expect(stdout).not.toContain('Unsupported runtime');
});

test('loading the provider filters only that warning, and only while loading', async () => {
  const original = console.warn;
  const seen: unknown[][] = [];
  console.warn = (...data: unknown[]) => void seen.push(data);
  try {
    const recording = console.warn;
    expect(typeof (await loadProvider())).toBe('function');
    expect(console.warn).toBe(recording);
    console.warn(`${unsupportedRuntimeWarning} Use Node.js v22.x LTS`);
    expect(seen).toHaveLength(1);
  } finally {
    console.warn = original;
  }
});
