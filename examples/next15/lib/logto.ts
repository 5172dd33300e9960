/**
 * The app's one Logto integration, imported by the route handlers, the middleware and the pages. The
 * configuration comes from the environment (see examples/next's README) at the first request, not at
 * `next build`. Sessions live in encrypted cookies.
 */
import { createLogto } from '@logto-machine/next';

/** A variable that is set but empty counts as unset. */
const env = (name: string) => process.env[name] || undefined;
const list = (name: string) =>
  env(name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean) ?? [];

const required = (name: string): string => {
  const value = env(name);
  if (value === undefined) throw new Error(`${name} is not set; start the app with \`pnpm start\`.`);
  return value;
};

export const logto = createLogto(() => ({
  endpoint: required('LOGTO_ENDPOINT'),
  appId: required('LOGTO_APP_ID'),
  appSecret: env('LOGTO_APP_SECRET'),
  scopes: list('LOGTO_SCOPES'),
  resources: list('LOGTO_RESOURCES'),
  baseUrl: env('BASE_URL'),
  session: { secrets: required('SESSION_SECRET') },
}));
