import { createLogto } from '@logto-machine/next';

/** Reads a required variable; a function, so `next build` runs without the environment. */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} in the environment.`);
  return value;
};

export const resource = process.env.LOGTO_RESOURCE || undefined;

export const logto = createLogto(() => ({
  endpoint: required('LOGTO_ENDPOINT'),
  appId: required('LOGTO_APP_ID'),
  appSecret: required('LOGTO_APP_SECRET'),
  baseUrl: required('BASE_URL'),
  resources: resource ? [resource] : [],
  session: { secrets: [required('SESSION_SECRET')] },
}));
