/** What each scenario hands the runner: tables, notes and correctness checks. */

export interface Settings {
  /** A second or two of load per scenario: proves it runs; its numbers mean nothing. */
  readonly smoke: boolean;
  /** Start our servers with `--cpu-prof` (profiles in `.out/profiles`). */
  readonly profile: boolean;
  readonly log: (line: string) => void;
}

export interface Table {
  readonly caption?: string;
  /** The first row is the header. */
  readonly rows: string[][];
}

/** A correctness count; the run fails when one is wrong (the only assertions the bench makes). */
export interface Check {
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Section {
  readonly title: string;
  readonly intro?: string;
  readonly tables: Table[];
  readonly notes: string[];
  readonly checks: Check[];
}

export type Scenario = (settings: Settings) => Promise<Section>;

export const check = (label: string, ok: boolean, detail: string): Check => ({ label, ok, detail });
