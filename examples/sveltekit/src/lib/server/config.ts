/**
 * The Logto configuration from the environment (see the README's table). `launcher.ts` fills it in
 * for the embedded dev provider when `LOGTO_ENDPOINT` is unset.
 */
import type { LogtoServerConfig } from '@logto-machine/sveltekit';

/** A variable that is set but empty counts as unset. */
const env = (name: string) => process.env[name] || undefined;
const list = (name: string) =>
  env(name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean) ?? [];

const required = (name: string, hint: string): string => {
  const value = env(name);
  if (value === undefined) throw new Error(`${name} is not set. ${hint}`);
  return value;
};

export const configFromEnv = (): LogtoServerConfig => ({
  endpoint: required('LOGTO_ENDPOINT', 'Start the app with `pnpm start` to use the embedded dev provider.'),
  appId: required('LOGTO_APP_ID', 'Set LOGTO_APP_ID and LOGTO_APP_SECRET to your Logto app.'),
  appSecret: env('LOGTO_APP_SECRET'),
  scopes: list('LOGTO_SCOPES'),
  resources: list('LOGTO_RESOURCES'),
  baseUrl: env('BASE_URL'),
  session: {
    secrets: required('SESSION_SECRET', 'Set it to 32+ random characters, e.g. `openssl rand -base64 32`.'),
  },
});
