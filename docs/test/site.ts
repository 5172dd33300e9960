/**
 * The built site for the tests: generated pages and VitePress output in a temporary folder (built once
 * per test file that asks), and a static server for it on 127.0.0.1.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { docsDir } from '../scripts/paths.ts';

const bin = (name: string) => join(docsDir, 'node_modules/.bin', name);

/** Runs a command in `docs/`; rejects with its output when it fails. */
const run = (command: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: docsDir, env: { ...process.env, NODE_ENV: 'production' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });

/**
 * Generates the pages (leaving the committed state chart as it is: `generated.test.ts` checks it) and
 * builds the site into a fresh temporary folder, which it returns.
 */
export const buildSite = async (): Promise<string> => {
  const outDir = mkdtempSync(join(tmpdir(), 'logto-machine-docs-'));
  await run(bin('tsx'), ['scripts/generate.ts', '--skip-state-chart']);
  await run(bin('vitepress'), ['build', '.', '--outDir', outDir]);
  return outDir;
};

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** The file a URL path names in the built site, as a static host would resolve it (`/a` → `a.html`, `/a/` → `a/index.html`). */
export const fileFor = (root: string, pathname: string): string | undefined => {
  const path = normalize(join(root, decodeURIComponent(pathname)));
  if (!path.startsWith(root)) return undefined;
  for (const candidate of [path, `${path}.html`, join(path, 'index.html')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
};

/** Serves `root` on 127.0.0.1 (a free port); 404s get the site's 404 page. */
export const serveSite = (root: string): Promise<{ url: string; server: Server }> =>
  new Promise((resolve) => {
    const server = createServer((request, response) => {
      const { pathname } = new URL(request.url ?? '/', 'http://localhost');
      const file = fileFor(root, pathname);
      response.writeHead(file ? 200 : 404, {
        'content-type': types[extname(file ?? '.html')] ?? 'application/octet-stream',
      });
      response.end(readFileSync(file ?? join(root, '404.html')));
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, server });
    });
  });
