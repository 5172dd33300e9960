import { randomUUID, timingSafeEqual } from 'node:crypto';

import type {
  DevOrganization,
  DevResource,
  DevResourceScope,
  DevRole,
  DevUserClaims,
  ResolvedOptions,
} from './options.js';

/** A user as stored in memory. */
export interface StoredUser {
  id: string;
  username: string;
  password: string;
  claims: DevUserClaims;
  roles: string[];
  organizations: Array<{ id: string; roles: string[] }>;
  createdAt: number;
  updatedAt: number;
}

/** A user's membership resolved against the organization it names. */
export interface ResolvedMembership {
  organization: DevOrganization;
  roles: DevOrganization['roles'];
}

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * The in-memory user, role, organization and resource store: what Logto keeps in Postgres. Scope
 * lookups follow Logto's `findResourceScopes` and `findUserScopesForResourceIndicator`.
 */
export class Directory {
  readonly #users = new Map<string, StoredUser>();
  readonly #roles: Map<string, DevRole>;
  readonly #organizations: Map<string, DevOrganization>;
  readonly #resources: Map<string, DevResource>;

  constructor({ users, roles, organizations, resources }: ResolvedOptions, now = Date.now()) {
    this.#roles = new Map(roles.map((role) => [role.name, role]));
    this.#organizations = new Map(organizations.map((org) => [org.id, org]));
    this.#resources = new Map(resources.map((resource) => [resource.indicator, resource]));
    for (const user of users) {
      this.#add({
        id: user.id ?? `user_${user.username}`,
        username: user.username,
        password: user.password,
        claims: user.claims ?? {},
        roles: user.roles ?? [],
        organizations: (user.organizations ?? []).map(({ id, roles = [] }) => ({ id, roles })),
        createdAt: user.claims?.created_at ?? now,
        updatedAt: user.claims?.updated_at ?? now,
      });
    }
  }

  #add(user: StoredUser) {
    if (this.#users.has(user.id) || this.findByUsername(user.username)) {
      throw new TypeError(`dev-provider options: duplicate user ${user.username}`);
    }
    this.#users.set(user.id, user);
  }

  /** Finds a user by `sub`. */
  findById(id: string): StoredUser | undefined {
    return this.#users.get(id);
  }

  /** Finds a user by username, case-insensitively as Logto does. */
  findByUsername(username: string): StoredUser | undefined {
    const wanted = username.toLowerCase();
    return [...this.#users.values()].find((user) => user.username.toLowerCase() === wanted);
  }

  /** Returns the user when the password matches. */
  authenticate(username: string, password: string): StoredUser | undefined {
    const user = this.findByUsername(username);
    return user && sameText(user.password, password) ? user : undefined;
  }

  /** Creates a user from the register screen. */
  register(username: string, password: string): StoredUser {
    const now = Date.now();
    const user: StoredUser = {
      id: `user_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
      username,
      password,
      claims: {},
      roles: [],
      organizations: [],
      createdAt: now,
      updatedAt: now,
    };
    this.#add(user);
    return user;
  }

  /** Finds an API resource by indicator. */
  findResource(indicator: string): DevResource | undefined {
    return this.#resources.get(indicator);
  }

  /** The user's organizations with the roles held in each. */
  memberships(user: StoredUser): ResolvedMembership[] {
    return user.organizations.flatMap(({ id, roles }) => {
      const organization = this.#organizations.get(id);
      if (!organization) return [];
      return [{ organization, roles: organization.roles.filter(({ name }) => roles.includes(name)) }];
    });
  }

  /** Whether the user belongs to the organization. */
  isMember(userId: string, organizationId: string): boolean {
    return this.findById(userId)?.organizations.some(({ id }) => id === organizationId) ?? false;
  }

  /** Every organization permission defined, as Logto's tenant-wide organization template. */
  allOrganizationScopes(): string[] {
    const scopes = [...this.#organizations.values()].flatMap((org) =>
      org.roles.flatMap((role) => role.scopes),
    );
    return unique(scopes.filter((scope): scope is string => typeof scope === 'string'));
  }

  /** The organization permissions the user's roles in one organization grant. */
  organizationScopes(userId: string, organizationId: string): string[] {
    const user = this.findById(userId);
    const membership =
      user && this.memberships(user).find(({ organization }) => organization.id === organizationId);
    const scopes = membership?.roles.flatMap((role) => role.scopes) ?? [];
    return unique(scopes.filter((scope): scope is string => typeof scope === 'string'));
  }

  /**
   * The permissions of `indicator` the user may receive: from global roles, plus from organization
   * roles (only those in `organizationId` when given), limited to the ones the resource defines.
   */
  resourceScopes(userId: string, indicator: string, organizationId?: string): string[] {
    const user = this.findById(userId);
    const resource = this.findResource(indicator);
    if (!user || !resource) return [];
    const fromRoles = user.roles.flatMap((name) => this.#roles.get(name)?.scopes ?? []);
    const fromOrganizations = this.memberships(user)
      .filter(({ organization }) => organizationId === undefined || organization.id === organizationId)
      .flatMap(({ roles }) => roles.flatMap((role) => role.scopes))
      .filter((scope): scope is DevResourceScope => typeof scope !== 'string');
    const granted = new Set(
      [...fromRoles, ...fromOrganizations].filter((s) => s.resource === indicator).map((s) => s.scope),
    );
    return resource.scopes.filter((scope) => granted.has(scope));
  }
}

const unique = (values: string[]) => [...new Set(values)];
