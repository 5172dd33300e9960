/**
 * Scenario 6: where an authenticated request's time goes — the Hono servers of scenario 1 (bare, ours
 * in cookie mode, ours in store mode) under `--cpu-prof`, in µs per request: self time by module, and
 * inclusive time of our packages' functions. A separate pass, since profiling slows a server down.
 */
import { buildServers } from '../lib/build.ts';
import { type Breakdown, type ProfileSummary, profileServer } from '../lib/profile.ts';
import type { Scenario, Table } from '../lib/report.ts';
import { startProvider } from '../lib/servers.ts';
import { fmt } from '../lib/stats.ts';

const get = (breakdown: Breakdown, name: string) => breakdown.find(([label]) => label === name)?.[1] ?? 0;

export const whereTimeGoes: Scenario = async ({ smoke, log }) => {
  const seconds = smoke ? 1 : 5;
  await buildServers();
  const provider = await startProvider();
  const env = { LOGTO_ENDPOINT: String(provider.info.url) };
  const profiles: [string, ProfileSummary][] = [];
  try {
    // Ours first, so the bare route gets the same Cookie header (as in scenario 1); shown bare first.
    let cookie: string | undefined;
    for (const [label, name, extra, signInPath] of [
      ['ours, cookie', 'honoLogto', {}, '/sign-in'],
      ['ours, store (memory)', 'honoLogto', { BENCH_SESSIONS: 'memory' }, '/sign-in'],
      ['bare Hono', 'honoBare', {}, undefined],
    ] as const) {
      log(`Scenario 6: profiling ${label}`);
      const summary = await profileServer(name, {
        env: { ...env, ...extra },
        seconds,
        tag: label.replace(/\W+/g, '-'),
        ...(signInPath ? { signInPath } : cookie ? { cookie } : {}),
      });
      cookie ??= summary.cookie;
      profiles.push([label, summary]);
    }
    profiles.unshift(profiles.pop()!);
  } finally {
    await provider.stop();
  }

  const modules = new Map<string, number>();
  for (const [, { byModule }] of profiles) {
    for (const [name, micros] of byModule) modules.set(name, Math.max(modules.get(name) ?? 0, micros));
  }
  const shown = [...modules]
    .filter(([, micros]) => micros >= 0.3)
    .sort((a, b) => b[1] - a[1])
    .map(([name]) => name);
  const byModule: Table = {
    caption: 'Self time by module, µs per request (≥ 0.3 µs in one of them)',
    rows: [
      ['module', ...profiles.map(([label]) => label)],
      ['busy µs/request, all modules', ...profiles.map(([, summary]) => fmt(summary.busy))],
      ...shown.map((name) => [
        name.length > 48 ? `${name.slice(0, 45)}…` : name,
        ...profiles.map(([, summary]) => fmt(get(summary.byModule, name), 2)),
      ]),
    ],
  };
  const ours: Table[] = profiles
    .filter(([, summary]) => summary.ours.length > 0)
    .map(([label, summary]) => ({
      caption: `${label}: our functions, inclusive µs per request (top 12)`,
      rows: [
        ['function (source)', 'µs/req'],
        ...summary.ours.slice(0, 12).map(([name, micros]) => [name, fmt(micros, 2)]),
      ],
    }));
  return {
    title: '6. Where an authenticated request’s time goes (Hono, CPU profiles)',
    intro:
      `Each server under \`--cpu-prof\` (100 µs sampling), ${seconds} s of GET /me after a warm-up, 16 connections; ` +
      'time per request over everything the profile saw (sign-in and warm-up included: a few % at most); ' +
      'the bare route gets the same Cookie header as ours. ' +
      'Profiling slows the servers, so these are for proportions, not for throughput. Profiles: ' +
      '`bench/.out/profiles`; rerun one with `pnpm --dir bench profile honoLogto`.',
    tables: [byModule, ...ours],
    notes: [],
    checks: [],
  };
};
