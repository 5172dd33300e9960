import * as Context from 'effect/Context';
import type { NormalizedConfig } from '../oidc/config.ts';
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
}

/** The client settings' service tag. */
export class ClientSettings extends Context.Service<ClientSettings, ClientSettingsShape>()(
  '@logto-machine/core/ClientSettings',
) {}
