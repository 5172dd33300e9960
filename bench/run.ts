/**
 * The bench runner: `pnpm bench` (the full run, a few minutes; writes RESULTS.md) or `pnpm bench:smoke`
 * (every scenario for a second or two, to prove it runs; writes nothing). Options: `--only=1,4` runs
 * some scenarios (and writes nothing), `--profile` starts our servers with `--cpu-prof`.
 * The only assertions are correctness counts; the process exits 1 when one is wrong.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { benchDir } from './lib/paths.ts';
import type { Scenario, Section, Settings } from './lib/report.ts';
import { markdownTable, textTable } from './lib/stats.ts';
import { accessToken } from './scenarios/accessToken.ts';
import { authenticatedRequest } from './scenarios/authenticatedRequest.ts';
import { memory } from './scenarios/memory.ts';
import { signInThroughput } from './scenarios/signInThroughput.ts';
import { size } from './scenarios/size.ts';
import { whereTimeGoes } from './scenarios/whereTimeGoes.ts';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .map(Number);
const settings: Settings = {
  smoke,
  profile: args.includes('--profile'),
  log: (line) => console.log(line),
};

const scenarios: [number, Scenario][] = [
  [1, authenticatedRequest],
  [2, accessToken],
  [3, signInThroughput],
  [4, size],
  [5, memory],
  [6, whereTimeGoes],
];

const started = Date.now();
// Other work on the machine skews absolute figures (ratios less so, being taken side by side): recorded.
const loadAtStart = loadavg()[0]!;
const sections: Section[] = [];
for (const [number, scenario] of scenarios) {
  if (only && !only.includes(number)) continue;
  const section = await scenario(settings);
  sections.push(section);
  console.log(`\n## ${section.title}\n`);
  for (const table of section.tables) {
    if (table.caption) console.log(`${table.caption}:`);
    console.log(`${textTable(table.rows)}\n`);
  }
  for (const note of section.notes) console.log(`note: ${note}`);
  for (const { label, ok, detail } of section.checks)
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${detail}`);
}

const checks = sections.flatMap((section) => section.checks);
const failed = checks.filter((item) => !item.ok);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
// Not in the "N passed, N failed" shape, so that nothing takes it for the test suite's summary.
console.log(
  `\nbench${smoke ? ' (smoke)' : ''}: ${checks.length - failed.length} of ${checks.length} correctness counts right (${minutes} min)`,
);

const cpuModel = () => {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

const versionOf = (name: string): string => {
  try {
    const path = import.meta.resolve(`${name}/package.json`);
    return JSON.parse(readFileSync(new URL(path), 'utf8')).version;
  } catch {
    try {
      const json = readFileSync(`${benchDir}node_modules/${name}/package.json`, 'utf8');
      return JSON.parse(json).version;
    } catch {
      return '?';
    }
  }
};

if (!smoke && !only && failed.length === 0) {
  const packages = [
    'hono',
    '@hono/node-server',
    '@hono/oidc-auth',
    'koa',
    'express',
    'express-session',
    '@logto/express',
    '@logto/node',
    '@logto/client',
    '@logto/js',
    '@sveltejs/kit',
    '@sveltejs/adapter-node',
    'autocannon',
    'esbuild',
  ];
  const markdown = [
    '# Benchmark results',
    '',
    `Written by \`pnpm bench\` (\`bench/run.ts\`) on ${new Date().toISOString().slice(0, 10)}, in ${minutes} minutes. ` +
      'Ratios are measured side by side in one run; absolute figures are this machine’s only.',
    '',
    `- Machine: ${availableParallelism()} cores (nproc), ${cpuModel()}`,
    `- Node ${process.version}, ${process.platform}/${process.arch}`,
    `- Command: \`npx -y pnpm@10.34.8 bench\` from the repository root`,
    `- Load average (1 min) at the start ${loadAtStart.toFixed(2)}, at the end ${loadavg()[0]!.toFixed(2)}`,
    `- Peers: ${packages.map((name) => `${name} ${versionOf(name)}`).join(', ')}`,
    '',
    ...sections.flatMap((section) => [
      `## ${section.title}`,
      '',
      ...(section.intro ? [section.intro, ''] : []),
      ...section.tables.flatMap((table) => [
        ...(table.caption ? [`**${table.caption}**`, ''] : []),
        markdownTable(table.rows),
        '',
      ]),
      ...section.notes.map((note) => `- ${note}`),
      ...(section.notes.length ? [''] : []),
      ...(section.checks.length
        ? [
            'Correctness counts:',
            '',
            ...section.checks.map(({ label, ok, detail }) => `- ${ok ? '✓' : '✗'} ${label}: ${detail}`),
            '',
          ]
        : []),
    ]),
  ].join('\n');
  writeFileSync(`${benchDir}RESULTS.md`, markdown);
  console.log('wrote bench/RESULTS.md');
}
process.exit(failed.length === 0 ? 0 : 1);
