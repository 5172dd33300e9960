// Checks the package in the current folder as it will be published: its manifest and README say what
// it is and where its code, docs and issues live; packed by pnpm (so `publishConfig.exports` applies and
// `workspace:` ranges become versions), the tarball's manifest is complete, then linted by publint and
// checked by attw. Runs for every `packages/*` (`pnpm check:packages`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';

const repositoryUrl = 'git+https://github.com/logto-machine/logto-machine.git';
const issuesUrl = 'https://github.com/logto-machine/logto-machine/issues';
const docsUrl = 'https://github.com/logto-machine/logto-machine/tree/main/docs';
/** Test frameworks and their parts: no published package may need one, except a package for tests. */
const testFrameworks =
  /^(vitest|@vitest\/.*|jest|@jest\/.*|mocha|ava|tap|uvu|jasmine|chai|sinon|@playwright\/test)$/;

const problems = [];
const expect = (condition, problem) => {
  if (!condition) problems.push(problem);
};

/** Every declaration file under `folder`. */
const declarationFiles = (folder) =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.d\.[cm]?ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));

/** Checks what a manifest says about itself; `where` names the manifest in the messages. */
const checkManifest = (pkg, where, folder) => {
  expect(typeof pkg.description === 'string' && pkg.description.length > 0, `${where}: no description`);
  expect(pkg.license === 'MIT', `${where}: license must be "MIT"`);
  expect(pkg.type === 'module', `${where}: type must be "module"`);
  expect(typeof pkg.engines?.node === 'string', `${where}: engines.node is missing`);
  expect(
    pkg.repository?.type === 'git' &&
      pkg.repository?.url === repositoryUrl &&
      pkg.repository?.directory === `packages/${folder}`,
    `${where}: repository must be { "type": "git", "url": "${repositoryUrl}", "directory": "packages/${folder}" }`,
  );
  expect(
    typeof pkg.homepage === 'string' && pkg.homepage.startsWith('https://'),
    `${where}: homepage is missing`,
  );
  expect(pkg.bugs?.url === issuesUrl, `${where}: bugs.url must be ${issuesUrl}`);
  const forTests = pkg.name.endsWith('/testing');
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      expect(
        forTests || !testFrameworks.test(name),
        `${where}: ${field} lists the test framework ${name} (test helpers belong in @logto-machine/testing)`,
      );
    }
  }
};

/** Checks what is published: every export typed, no workspace ranges left, every file present. */
const checkPublished = (pkg, root) => {
  const where = 'tarball package.json';
  for (const [entry, target] of Object.entries(pkg.exports ?? {})) {
    if (entry === './package.json') continue;
    expect(
      typeof target === 'object' && typeof target.types === 'string',
      `${where}: exports["${entry}"] has no types`,
    );
    for (const file of Object.values(typeof target === 'string' ? { default: target } : target)) {
      expect(
        !file.endsWith('.ts') || file.endsWith('.d.ts'),
        `${where}: exports["${entry}"] points at TypeScript source ${file}`,
      );
      expect(
        existsSync(join(root, file)),
        `${where}: exports["${entry}"] points at ${file}, not in the tarball`,
      );
    }
  }
  for (const file of Object.values(typeof pkg.bin === 'string' ? { bin: pkg.bin } : (pkg.bin ?? {}))) {
    expect(file.endsWith('.js') && existsSync(join(root, file)), `${where}: bin ${file} is not a built file`);
  }
  const manifest = JSON.stringify(pkg);
  expect(!manifest.includes('workspace:'), `${where}: a "workspace:" range was not replaced`);
  expect(!pkg.scripts?.prepack, `${where}: the prepack guard was published`);
  // A declaration may import only what installs with the package: a project without a devDependency
  // of ours fails with TS2307 under `skipLibCheck: false` (core's store types once imported unstorage).
  const installed = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  for (const file of declarationFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier))
        continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0];
      expect(
        installed.has(name) || installed.has(`@types/${name.replace(/^@/, '').replace('/', '__')}`),
        `${relative(root, file)} imports ${specifier}, which is not a dependency or peer of the package`,
      );
    }
  }
  expect(existsSync(join(root, 'README.md')), 'tarball: no README.md');
  expect(existsSync(join(root, 'LICENSE')), 'tarball: no LICENSE');
};

/** Checks the README: what the package is, the install line, a quick start and the docs. */
const checkReadme = (pkg) => {
  if (!existsSync('README.md')) {
    problems.push('README.md is missing');
    return;
  }
  const readme = readFileSync('README.md', 'utf8');
  expect(readme.startsWith(`# ${pkg.name}\n`), `README.md must start with "# ${pkg.name}"`);
  expect(
    new RegExp(`(npm install|npm i|pnpm add|yarn add)[^\\n]*${pkg.name.replace('/', '\\/')}`).test(readme),
    `README.md has no install line (npm install ${pkg.name} …)`,
  );
  expect(/^## Quick start$/m.test(readme), 'README.md has no "## Quick start" section');
  expect(readme.includes(docsUrl), `README.md does not link to the docs (${docsUrl}…)`);
  if (pkg.name.endsWith('/testing')) {
    expect(
      /for your tests only|meant for tests|only in tests/i.test(readme),
      'README.md must say the package is meant for tests',
    );
  }
};

const folder = basename(process.cwd());
const source = JSON.parse(readFileSync('package.json', 'utf8'));
checkManifest(source, 'package.json', folder);
expect(
  source.scripts?.prepack === 'node ../../scripts/refuse-npm-pack.mjs',
  'package.json: scripts.prepack must be "node ../../scripts/refuse-npm-pack.mjs" (npm would ship the development manifest)',
);
checkReadme(source);

const run = (command, args, options) => execFileSync(command, args, { stdio: 'inherit', ...options });
const destination = mkdtempSync(join(tmpdir(), 'pack-'));
run('npx', ['-y', 'pnpm@10.34.8', 'pack', '--pack-destination', destination], { stdio: 'ignore' });
const tarball = join(
  destination,
  readdirSync(destination).find((file) => file.endsWith('.tgz')),
);
run('tar', ['-xzf', tarball, '-C', destination]);
const packed = join(destination, 'package');
const published = JSON.parse(readFileSync(join(packed, 'package.json'), 'utf8'));
checkManifest(published, 'tarball package.json', folder);
checkPublished(published, packed);

if (problems.length > 0) {
  console.error(
    `${source.name}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  process.exit(1);
}
run('npx', ['publint', '--strict', tarball]);
run('npx', ['attw', tarball, '--profile', 'esm-only']);
