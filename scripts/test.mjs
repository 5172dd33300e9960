// `pnpm test`: makes sure the Debian packages the tests drive are installed (Chromium for the browser
// test, redis-server for the Redis tests, which start their own), runs every vitest project, and ends
// with one plain line `Tests: N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const aptInstall = (packages, why) => {
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  console.log(`Installing ${packages.join(', ')} with apt-get (${why})…`);
  const run = (args) =>
    spawnSync(args[0], args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  const updated = run([...sudo, 'apt-get', 'update', '-qq']);
  const installed = updated.status === 0 && run([...sudo, 'apt-get', 'install', '-y', '-qq', ...packages]);
  return installed?.status === 0;
};

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = [];
if (!existsSync(chromium)) missing.push('chromium');
if (!onPath(process.env.REDIS_SERVER ?? 'redis-server')) missing.push('redis-server');
if (missing.length > 0 && !aptInstall(missing, 'the browser test and the Redis tests need them')) {
  console.error(
    `Could not install ${missing.join(' and ')} with apt-get; install them (apt-get install ${missing.join(' ')}), or set CHROMIUM_PATH / REDIS_SERVER.`,
  );
  process.exit(1);
}

mkdirSync('artifacts', { recursive: true });
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=artifacts/vitest.json',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let summary = {
  numPassedTests: 0,
  numFailedTests: 0,
  numFailedTestSuites: 0,
  numPendingTests: 0,
  numTodoTests: 0,
};
try {
  summary = JSON.parse(readFileSync('artifacts/vitest.json', 'utf8'));
} catch {}
const failed = summary.numFailedTests + summary.numFailedTestSuites;
console.log(
  `\nTests: ${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests + summary.numTodoTests} skipped`,
);
process.exit(vitest.status !== 0 || failed > 0 || summary.numPassedTests === 0 ? 1 : 0);
