/**
 * Scenario 4: size and start-up. Each app is bundled for the edge (esbuild: ESM, minified, browser
 * and worker conditions, as a Workers build would) and measured min and min+gzip; then each bundle is
 * imported cold in fresh `node` processes (10 each, interleaved A B C D …), timing `await import()`
 * inside the process, median. Pairs: our LogtoClient vs `@logto/client` + `@logto/js`, a Hono app
 * with our adapter vs the same app with `@hono/oidc-auth`; a bare Hono app for scale.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { benchDir, outDir } from '../lib/paths.ts';
import type { Scenario } from '../lib/report.ts';
import { fmt, median, ratio } from '../lib/stats.ts';

interface App {
  readonly label: string;
  readonly file: string;
  readonly source: string;
  /** The row this one is compared with (its ratio is ours ÷ peer); none for the reference rows. */
  readonly peerOf?: string;
}

const honoApp = (middleware: string, handler: string) => `
import { Hono } from 'hono';
${middleware}
const app = new Hono();
${handler}
export default app;`;

const apps: readonly App[] = [
  {
    label: '@logto-machine/core (LogtoClient)',
    file: 'core',
    source: "import { LogtoClient } from '@logto-machine/core'; globalThis.x = LogtoClient;",
  },
  {
    label: '@logto/client + @logto/js (LogtoClient)',
    file: 'logtoClient',
    source: "import LogtoClient from '@logto/client'; globalThis.x = LogtoClient;",
    peerOf: 'core',
  },
  {
    label: 'Hono app + @logto-machine/hono',
    file: 'honoLogto',
    source: honoApp(
      "import { logto } from '@logto-machine/hono';",
      `app.use(logto({ endpoint: 'https://tenant.logto.app', appId: 'app', appSecret: 'secret', session: { secrets: ['${'s'.repeat(32)}'] } }));
app.get('/', async (c) => c.text((await c.var.logto.isAuthenticated()) ? (await c.var.logto.getIdTokenClaims()).sub : 'signed out'));`,
    ),
  },
  {
    label: 'Hono app + @hono/oidc-auth',
    file: 'honoOidcAuth',
    source: honoApp(
      "import { getAuth, oidcAuthMiddleware } from '@hono/oidc-auth';",
      `app.use('*', oidcAuthMiddleware());
app.get('/', async (c) => c.text((await getAuth(c))?.sub ?? 'signed out'));`,
    ),
    peerOf: 'honoLogto',
  },
  {
    label: 'Hono app, no auth (for scale)',
    file: 'honoBare',
    source: honoApp('', "app.get('/', (c) => c.text('anonymous'));"),
  },
];

const importTime = (file: string): number =>
  Number(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        'const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);',
        file,
      ],
      { encoding: 'utf8' },
    ).trim(),
  );

export const size: Scenario = async ({ smoke, log }) => {
  log('Scenario 4: bundle size and cold import');
  const dir = `${outDir}/size`;
  mkdirSync(dir, { recursive: true });
  const sizes = new Map<string, { min: number; gzip: number; path: string }>();
  let breakdown = '';
  for (const app of apps) {
    const result = await build({
      stdin: { contents: app.source, resolveDir: benchDir, loader: 'ts', sourcefile: `${app.file}.ts` },
      bundle: true,
      minify: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['worker', 'browser'],
      metafile: true,
      logLevel: 'error',
    });
    const code = result.outputFiles[0]!.contents;
    if (app.file === 'honoLogto') {
      // Where our adapter's bytes come from (minified, before gzip).
      const byPackage = new Map<string, number>();
      for (const output of Object.values(result.metafile.outputs)) {
        for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
          const name =
            /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ??
            /packages\/([^/]+)/.exec(input)?.[1]?.replace(/^/, '@logto-machine/') ??
            input;
          byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
        }
      }
      breakdown = [...byPackage]
        .sort((a, b) => b[1] - a[1])
        .map(([name, bytes]) => `${name} ${fmt(bytes / 1024, 3)} KB`)
        .join(', ');
    }
    const path = `${dir}/${app.file}.mjs`;
    writeFileSync(path, code);
    sizes.set(app.file, { min: code.length / 1024, gzip: gzipSync(code).length / 1024, path });
  }
  const runs = smoke ? 2 : 10;
  const times = new Map<string, number[]>(apps.map((app) => [app.file, []]));
  for (const app of apps) importTime(sizes.get(app.file)!.path); // disk cache warm-up
  for (let run = 0; run < runs; run += 1) {
    for (const app of apps) times.get(app.file)!.push(importTime(sizes.get(app.file)!.path));
  }
  const rows = [
    ['bundle', 'min KB', 'min+gzip KB', 'gzip × peer', `cold import ms (median of ${runs})`, 'import × peer'],
  ];
  const peerOf = new Map(apps.filter((app) => app.peerOf).map((app) => [app.peerOf!, app.file]));
  for (const app of apps) {
    const { min, gzip } = sizes.get(app.file)!;
    const ms = median(times.get(app.file)!);
    const peer = peerOf.get(app.file);
    rows.push([
      app.label,
      fmt(min, 3),
      fmt(gzip, 3),
      peer ? ratio(gzip / sizes.get(peer)!.gzip) : '',
      fmt(ms),
      peer ? ratio(ms / median(times.get(peer)!)) : '',
    ]);
  }
  return {
    title: '4. Bundle size and cold start',
    intro:
      'esbuild, ESM, minified, `platform: browser`, conditions `worker, browser`, target es2022; gzip at ' +
      'zlib’s default level. Cold import: `await import(bundle)` timed inside a fresh `node` process, the ' +
      'runs interleaved. “× peer” is ours ÷ the peer’s (below 1 is smaller or faster).',
    tables: [{ rows }],
    notes: [`The Hono app with our adapter, minified bytes by package (before gzip): ${breakdown}.`],
    checks: [],
  };
};
