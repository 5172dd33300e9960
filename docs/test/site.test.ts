/**
 * The built site: every internal link resolves, the generated pages say what the code says, and in
 * Debian's Chromium (driven by playwright-core) the home page, each walkthrough and the state chart
 * render with no console errors — the chart drawn as SVG from the machine's states. Screenshots land
 * in `artifacts/docs-*.png`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, relative } from 'node:path';
import { sessionMachine } from '@logto-machine/core/machine';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { readRepoFile, repoRoot } from '../scripts/paths.ts';
import { buildSite, fileFor, serveSite } from './site.ts';

const artifacts = join(repoRoot, 'artifacts');
let outDir: string;
let site: { url: string; server: Server };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  outDir = await buildSite();
  site = await serveSite(outDir);
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
  site?.server.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const htmlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return htmlFiles(path);
    return name.endsWith('.html') ? [path] : [];
  });

const decodeAttribute = (value: string) =>
  value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

describe('the built site', () => {
  it('has no broken internal links: every href and src names a built file, every #anchor an id', () => {
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      let found = ids.get(file);
      if (!found) {
        found = new Set(
          [...readFileSync(file, 'utf8').matchAll(/\sid="([^"]*)"/g)].map((match) =>
            decodeAttribute(match[1]!),
          ),
        );
        ids.set(file, found);
      }
      return found;
    };
    const pages = htmlFiles(outDir);
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      const pageUrl = new URL(relative(outDir, page), 'http://site/');
      for (const [, raw] of readFileSync(page, 'utf8').matchAll(/\s(?:href|src)="([^"]*)"/g)) {
        const link = decodeAttribute(raw!);
        if (link === '' || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(link)) continue;
        checked++;
        const target = new URL(link, pageUrl);
        const file = fileFor(outDir, target.pathname);
        if (!file) {
          broken.push(`${relative(outDir, page)}: ${link} (no such file)`);
          continue;
        }
        const anchor = decodeURIComponent(target.hash.slice(1));
        if (anchor && file.endsWith('.html') && !idsOf(file).has(anchor)) {
          broken.push(`${relative(outDir, page)}: ${link} (no id "${anchor}" in ${relative(outDir, file)})`);
        }
      }
    }
    expect(pages.length).toBeGreaterThan(20);
    expect(checked).toBeGreaterThan(1000);
    expect(broken).toEqual([]);
  });

  it('lists every error tag and reason of errors.ts on the errors page, each with what to do', () => {
    // Read errors.ts independently of the generator: each class's tag and the literals of its reason union.
    const source = readRepoFile('packages/core/src/errors.ts');
    const classes = [...source.matchAll(/TaggedError\('(\w+)'\)<\{([\s\S]*?)\n\}>/g)].map(
      ([, tag, body]) => ({
        tag: tag!,
        reasons: [...(/readonly reason:([^;]*);/.exec(body!)?.[1] ?? '').matchAll(/'(\w+)'/g)].map(
          (match) => match[1]!,
        ),
      }),
    );
    expect(classes.length).toBeGreaterThanOrEqual(10);
    const page = readFileSync(join(outDir, 'reference/errors.html'), 'utf8');
    for (const { tag, reasons } of classes) {
      const start = page.indexOf(`id="${tag.toLowerCase()}"`);
      expect(start, `no section for ${tag}`).toBeGreaterThan(0);
      const section = page.slice(
        start,
        page.indexOf('<h2', start + 1) === -1 ? undefined : page.indexOf('<h2', start + 1),
      );
      for (const reason of reasons.length ? reasons : ['—']) {
        const cell = reason === '—' ? '<td>—</td>' : `<td><code>${reason}</code></td>`;
        const row = section.slice(section.indexOf(`<tr>${cell}`)).split('</tr>')[0]!;
        const cells = [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map(([, html]) =>
          html!.replace(/<[^>]+>/g, '').trim(),
        );
        expect(section, `${tag}.${reason} is missing`).toContain(`<tr>${cell}`);
        expect(cells, `${tag}.${reason}: status and advice`).toEqual([
          expect.any(String),
          expect.stringMatching(/^\d{3}/),
          expect.stringMatching(/\w{3}/),
        ]);
      }
    }
  });

  it('has the API reference of core, every adapter and the Redis package', () => {
    for (const path of [
      'api/@logto-machine/core/classes/LogtoClient.html',
      'api/@logto-machine/core/machine/variables/sessionMachine.html',
      'api/@logto-machine/hono/functions/logto.html',
      'api/@logto-machine/koa/functions/logto.html',
      'api/@logto-machine/express/functions/logto.html',
      'api/@logto-machine/sveltekit/functions/handleLogto.html',
      'api/@logto-machine/core/web/functions/withLogto.html',
      'api/@logto-machine/redis/functions/makeRedisLock.html',
    ]) {
      expect(fileFor(outDir, `/${path}`), path).toBeDefined();
    }
  });
});

const pages = {
  home: '/',
  'getting-started': '/guide/getting-started.html',
  hono: '/guide/hono.html',
  koa: '/guide/koa.html',
  express: '/guide/express.html',
  'migrating-express': '/guide/migrating-express.html',
  sveltekit: '/guide/sveltekit.html',
  'state-chart': '/concepts/state-chart.html',
  'custom-runtimes': '/guide/custom-runtimes.html',
  'web-standard': '/guide/web-standard.html',
  errors: '/reference/errors.html',
  api: '/api/',
} as const;

const stateNames = (node: AnyStateNode): string[] =>
  Object.values(node.states).flatMap((child) => [child.key, ...stateNames(child)]);

// The pages are independent: visit them in parallel tabs.
describe.concurrent('the site in Chromium', () => {
  for (const [name, path] of Object.entries(pages)) {
    it(`renders ${path} with no console errors`, async ({ expect }) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('response', (response) => {
        if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
      });
      try {
        const response = await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
        expect(response?.status()).toBe(200);
        await expect.poll(() => page.locator('h1').first().textContent()).toBeTruthy();
        if (name === 'state-chart') {
          const chart = page.locator('.mermaid-chart[data-rendered="true"] svg');
          await chart.waitFor({ timeout: 30_000 });
          const text = (await chart.textContent()) ?? '';
          for (const state of stateNames(sessionMachine.root)) expect(text).toContain(state);
          await chart.scrollIntoViewIfNeeded();
        }
        if (path.startsWith('/guide/') && name !== 'getting-started') {
          // Walkthroughs are made of imported code: highlighted blocks, none of them a "not found" line.
          expect(await page.locator('div[class*="language-"] pre').count()).toBeGreaterThan(3);
          expect(await page.textContent('main')).not.toContain('Code snippet path not found');
        }
        await page.screenshot({ path: join(artifacts, `docs-${name}.png`), fullPage: name !== 'api' });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
