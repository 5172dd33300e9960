/**
 * A local, Logto-compatible OpenID provider for development, demos and tests, built on
 * oidc-provider 9 (the engine inside Logto).
 *
 * @module
 */
import { defaultUsers, resolveOptions } from './defaults.js';
import { Directory } from './directory.js';
import { createInteractionHandler } from './interactions.js';
import { loadSigningKeys } from './keys.js';
import type { DevProviderOptions, ResolvedOptions } from './options.js';
import { createProvider } from './provider.js';
import { listen, type Routes } from './server.js';
import { DevProviderStats } from './stats.js';

export {
  defaultApps,
  defaultOrganizations,
  defaultResources,
  defaultRoles,
  defaultUsers,
  demoResource,
} from './defaults.js';
export type {
  DevApp,
  DevAppType,
  DevMembership,
  DevOrganization,
  DevOrganizationRole,
  DevProviderOptions,
  DevResource,
  DevResourceScope,
  DevRole,
  DevTtl,
  DevUser,
  DevUserClaims,
  ResolvedOptions,
  RotateRefreshTokens,
  SigningAlg,
} from './options.js';
export {
  type BackchannelLogoutRecord,
  DevProviderStats,
  type EndpointName,
  type RefreshGrantRecord,
  tokenDigest,
} from './stats.js';

/** A running dev provider. */
export interface DevProvider {
  /** The server's base URL, e.g. `http://127.0.0.1:3001`: the Logto `endpoint` for an SDK. */
  url: string;
  /** `{url}/oidc`. */
  issuer: string;
  /** Request counters for tests. */
  stats: DevProviderStats;
  /** The options in effect. */
  options: ResolvedOptions;
  /** Stops the server, closing every open connection. */
  stop(): Promise<void>;
}

/** Thrown when starting with `NODE_ENV=production` without `allowProduction`. */
export class ProductionRefusedError extends Error {
  override readonly name = 'ProductionRefusedError';
  constructor() {
    super(
      'Refusing to start the Logto dev provider with NODE_ENV=production: it keeps users and tokens in memory, ' +
        'signs with throwaway test keys and consents for users automatically. ' +
        'Set allowProduction: true (CLI: --allow-production) to start it anyway.',
    );
  }
}

const urlHost = (host: string) => {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
};

/**
 * Starts the provider. With no options it serves the demo apps, users, resource and organizations
 * on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const op = await startDevProvider({ rotateRefreshTokens: 'always' });
 * const client = new LogtoClient({ endpoint: op.url, appId: 'demo-app', appSecret: 'demo-app-secret' });
 * await op.stop();
 * ```
 * @throws {ProductionRefusedError} when `NODE_ENV=production` and `allowProduction` is not set.
 */
export async function startDevProvider(options?: DevProviderOptions): Promise<DevProvider> {
  const resolved = resolveOptions(options);
  if (process.env.NODE_ENV === 'production' && !resolved.allowProduction) throw new ProductionRefusedError();
  const keys = await loadSigningKeys(resolved.signingAlg, resolved.keysFile);
  const directory = new Directory(resolved);
  const stats = new DevProviderStats();

  let routes: Routes | undefined;
  const listening = await listen(resolved.host, resolved.port, () => routes!);
  const url = `http://${urlHost(resolved.host)}:${listening.port}`;
  const issuer = `${url}/oidc`;
  const provider = await createProvider({ issuer, options: resolved, directory, keys, stats });
  const hint = resolved.users === defaultUsers ? 'Demo account: demo / demo-password' : undefined;
  routes = {
    oidc: provider.callback(),
    interaction: createInteractionHandler({ provider, directory, apps: resolved.apps, hint }),
  };
  return { url, issuer, stats, options: resolved, stop: listening.close };
}
