import * as Context from 'effect/Context';
import type { SessionFailure } from '../machine/context.ts';
import type { NormalizedConfig } from '../oidc/config.ts';
import type { SeenLogoutTokens } from '../oidc/logoutToken.ts';
import type { Logger } from '../ports/Logger.ts';
import type { ProviderCache } from './providerCache.ts';
import type { RefreshLedger } from './refreshLedger.ts';

/** Everything a client's operations need besides the ports: the checked config and the tunables. */
export interface ClientSettingsShape {
  readonly config: NormalizedConfig;
  /** A cached access token is reused only while it has more than this left. Default 60 000 ms. */
  readonly tokenExpirySkewMs: number;
  /** Allowed clock difference for ID-token `exp`/`iat`. Default 60 s. */
  readonly clockToleranceSeconds: number;
  /** How long a sign-in may take before its callback is refused. Default 10 minutes. */
  readonly transactionTtlMs: number;
  /** Provider documents, shared by every client of the process by default. */
  readonly cache: ProviderCache;
  /** Recent refresh results, shared by every client of the process by default. */
  readonly ledger: RefreshLedger;
  /**
   * When this client was made (for server adapters: when its request arrived). A copy of the session
   * read by a request that started after another request rotated its refresh token is stale: see
   * `mayAdopt` in `machine/rules.ts`.
   */
  readonly openedAt: number;
  /** Logout tokens accepted lately (a replayed `jti` is refused), shared by every client of the process by default. */
  readonly logoutTokens: SeenLogoutTokens;
  /** Called after every step of the session machine (for Stately's inspector or logs); tokens redacted. */
  readonly inspect: SessionInspector | undefined;
  /** Where refused and failed refreshes are logged. */
  readonly logger: Logger;
  /** The machine's state while one of its actors runs (e.g. `refreshing`), for `getSessionState()`. */
  readonly live: LiveSession;
}

/** Where the interpreter shows the machine's state while an actor runs; `undefined` between steps. */
export interface LiveSession {
  current: { readonly tags: ReadonlySet<string>; readonly failure: SessionFailure | null } | undefined;
}

/** One step of the session machine as an inspector sees it: the event and where it led. */
export interface SessionInspection {
  /** The event, as the machine received it (actor results included); secrets are redacted. */
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  /** The machine's state value after the event, e.g. `{ authenticated: 'refreshing' }`. */
  readonly value: unknown;
  readonly tags: readonly string[];
  /** The context after the event, with every token, code and verifier replaced by `'<redacted>'`. */
  readonly context: unknown;
}

/** Receives every step of the session machine. */
export type SessionInspector = (inspection: SessionInspection) => void;

/** The client settings' service tag. */
export class ClientSettings extends Context.Service<ClientSettings, ClientSettingsShape>()(
  '@logto-machine/core/ClientSettings',
) {}
