import type {
  DevApp,
  DevOrganization,
  DevProviderOptions,
  DevResource,
  DevRole,
  DevUser,
  ResolvedOptions,
} from './options.js';

/** The demo API resource. */
export const demoResource = 'https://api.example.com';

/** The seeded apps: a confidential web app and a public SPA, both accepting any loopback redirect. */
export const defaultApps: DevApp[] = [
  { id: 'demo-app', secret: 'demo-app-secret', type: 'traditional', name: 'Demo app' },
  { id: 'demo-spa', type: 'spa', name: 'Demo SPA' },
];

/** The seeded API resource with its two permissions. */
export const defaultResources: DevResource[] = [
  { indicator: demoResource, scopes: ['read:data', 'write:data'] },
];

/** Global roles granting the demo resource's permissions. */
export const defaultRoles: DevRole[] = [
  { name: 'reader', scopes: [{ resource: demoResource, scope: 'read:data' }] },
  {
    name: 'writer',
    scopes: [
      { resource: demoResource, scope: 'read:data' },
      { resource: demoResource, scope: 'write:data' },
    ],
  },
];

/** `org_demo`, which the demo user belongs to, and `org_other`, which it does not. */
export const defaultOrganizations: DevOrganization[] = [
  {
    id: 'org_demo',
    name: 'Demo organization',
    description: 'The organization the demo user belongs to',
    roles: [
      { name: 'admin', scopes: ['read:org', 'write:org'] },
      { name: 'member', scopes: ['read:org'] },
    ],
  },
  {
    id: 'org_other',
    name: 'Other organization',
    description: null,
    roles: [{ name: 'member', scopes: ['read:org'] }],
  },
];

/** `demo` (every role, admin of `org_demo`) and `guest` (reader, no organization). */
export const defaultUsers: DevUser[] = [
  {
    id: 'user_demo',
    username: 'demo',
    password: 'demo-password',
    claims: {
      name: 'Demo User',
      email: 'demo@example.com',
      custom_data: { plan: 'demo' },
    },
    roles: ['reader', 'writer'],
    organizations: [{ id: 'org_demo', roles: ['admin'] }],
  },
  { id: 'user_guest', username: 'guest', password: 'guest-password', roles: ['reader'] },
];

const day = 24 * 60 * 60;

/** Applies the defaults and checks that names refer to things that exist. */
export function resolveOptions(options: DevProviderOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    apps: options.apps ?? defaultApps,
    users: options.users ?? defaultUsers,
    resources: options.resources ?? defaultResources,
    roles: options.roles ?? defaultRoles,
    organizations: options.organizations ?? defaultOrganizations,
    ttl: {
      accessToken: options.ttl?.accessToken ?? 3600,
      idToken: options.ttl?.idToken ?? 3600,
      refreshToken: options.ttl?.refreshToken ?? 14 * day,
      organizationToken: options.ttl?.organizationToken ?? 3600,
    },
    rotateRefreshTokens: options.rotateRefreshTokens ?? 'logto',
    signingAlg: options.signingAlg ?? 'ES384',
    keysFile: options.keysFile,
    allowProduction: options.allowProduction ?? false,
    logErrors: options.logErrors ?? true,
  };
  validate(resolved);
  return resolved;
}

function validate({
  apps,
  users,
  roles,
  organizations,
  resources,
  rotateRefreshTokens,
  signingAlg,
}: ResolvedOptions) {
  const fail = (message: string): never => {
    throw new TypeError(`dev-provider options: ${message}`);
  };
  for (const app of apps) {
    if (!['traditional', 'spa', 'native'].includes(app.type)) fail(`app ${app.id}: unknown type ${app.type}`);
    if (app.type === 'traditional' && !app.secret) fail(`app ${app.id}: a traditional app needs a secret`);
    const backchannel = app.backchannelLogoutUri;
    if (backchannel !== undefined && !/^https?:$/.test(URL.parse(backchannel)?.protocol ?? ''))
      fail(`app ${app.id}: backchannelLogoutUri must be an http(s) URL`);
  }
  const roleNames = new Set(roles.map(({ name }) => name));
  const orgs = new Map(organizations.map((org) => [org.id, org]));
  const indicators = new Set(resources.map(({ indicator }) => indicator));
  const scopes = [...roles, ...organizations.flatMap((org) => org.roles)].flatMap((role) => role.scopes);
  for (const scope of scopes) {
    if (typeof scope !== 'string' && !indicators.has(scope.resource))
      fail(`unknown resource ${scope.resource}`);
  }
  for (const user of users) {
    for (const role of user.roles ?? [])
      if (!roleNames.has(role)) fail(`user ${user.username}: unknown role ${role}`);
    for (const membership of user.organizations ?? []) {
      const org =
        orgs.get(membership.id) ?? fail(`user ${user.username}: unknown organization ${membership.id}`);
      for (const role of membership.roles ?? []) {
        if (!org.roles.some(({ name }) => name === role))
          fail(`user ${user.username}: unknown role ${role} in ${org.id}`);
      }
    }
  }
  if (!['logto', 'always'].includes(rotateRefreshTokens))
    fail(`unknown rotateRefreshTokens ${rotateRefreshTokens}`);
  if (!['ES384', 'RS256'].includes(signingAlg)) fail(`unsupported signingAlg ${signingAlg}`);
}
