/**
 * `pnpm demo`, as a person would use it: Debian's Chromium (driven by playwright-core) signs in with
 * the seeded user, sees the ID-token claims and userinfo, fetches an API token and signs out.
 * Screenshots land in `artifacts/` (kept by CI).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const artifacts = join(root, 'artifacts');
let demo: ChildProcess;
let output = '';
let browser: Browser;
let baseUrl: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  for (const name of Object.keys(env)) if (name.startsWith('LOGTO_') || name === 'BASE_URL') delete env[name];
  // Exactly the README's demo command (its install step already ran).
  demo = spawn('npx', ['-y', 'pnpm@10.34.8', 'demo'], { cwd: root, env, detached: true });
  baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pnpm demo did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const listening = /Listening on (\S+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    };
    demo.stdout?.on('data', onData);
    demo.stderr?.on('data', onData);
    demo.on('exit', (code) => reject(new Error(`pnpm demo exited with ${code}:\n${output}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (demo?.pid) process.kill(-demo.pid, 'SIGTERM');
});

describe('pnpm demo in a browser', () => {
  it('prints the provider URL and the seeded user', () => {
    expect(output).toMatch(/dev provider at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('demo / demo-password');
  });

  it('signs in, shows claims and userinfo, fetches an API token, and signs out', async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    await expect.poll(() => page.textContent('body')).toContain('Not authenticated');

    await page.click('text=Sign in');
    await page.waitForSelector('input[name="username"]');
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
    await page.fill('input[name="username"]', 'demo');
    await page.fill('input[name="password"]', 'demo-password');
    await page.click('button[type="submit"]');

    await page.waitForURL(`${baseUrl}/`);
    const home = (await page.textContent('body')) ?? '';
    expect(home).toContain('ID token claims');
    expect(home).toContain('"sub": "user_demo"');
    expect(home).toContain('User info');
    expect(home).toContain('"custom_data"');
    await page.screenshot({ path: join(artifacts, 'demo-signed-in.png'), fullPage: true });

    const [token] = await Promise.all([
      page.waitForResponse(/\/api\/token\?resource=/),
      page.click('text=Token for https://api.example.com'),
    ]);
    const body = (await token.json()) as { accessToken: string; claims: { aud: string; scope: string } };
    expect(body.accessToken).toMatch(/^ey/);
    expect(body.claims).toMatchObject({ aud: 'https://api.example.com', scope: 'read:data' });

    await page.goto(baseUrl);
    await page.click('text=Sign out');
    await page.waitForURL(`${baseUrl}/`);
    await expect.poll(() => page.textContent('body')).toContain('Not authenticated');
    await page.screenshot({ path: join(artifacts, 'demo-signed-out.png'), fullPage: true });
  });
});
