/**
 * The newcomer test (issue 17): every walkthrough of the docs (`docs/walkthroughs/*`), exactly as the
 * pages show it, in a fresh npm project outside the workspace — the packages installed from the
 * tarballs `pnpm pack` makes (as published), everything else from the registry — type-checked with
 * the walkthrough's strict tsconfig, started, and signed in and out against the dev provider, itself
 * installed from its tarball and started with its `logto-dev-provider` command.
 *
 * `NEWCOMER_NPM_CACHE` chooses npm's cache folder (default one under the OS temp dir, shared by the
 * projects); `NEWCOMER_KEEP=1` keeps the projects for a look after the run.
 *
 * With `LOGTO_MACHINE_SHARED_DIR` set and holding `tarballs.json` (`pnpm check:release` leaves it
 * there when it passes; CI runs that first), the test installs those tarballs — packed after
 * `changeset version`, as they would be published — instead of packing again, and uses the npm cache
 * `check:release` filled (`<dir>/npm-cache`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  insideWorkspace,
  publishedPackages,
  repoRoot,
  type Walkthrough,
  walkthroughs,
  writeFreshProject,
} from './freshProject.ts';
import { run, runToEnd, type Service, StepFailed, start, userEnv } from './processes.ts';
import { signInFlow } from './signInFlow.ts';

const minutes = (count: number) => count * 60_000;
const sharedDir = process.env.LOGTO_MACHINE_SHARED_DIR || null;
const sharedTarballs = sharedDir && join(sharedDir, 'tarballs.json');
const npmCache =
  process.env.NEWCOMER_NPM_CACHE ||
  (sharedDir ? join(sharedDir, 'npm-cache') : join(tmpdir(), 'logto-machine-newcomer-npm-cache'));
// --prefer-offline: what the cache holds is used without asking the registry again (check:release
// or an earlier project of this run just fetched it).
const npmInstall = [
  'npm',
  'install',
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  '--loglevel=error',
  `--cache=${npmCache}`,
];
const provider = {
  appId: 'demo-app',
  appSecret: 'demo-app-secret',
  resource: 'https://api.example.com',
  user: { username: 'demo', password: 'demo-password', sub: 'user_demo' },
};

/** Where the services a walkthrough may ask for run when the environment does not say (CI's Redis). */
const serviceDefaults: Record<string, string> = { REDIS_URL: 'redis://127.0.0.1:6379' };

const workDir = mkdtempSync(join(tmpdir(), 'logto-machine-newcomer-'));
const services: Service[] = [];
const timings: string[] = [];
let tarballs = new Map<string, string>();
let providerUrl: Promise<string>;

/**
 * Type checks and builds take a core each: more at once than there are cores only slows every one
 * down (installs, which wait on the network, run all at once).
 */
const cpuSlots = (() => {
  let free = Math.max(1, availableParallelism());
  const waiting: (() => void)[] = [];
  return async <A>(work: () => Promise<A>): Promise<A> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
})();

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Runs `work` as the step `name` of `walkthrough`, timing it; any failure names the step. */
const timed = async <A>(walkthrough: string, name: string, work: () => Promise<A>, output = () => '') => {
  const started = Date.now();
  try {
    return await work();
  } catch (error) {
    if (error instanceof StepFailed) throw error;
    throw new StepFailed(walkthrough, name, `failed: ${(error as Error).message}`, output());
  } finally {
    timings.push(`${walkthrough} ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
};

/** The dev provider from its tarball, as the docs' no-account path runs it (`npx logto-dev-provider`). */
const startProvider = async (): Promise<string> => {
  const dir = join(workDir, 'dev-provider');
  mkdirSync(dir);
  const tarball = `file:${tarballs.get('@logto-machine/dev-provider')}`;
  const overrides = Object.fromEntries([...tarballs].map(([name, path]) => [name, `file:${path}`]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'dev-provider',
      private: true,
      type: 'module',
      dependencies: { '@logto-machine/dev-provider': tarball },
      overrides,
    }),
  );
  await timed('dev-provider', 'npm install', () =>
    run('dev-provider', 'npm install', npmInstall, { cwd: dir, timeoutMs: minutes(5) }),
  );
  const port = await freePort();
  const service = start(['npx', 'logto-dev-provider', '--port', String(port)], { cwd: dir });
  services.push(service);
  const [, url = ''] = await timed(
    'dev-provider',
    'start',
    () => service.waitFor(/Logto endpoint\s+(\S+)/, minutes(1)),
    service.output,
  );
  return url;
};

beforeAll(async () => {
  expect(insideWorkspace(workDir), `${workDir} is inside the workspace`).toBe(false);
  const packages = publishedPackages();
  const unbuilt = packages.filter(({ dir }) => !existsSync(join(dir, 'dist')));
  if (unbuilt.length > 0) {
    throw new Error(
      `Build the packages first (pnpm build): no dist/ in ${unbuilt.map(({ name }) => name).join(', ')}`,
    );
  }
  if (sharedTarballs && existsSync(sharedTarballs)) {
    const shared: Record<string, string> = JSON.parse(readFileSync(sharedTarballs, 'utf8'));
    const missing = packages.filter(({ name }) => !shared[name]).map(({ name }) => name);
    expect(missing, `${sharedTarballs} lacks packages: run pnpm check:release again`).toEqual([]);
    tarballs = new Map(packages.map(({ name }) => [name, shared[name] ?? '']));
    timings.push(`packages: the tarballs of check:release (${sharedTarballs})`);
  } else {
    const packDir = join(workDir, 'tarballs');
    // `pnpm pack` is `pnpm publish` without the upload: publishConfig applied, workspace: ranges resolved.
    await timed('packages', 'pnpm pack', () =>
      run(
        'packages',
        'pnpm pack',
        [
          'npx',
          '-y',
          'pnpm@10.34.8',
          '-r',
          '--filter',
          './packages/*',
          'pack',
          '--pack-destination',
          packDir,
        ],
        { cwd: repoRoot, env: process.env, timeoutMs: minutes(2) },
      ),
    );
    tarballs = new Map(packages.map(({ name, tarball }) => [name, join(packDir, tarball)]));
  }
  for (const path of tarballs.values()) expect(existsSync(path), `${path} was not packed`).toBe(true);
  providerUrl = startProvider();
  // Awaited by each walkthrough when it is ready to sign in; a failure is reported there.
  providerUrl.catch(() => {});
});

afterAll(async () => {
  for (const service of services) service.stop();
  console.log(`newcomer test, step times (npm cache ${npmCache}):\n  ${timings.join('\n  ')}`);
  if (process.env.NEWCOMER_KEEP === '1') console.log(`projects kept in ${workDir}`);
  // Asynchronously: the projects' node_modules are tens of thousands of files, and a worker blocked
  // for a minute cannot answer vitest's runner.
  else await rm(workDir, { recursive: true, force: true });
});

/** The settings a newcomer's tsconfig has in the walkthrough, checked before the compiler runs. */
const strictSettings = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
};

const readTsconfig = (dir: string) => {
  const { config, error } = ts.readConfigFile(join(dir, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return config.compilerOptions as Record<string, unknown>;
};

/**
 * The type errors of a walkthrough under its strict settings: every one fails it, whether in its own
 * files, in our packages' declarations or in a dependency's (`skipLibCheck: false` checks them all, as
 * in a strict user project; the main entries keep xstate's and unstorage's declarations out of it).
 */
const typeErrorsOf = (name: string, code: number | string, output: string): StepFailed | undefined => {
  const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
  if (errors.length > 0 || code !== 0) {
    return new StepFailed(
      name,
      'tsc --noEmit',
      `found ${errors.length} type errors`,
      errors.join('\n') || output,
    );
  }
  return undefined;
};

const newcomer = async (walkthrough: Walkthrough) => {
  const { name } = walkthrough;
  const manifest = JSON.parse(readFileSync(join(walkthrough.dir, 'package.json'), 'utf8'));
  expect(manifest.type, `${name}: package.json must say "type": "module"`).toBe('module');
  expect(manifest.engines?.node, `${name}: package.json must give the Node version`).toMatch(/^>=\d+/);
  expect(
    { ...manifest.dependencies, ...manifest.devDependencies }.typescript,
    `${name}: typescript must be a dependency, so tsc is the user's own`,
  ).toBeDefined();
  // One walkthrough may keep `skipLibCheck: true`, saying why in its walkthrough.json (Next's: `next
  // build` fails on Next's own declarations otherwise); our declarations are still library-checked by
  // `check:release`, whose strict fixture imports every package with `skipLibCheck: false`.
  const { skipLibCheckReason } = walkthrough;
  if (skipLibCheckReason !== null) {
    expect(skipLibCheckReason, `${name}: walkthrough.json must say why skipLibCheck stays on`).toMatch(
      /\w{4,}.{20,}/,
    );
  }
  expect(readTsconfig(walkthrough.dir), `${name}: tsconfig.json must hold the strict settings`).toMatchObject(
    skipLibCheckReason === null ? strictSettings : { ...strictSettings, skipLibCheck: true },
  );

  const needed = Object.fromEntries(
    walkthrough.env.map((variable) => {
      const value = process.env[variable] || serviceDefaults[variable];
      if (!value) throw new Error(`${name} needs ${variable}; set it for the newcomer test`);
      return [variable, value];
    }),
  );
  const dir = join(workDir, name);
  writeFreshProject(walkthrough, dir, tarballs);
  const step = (label: string, command: readonly string[], timeoutMs: number) =>
    timed(name, label, () => run(name, label, command, { cwd: dir, timeoutMs }));
  await step('npm install', npmInstall, minutes(5));
  // A type error fails the test, but only at the end: the app is still built, started and signed in
  // to, so one run says everything that is wrong.
  const typeErrors = await cpuSlots(() =>
    timed(name, 'tsc --noEmit', async () => {
      const { code, output } = await runToEnd(name, 'tsc --noEmit', ['npx', 'tsc', '--noEmit'], {
        cwd: dir,
        timeoutMs: minutes(4),
      });
      return typeErrorsOf(name, code, output);
    }),
  );
  const { build } = walkthrough;
  if (build) await cpuSlots(() => step(build.join(' '), build, minutes(4)));

  const endpoint = await timed(name, 'waiting for the dev provider', () => providerUrl);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = start(walkthrough.start, {
    cwd: dir,
    env: userEnv({
      LOGTO_ENDPOINT: endpoint,
      LOGTO_APP_ID: provider.appId,
      LOGTO_APP_SECRET: provider.appSecret,
      LOGTO_RESOURCE: provider.resource,
      BASE_URL: baseUrl,
      SESSION_SECRET: `a-newcomer-test-session-secret-for-${name}`,
      PORT: String(port),
      // adapter-node's names for where to listen and the public origin.
      HOST: '127.0.0.1',
      ORIGIN: baseUrl,
      ...needed,
    }),
  });
  services.push(app);
  await timed(
    name,
    `${walkthrough.start.join(' ')} (until ${walkthrough.readyPath} answers)`,
    async () => {
      const deadline = Date.now() + minutes(1);
      while (Date.now() < deadline) {
        if (app.child.exitCode !== null || app.child.signalCode !== null)
          throw new Error(`the app exited with ${app.child.exitCode ?? app.child.signalCode}`);
        const answered = await fetch(new URL(walkthrough.readyPath, baseUrl), { redirect: 'manual' }).then(
          (response) => response.status < 500,
          () => false,
        );
        if (answered) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`${baseUrl}${walkthrough.readyPath} did not answer in 60 s`);
    },
    app.output,
  );
  await signInFlow(
    { baseUrl, issuer: `${endpoint}/oidc`, resource: provider.resource, user: provider.user },
    (label, check) => timed(name, label, check, app.output),
  );
  app.stop();
  if (typeErrors) throw typeErrors;
};

for (const walkthrough of walkthroughs()) {
  it.concurrent(`${walkthrough.name}: a fresh npm project from the docs installs, type-checks and signs in`, () =>
    newcomer(walkthrough));
}
