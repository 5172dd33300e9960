// Proves the release path on a scratch copy of the repository, the way a release runs it:
//   1. `changeset status` parses every changeset and plans the release (no package jumps a major
//      that no changeset asked for);
//   2. `changeset version` applies the plan (versions, changelogs, changesets consumed);
//   3. `pnpm pack` makes every package's tarball, as `changeset publish` would publish it;
//   4. in a fresh npm project outside the workspace, the tarballs install together, every `exports`
//      entry imports under Node, the dev provider's bin starts, and a strict project
//      (`scripts/strict-fixture`) type-checks against them: `module` NodeNext and Bundler, on
//      TypeScript 5 and TypeScript 7 (the native compiler).
// Needs the packages built (`pnpm build`). Run from the repository root: `pnpm check:release`.
//
// With `LOGTO_MACHINE_SHARED_DIR` set (CI sets it), the tarballs are kept in `<dir>/tarballs` with
// `<dir>/tarballs.json` naming them, and npm's cache is `<dir>/npm-cache`: the newcomer test
// (`test/newcomer`) installs the same tarballs from the same cache instead of packing and downloading
// everything a second time.
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const sharedDir = process.env.LOGTO_MACHINE_SHARED_DIR ? resolve(process.env.LOGTO_MACHINE_SHARED_DIR) : null;
const typescriptVersions = { ts5: 'typescript@~5.9.3', ts7: 'typescript@^7.0.2' };
/** Installed beside the tarballs: the peers the fixture needs and the compilers. */
const fixturePeers = [
  'hono@^4',
  'koa@^3',
  '@types/koa@^3',
  'express@^5',
  '@types/express@^5',
  'next@^16',
  'react@^19',
  'react-dom@^19',
  '@types/react@^19',
  '@sveltejs/kit@^2',
  'ioredis@^5',
  'vitest@^3',
  '@types/node@^20.19',
];

const started = performance.now();
const step = (title) => console.log(`\n▸ ${title} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
const run = (command, args, cwd, options = {}) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
/** Scratch folders: removed when the check passes, kept for a look when it fails. */
const scratchFolders = [];
const fail = (message) => {
  console.error(`check-release: ${message}`);
  if (scratchFolders.length > 0) console.error(`(kept for inspection: ${scratchFolders.join(', ')})`);
  process.exit(1);
};
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const changeset = (args, cwd) =>
  run(process.execPath, [join(repo, 'node_modules/@changesets/cli/bin.js'), ...args], cwd);
const pnpm = (args, cwd) => run('npx', ['-y', 'pnpm@10.34.8', ...args], cwd);

// Tarballs of an earlier run must not outlive a failure of this one: the newcomer test would trust them.
if (sharedDir) rmSync(join(sharedDir, 'tarballs.json'), { force: true });

// A scratch copy: the files git knows (tracked or not ignored) and the packages' builds, in a fresh
// repository whose only commit is on the base branch, so the release sees this working tree.
step('scratch copy');
const scratch = mkdtempSync(join(tmpdir(), 'release-'));
scratchFolders.push(scratch);
const files = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], repo).split('\0').filter(Boolean);
for (const file of files) {
  if (!existsSync(join(repo, file))) continue; // deleted, not yet staged
  mkdirSync(dirname(join(scratch, file)), { recursive: true });
  cpSync(join(repo, file), join(scratch, file));
}
const packageDirs = readdirSync(join(repo, 'packages')).filter((dir) =>
  existsSync(join(repo, 'packages', dir, 'package.json')),
);
for (const dir of packageDirs) {
  if (!existsSync(join(repo, 'packages', dir, 'dist')))
    fail(`packages/${dir} is not built: run pnpm build first.`);
  cpSync(join(repo, 'packages', dir, 'dist'), join(scratch, 'packages', dir, 'dist'), { recursive: true });
}
const git = (args) =>
  run('git', ['-c', 'user.name=release', '-c', 'user.email=release@example.invalid', ...args], scratch);
git(['init', '-q', '-b', 'main']);
git(['add', '-A']);
git(['commit', '-q', '-m', 'scratch']);

step('changeset status');
const planFile = join(scratch, 'release-plan.json');
try {
  changeset(['status', '--output', 'release-plan.json'], scratch);
} catch (error) {
  fail(`changeset status failed:\n${error.stdout}${error.stderr}`);
}
const plan = readJson(planFile);
const askedMajor = new Set(
  plan.changesets.flatMap((entry) => entry.releases.filter((r) => r.type === 'major').map((r) => r.name)),
);
for (const release of plan.releases) {
  if (release.type === 'major' && !askedMajor.has(release.name)) {
    fail(`${release.name} would be released as a major (${release.newVersion}) that no changeset asks for.`);
  }
}
console.log(
  plan.releases
    .filter((r) => r.type !== 'none')
    .map((r) => `  ${r.name} ${r.oldVersion} → ${r.newVersion} (${r.type})`)
    .join('\n'),
);

step('changeset version (dry: in the scratch copy)');
changeset(['version'], scratch);
const expected = new Map(plan.releases.map((r) => [r.name, r.newVersion]));
if (readdirSync(join(scratch, '.changeset')).some((file) => file.endsWith('.md') && file !== 'README.md')) {
  fail('changeset version left changesets behind.');
}

step('pnpm pack');
// pnpm reads the versions behind `workspace:` ranges from the linked packages: link the scratch
// copies (the repository's own links would give the versions before `changeset version`).
const folderOf = new Map(
  packageDirs.map((dir) => [
    readJson(join(scratch, 'packages', dir, 'package.json')).name,
    join(scratch, 'packages', dir),
  ]),
);
for (const folder of folderOf.values()) {
  const manifest = readJson(join(folder, 'package.json'));
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (!range.startsWith('workspace:') || existsSync(join(folder, 'node_modules', name))) continue;
      mkdirSync(dirname(join(folder, 'node_modules', name)), { recursive: true });
      symlinkSync(folderOf.get(name), join(folder, 'node_modules', name), 'dir');
    }
  }
}
const tarballs = join(scratch, 'tarballs');
mkdirSync(tarballs);
const packages = [];
for (const dir of packageDirs) {
  const folder = join(scratch, 'packages', dir);
  const manifest = readJson(join(folder, 'package.json'));
  if (manifest.private) continue;
  if (expected.has(manifest.name) && manifest.version !== expected.get(manifest.name)) {
    fail(
      `${manifest.name} is ${manifest.version} after changeset version; the plan said ${expected.get(manifest.name)}.`,
    );
  }
  const tarball = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
  packages.push({ name: manifest.name, tarball: join(tarballs, tarball) });
}
pnpm(['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], scratch);
for (const { tarball } of packages) if (!existsSync(tarball)) fail(`pnpm pack made no ${tarball}.`);

// Every package has the same prepack guard (check-package insists), so one package shows it works.
step('npm pack refuses, saying how to publish');
for (const folder of [folderOf.get('@logto-machine/core')]) {
  try {
    run('npm', ['pack', '--dry-run'], folder, { env: { ...process.env, npm_config_user_agent: '' } });
    fail(`npm pack in ${folder} did not refuse.`);
  } catch (error) {
    if (!`${error.stderr}`.includes('pnpm changeset publish')) {
      fail(`npm pack in ${folder} failed without saying how to publish:\n${error.stderr}`);
    }
  }
}

// Outside any workspace, with npm: what a user does.
step('npm install the tarballs in a fresh project');
const app = mkdtempSync(join(tmpdir(), 'release-app-'));
scratchFolders.push(app);
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'release-app', private: true, type: 'module' }),
);
const npmCache = sharedDir ? [`--cache=${join(sharedDir, 'npm-cache')}`] : [];
const npmInstall = (specs) =>
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...npmCache, ...specs],
    app,
  );
try {
  npmInstall([
    ...packages.map((p) => p.tarball),
    ...fixturePeers,
    `ts5@npm:${typescriptVersions.ts5}`,
    `ts7@npm:${typescriptVersions.ts7}`,
  ]);
} catch (error) {
  fail(`npm install of the tarballs failed:\n${error.stdout}${error.stderr}`);
}

step('import every exports entry under Node');
const specifiers = [];
for (const { name } of packages) {
  const manifest = readJson(join(app, 'node_modules', name, 'package.json'));
  for (const entry of Object.keys(manifest.exports ?? { '.': null })) {
    if (entry === './package.json') continue;
    specifiers.push(entry === '.' ? name : `${name}/${entry.slice(2)}`);
  }
}
// A package for tests imports vitest, which loads only under its runner: those entries import in a test.
const forTests = (specifier) => /^@logto-machine\/testing(\/|$)/.test(specifier);
const importEach = (list) =>
  list
    .map(
      (specifier) =>
        `{ const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error(${JSON.stringify(`${specifier} exports nothing`)}); }`,
    )
    .join('\n');
// @logto-machine/next imports `next/headers`, `next/navigation` and `next/server` the way Next's
// own docs do: Next's bundler aliases those requests (to its react-server builds in route handlers,
// which `next/navigation.js` would bypass and break `next build`), and plain Node, for a package
// without an `exports` map, wants the `.js`. This resolve hook does what Next's aliases do, so the
// entry's whole module graph still loads here; the newcomer test builds and runs it under Next itself.
writeFileSync(
  join(app, 'next-resolve.mjs'),
  `export const resolve = (specifier, context, next) =>
  next(/^next\\/(headers|navigation|server)$/.test(specifier) ? \`\${specifier}.js\` : specifier, context);
`,
);
writeFileSync(
  join(app, 'next-resolve-register.mjs'),
  `import { register } from 'node:module';\nregister('./next-resolve.mjs', import.meta.url);\n`,
);
try {
  run(
    process.execPath,
    [
      '--import',
      './next-resolve-register.mjs',
      '--input-type=module',
      '-e',
      importEach(specifiers.filter((s) => !forTests(s))),
    ],
    app,
  );
  writeFileSync(
    join(app, 'entries.test.js'),
    `import { test } from 'vitest';\ntest('every entry of the packages for tests imports', async () => {\n${importEach(specifiers.filter(forTests))}\n});\n`,
  );
  run(process.execPath, [join(app, 'node_modules/vitest/vitest.mjs'), 'run', 'entries.test.js'], app);
} catch (error) {
  fail(`importing the packed packages failed:\n${error.stdout}${error.stderr}`);
}
console.log(`  ${specifiers.join(', ')}`);

step('the dev provider bin starts');
await new Promise((resolveStart, rejectStart) => {
  const child = spawn(join(app, 'node_modules/.bin/logto-dev-provider'), ['--port', '0'], { cwd: app });
  let output = '';
  const timer = setTimeout(() => {
    child.kill();
    rejectStart(new Error(`logto-dev-provider printed no endpoint in 20 s:\n${output}`));
  }, 20_000);
  const onData = (data) => {
    output += data;
    const endpoint = /http:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
    if (!endpoint) return;
    fetch(`${endpoint}/oidc/.well-known/openid-configuration`)
      .then((response) =>
        response.ok ? response.json() : Promise.reject(new Error(`discovery: ${response.status}`)),
      )
      .then((metadata) => {
        clearTimeout(timer);
        child.kill();
        console.log(`  ${endpoint}: issuer ${metadata.issuer}`);
        resolveStart();
      }, rejectStart);
    child.stdout.off('data', onData);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', (data) => {
    output += data;
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0)
      rejectStart(new Error(`logto-dev-provider exited with ${code}:\n${output}`));
  });
}).catch((error) => fail(error.message));

step('strict type-check against the packed packages');
cpSync(join(repo, 'scripts/strict-fixture'), app, { recursive: true });
// Every public entry, so the declarations of each one are checked too (skipLibCheck: false).
writeFileSync(
  join(app, 'entries.ts'),
  specifiers
    .map((specifier, index) => `export * as entry${index} from ${JSON.stringify(specifier)};`)
    .join('\n'),
);
// skipLibCheck: false checks every declaration file the project loads, the dependencies' too: errors
// in ours or in the fixture fail; errors in third-party declarations (xstate's under
// exactOptionalPropertyTypes, unstorage's drivers for services not installed) are listed, not ours to fix.
const tscRun = (compiler, config) =>
  new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(app, 'node_modules', compiler, 'bin/tsc'), '-p', config], {
      cwd: app,
    });
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    child.stderr.on('data', (data) => {
      output += data;
    });
    child.on('close', (code) =>
      resolveRun({ label: `${typescriptVersions[compiler]} -p ${config}`, code, output }),
    );
  });
const results = await Promise.all(
  Object.keys(typescriptVersions).flatMap((compiler) =>
    ['tsconfig.nodenext.json', 'tsconfig.bundler.json'].map((config) => tscRun(compiler, config)),
  ),
);
const failures = [];
for (const { label, code, output } of results) {
  const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
  const ours = errors.filter(
    (line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@logto-machine/'),
  );
  const theirs = new Map();
  for (const line of errors.filter((line) => !ours.includes(line))) {
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(line)[1];
    theirs.set(name, (theirs.get(name) ?? 0) + 1);
  }
  const elsewhere = [...theirs].map(([name, count]) => `${name} ${count}`).join(', ');
  console.log(
    `  ${label}: ${ours.length} errors${elsewhere ? ` (in third-party declarations: ${elsewhere})` : ''}`,
  );
  if (ours.length > 0 || (code !== 0 && errors.length === 0)) failures.push(`${label}:\n${output}`);
}
if (failures.length > 0) fail(`the strict project does not type-check:\n${failures.join('\n')}`);

if (sharedDir) {
  // Only tarballs that passed every check: the newcomer test trusts them.
  const kept = join(sharedDir, 'tarballs');
  rmSync(kept, { recursive: true, force: true });
  mkdirSync(kept, { recursive: true });
  const names = {};
  for (const { name, tarball } of packages) {
    cpSync(tarball, join(kept, basename(tarball)));
    names[name] = join(kept, basename(tarball));
  }
  writeFileSync(join(sharedDir, 'tarballs.json'), `${JSON.stringify(names, null, 2)}\n`);
  console.log(`  tarballs kept for the newcomer test in ${kept}`);
}
for (const folder of scratchFolders) rmSync(folder, { recursive: true, force: true });
console.log(
  `\ncheck-release: the release path works (${((performance.now() - started) / 1000).toFixed(0)} s).`,
);
