import { handleLogto, handleLogtoError } from '@logto-machine/sveltekit';

/** A setting from the environment; the server stops at start-up when a required one is missing. */
function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see the walkthrough's "Run it").`);
  return value;
}

// An API resource to get access tokens for, e.g. https://api.example.com (optional).
const resource = process.env.LOGTO_RESOURCE;

// Answers /sign-in, /sign-up, /callback and /sign-out, and sets `locals.logto` and `locals.user`.
export const handle = handleLogto({
  endpoint: setting('LOGTO_ENDPOINT'),
  appId: setting('LOGTO_APP_ID'),
  appSecret: setting('LOGTO_APP_SECRET'),
  // adapter-node takes the app's public origin from ORIGIN; the redirect URI is built on it.
  baseUrl: process.env.ORIGIN ?? 'http://localhost:3000',
  resources: resource ? [resource] : [],
  session: { secrets: setting('SESSION_SECRET') },
});

// Answers SDK errors that a load function lets through (an ended session: back to sign-in).
export const handleError = handleLogtoError();
