#!/usr/bin/env node
/**
 * `logto-dev-provider`: starts the dev provider and prints where it is and how to sign in.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { type DevProvider, type DevProviderOptions, startDevProvider } from './index.js';

const usage = `Usage: logto-dev-provider [options]

A local, Logto-compatible OpenID provider for development, demos and tests.

Options:
  --config <file.json>           options as JSON (apps, users, resources, roles, organizations, ttl, …)
  --port <n>                     port to listen on (default 3001; 0 picks a free one)
  --host <host>                  interface to bind (default 127.0.0.1)
  --rotate-refresh-tokens <mode> logto (default) or always
  --signing-alg <alg>            ES384 (default) or RS256
  --keys-file <file.json>        a private JWKS to sign with instead of fresh keys
  --allow-production             start even when NODE_ENV=production
  -h, --help                     show this help
`;

async function readOptions(argv: string[]): Promise<DevProviderOptions | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'rotate-refresh-tokens': { type: 'string' },
      'signing-alg': { type: 'string' },
      'keys-file': { type: 'string' },
      'allow-production': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const file: DevProviderOptions = values.config ? JSON.parse(await readFile(values.config, 'utf8')) : {};
  const options: DevProviderOptions = { ...file, port: file.port ?? 3001 };
  if (values.port !== undefined) options.port = Number(values.port);
  if (values.host !== undefined) options.host = values.host;
  if (values['rotate-refresh-tokens']) {
    options.rotateRefreshTokens = values[
      'rotate-refresh-tokens'
    ] as DevProviderOptions['rotateRefreshTokens'];
  }
  if (values['signing-alg']) options.signingAlg = values['signing-alg'] as DevProviderOptions['signingAlg'];
  if (values['keys-file']) options.keysFile = values['keys-file'];
  if (values['allow-production']) options.allowProduction = true;
  return options;
}

/** The banner: endpoints, app credentials and seeded accounts. */
function describeProvider({ url, issuer, options }: DevProvider): string {
  const anyLoopback = 'any http://127.0.0.1:<port>/… or http://localhost:<port>/…';
  const lines = [
    'Logto dev provider is running (in memory: restarting forgets users and tokens)',
    '',
    `  Logto endpoint  ${url}`,
    `  Issuer          ${issuer}`,
    `  Discovery       ${issuer}/.well-known/openid-configuration`,
    '',
    'Apps',
    ...options.apps.flatMap((app) => [
      `  ${app.id} (${app.type})${app.secret && app.type === 'traditional' ? `  secret: ${app.secret}` : ''}`,
      `    redirect URIs: ${app.redirectUris?.join(', ') ?? anyLoopback}`,
      `    post-logout redirect URIs: ${app.postLogoutRedirectUris?.join(', ') ?? anyLoopback}`,
    ]),
    '',
    'Users (username / password)',
    ...options.users.map((user) => `  ${user.username} / ${user.password}`),
    '',
    'API resources',
    ...options.resources.map((resource) => `  ${resource.indicator}  ${resource.scopes.join(' ')}`),
    '',
    'Organizations',
    ...options.organizations.map((org) => `  ${org.id}  ${org.name}`),
  ];
  return lines.join('\n');
}

async function main() {
  const options = await readOptions(process.argv.slice(2));
  if (!options) {
    process.stdout.write(usage);
    return;
  }
  const provider = await startDevProvider(options);
  process.stdout.write(`${describeProvider(provider)}\n`);
  const shutdown = () => {
    provider.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`logto-dev-provider: ${message}\n`);
  process.exit(1);
});
