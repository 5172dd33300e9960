// `pnpm test`: makes sure the browser the demo test drives is installed (Debian's Chromium), runs every
// vitest project, and ends with one plain line `Tests: N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  console.log(`Installing Debian's Chromium for the browser test (${chromium} is missing)…`);
  const run = (args) =>
    spawnSync(args[0], args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  const updated = run([...sudo, 'apt-get', 'update', '-qq']);
  const installed = updated.status === 0 && run([...sudo, 'apt-get', 'install', '-y', '-qq', 'chromium']);
  if (installed?.status !== 0) {
    console.error(
      'Could not install chromium with apt-get; install it (apt-get install chromium) or set CHROMIUM_PATH.',
    );
    process.exit(1);
  }
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
