// With BENCH_LOGTO=1 our handle hook (the example's configuration, bench/servers/config.ts); without
// it SvelteKit's default hook (`resolve(event)`), i.e. a bare SvelteKit endpoint.

import { handleLogto } from '@logto-machine/sveltekit';
import { env } from '$env/dynamic/private';

const bare = ({ event, resolve }) => resolve(event);

export const handle =
  env.BENCH_LOGTO === '1'
    ? handleLogto({
        endpoint: env.LOGTO_ENDPOINT,
        appId: 'demo-app',
        appSecret: 'demo-app-secret',
        scopes: [
          'email',
          'custom_data',
          'urn:logto:scope:organizations',
          'urn:logto:scope:organization_roles',
          'read:data',
          'read:org',
        ],
        resources: ['https://api.example.com'],
        session: { secrets: [env.BENCH_SESSION_SECRET] },
      })
    : bare;
