/**
 * Commands the newcomer test runs the way a user would in a terminal: bounded in time, their output
 * kept, and a failure that says which step broke and how its output ended.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** How much of a failed step's output a failure shows. */
const tailLength = 4_000;

/** A step of a walkthrough that failed: the step, the command, and the end of its output. */
export class StepFailed extends Error {
  override readonly name = 'StepFailed';
  constructor(
    readonly walkthrough: string,
    readonly step: string,
    detail: string,
    output: string,
  ) {
    super(`${walkthrough}: ${step} ${detail}\n--- last output ---\n${output.slice(-tailLength)}`);
  }
}

/**
 * The environment of a fresh terminal: nothing from pnpm, vitest or this workspace leaks into the
 * user's project (an `npm_config_*` from pnpm, `NODE_ENV=test`, `NODE_OPTIONS` with vitest's hooks).
 */
export const userEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  // Next's types (in the workspace's program) make NODE_ENV a required key of ProcessEnv; this
  // environment has none on purpose.
  const env = {} as NodeJS.ProcessEnv;
  for (const [name, value] of Object.entries(process.env)) {
    const leaks = /^(npm_|pnpm_|PNPM|VITEST|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$|TSX_)/i.test(name);
    if (!leaks || name === 'npm_config_registry') env[name] = value;
  }
  return { ...env, ...extra };
};

/** Options of {@link run}. */
export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Runs a command to its end; resolves with its output, rejects with a {@link StepFailed}. */
export const run = async (
  walkthrough: string,
  step: string,
  command: readonly string[],
  options: RunOptions,
): Promise<string> => {
  const { code, output } = await runToEnd(walkthrough, step, command, options);
  if (code === 0) return output;
  throw new StepFailed(walkthrough, step, `(${command.join(' ')}) exited with ${code}`, output);
};

/**
 * Runs a command to its end, whatever its exit code; resolves with the code and the whole output
 * (up to 1 MB), rejects with a {@link StepFailed} when it cannot start or runs out of time.
 */
export const runToEnd = (
  walkthrough: string,
  step: string,
  [command, ...args]: readonly string[],
  { cwd, env = userEnv(), timeoutMs }: RunOptions,
): Promise<{ code: number | string; output: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command!, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-1_000_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      stop(child);
      reject(new StepFailed(walkthrough, step, `did not finish in ${timeoutMs / 1000} s`, output));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new StepFailed(walkthrough, step, `could not start: ${error.message}`, output));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? 'unknown', output });
    });
  });

/** A long-running process (an app, the provider): its output so far, and how to stop it. */
export interface Service {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when `pattern` appears in the output; rejects when the process ends first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): void;
}

/** Kills a process and everything it started (`npm start` → tsx → node), by its process group. */
const stop = (child: ChildProcess) => {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
};

/** Starts a long-running command in its own process group. */
export const start = (
  [command, ...args]: readonly string[],
  { cwd, env = userEnv() }: { cwd: string; env?: NodeJS.ProcessEnv },
): Service => {
  const child = spawn(command!, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64_000);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('close', () => {
    for (const listener of listeners) listener();
  });
  return {
    child,
    output: () => output,
    stop: () => stop(child),
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) done(() => resolve(match));
          else if (child.exitCode !== null || child.signalCode !== null)
            done(() => reject(new Error(`exited with ${child.exitCode ?? child.signalCode}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} in ${timeoutMs / 1000} s`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
  };
};
