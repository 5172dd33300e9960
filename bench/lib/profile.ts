/**
 * CPU profiles of a measured server: load it under `--cpu-prof`, then sum the profile's time per
 * request by module (self time) and, for the functions of our packages (inlined into the server's
 * bundle), inclusive time — named by their source file, found from esbuild's `// path` comments.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { type ServerName, serverBundle } from './build.ts';
import { distinctSessions } from './distinctSessions.ts';
import { runLoad } from './load.ts';
import { outDir } from './paths.ts';
import { type ServerProcess, startServer } from './servers.ts';
import { signIn } from './signIn.ts';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Per-request µs, largest first. */
export type Breakdown = [name: string, microsPerRequest: number][];

export interface ProfileSummary {
  readonly requestsPerSecond: number;
  /** Busy (non-idle) µs per request. */
  readonly busy: number;
  /** Self time by module: our packages, each npm package, node internals, native functions, GC. */
  readonly byModule: Breakdown;
  /** Inclusive time of our packages' functions. */
  readonly ours: Breakdown;
  readonly file: string;
  /** The Cookie header the load sent. */
  readonly cookie: string | undefined;
}

/** The source file of each line of an esbuild bundle (from its `// path` comments). */
const sourceMap = (bundle: string) => {
  const starts: [line: number, source: string][] = [];
  readFileSync(bundle, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const match = /^\/\/ (\S+\.(?:ts|js|mjs|cjs))$/.exec(line);
      if (match) starts.push([index, match[1]!.replace(/^(\.\.\/)+/, '')]);
    });
  return (line: number): string => {
    let source = 'bench';
    for (const [start, file] of starts) {
      if (start > line) break;
      source = file;
    }
    return source;
  };
};

const packageOf = (source: string): string => {
  const inModules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
  if (inModules) return inModules[1]!;
  const workspace = /^packages\/([^/]+)\//.exec(source);
  return workspace ? `@logto-machine/${workspace[1]}` : source;
};

const summarize = (file: string, bundle: string, requests: number) => {
  const profile: CpuProfile = JSON.parse(readFileSync(file, 'utf8'));
  const sourceOf = sourceMap(bundle);
  const bundleUrl = `file://${bundle}`;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const moduleOf = ({ callFrame: { url, functionName, lineNumber } }: ProfileNode): string => {
    if (functionName === '(garbage collector)') return 'GC';
    if (url === bundleUrl) return packageOf(sourceOf(lineNumber));
    if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
    if (url === '') return functionName.startsWith('(') ? functionName : `native ${functionName}`;
    return packageOf(url);
  };
  const byModule = new Map<string, number>();
  const ours = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    busy += micros;
    const module = moduleOf(node);
    byModule.set(module, (byModule.get(module) ?? 0) + micros);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url !== bundleUrl) continue;
      const source = sourceOf(frame.lineNumber);
      if (!source.startsWith('packages/')) continue;
      const key = `${frame.functionName || '(anonymous)'} (${source})`;
      if (seen.has(key)) continue;
      seen.add(key);
      ours.set(key, (ours.get(key) ?? 0) + micros);
    }
  }
  const perRequest = (map: Map<string, number>): Breakdown =>
    [...map].sort((a, b) => b[1] - a[1]).map(([name, micros]) => [name, micros / requests]);
  return { busy: busy / requests, byModule: perRequest(byModule), ours: perRequest(ours) };
};

export interface ProfileOptions {
  readonly env: Record<string, string>;
  /** Where a browser starts signing in; none for a bare server. */
  readonly signInPath?: string;
  /** A Cookie header to send when there is no sign-in (the same request bytes as a signed-in server's). */
  readonly cookie?: string;
  readonly seconds: number;
  /** A name for the profile's directory. */
  readonly tag: string;
  /** With `signInPath`: rotate over this many distinct copies of the session (every cache misses). */
  readonly distinctSessions?: number | undefined;
}

/**
 * Starts `name` under `--cpu-prof`, warms it up, loads GET /me (BENCH_PROFILE_PATH: another path, e.g.
 * an example's `/protected`) for `seconds`, and summarizes.
 */
export const profileServer = async (name: ServerName, options: ProfileOptions): Promise<ProfileSummary> => {
  const loadPath = process.env.BENCH_PROFILE_PATH ?? '/me';
  const dir = `${outDir}/profiles/${options.tag}`;
  rmSync(dir, { recursive: true, force: true });
  const server: ServerProcess = await startServer(name, serverBundle(name), {
    env: options.env,
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'],
  });
  let requests = 1;
  let requestsPerSecond = 0;
  let cookieSent: string | undefined;
  try {
    const cookie = options.signInPath ? await signIn(server.url, options.signInPath) : options.cookie;
    cookieSent = cookie;
    const cookies =
      cookie && options.signInPath && options.distinctSessions
        ? await distinctSessions(
            server,
            cookie,
            options.distinctSessions,
            // The server inherits this process's environment (`BENCH_SESSIONS=memory … profile`).
            (options.env.BENCH_SESSIONS ?? process.env.BENCH_SESSIONS ?? 'cookie') === 'cookie'
              ? 'cookie'
              : 'store',
          )
        : cookie
          ? [cookie]
          : undefined;
    const load = { connections: 16, ...(cookies ? { cookies } : {}) };
    const warm = await runLoad(`${server.url}${loadPath}`, {
      ...load,
      seconds: Math.min(3, options.seconds),
    });
    const result = await runLoad(`${server.url}${loadPath}`, { ...load, seconds: options.seconds });
    if (warm.notOk + result.notOk > 0) throw new Error(`${name}: not every profiled request succeeded`);
    // Per request over everything the profile saw: the sign-in and warm-up too (a few % at most).
    requests += warm.ok + result.ok;
    requestsPerSecond = result.requestsPerSecond;
  } finally {
    await server.stop();
  }
  const [profile] = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`${name}: no profile was written`);
  const file = `${dir}/${profile}`;
  return { requestsPerSecond, file, cookie: cookieSent, ...summarize(file, serverBundle(name), requests) };
};
