/**
 * The emulator's seeded identities: users, organizations, OAuth clients and CARTO accounts.
 *
 * Everything here is fixed data (DESIGN.md §4); the only mutable part, who has finished sign-up,
 * lives in {@link EmulatorState}.
 */
import { DEMO } from './demo.js';

/** Namespace of CARTO's custom claims (CARTO.md §2). */
export const CLAIM_NAMESPACE = 'http://app.carto.com/';
/** `http://app.carto.com/account_id` */
export const ACCOUNT_ID_CLAIM = `${CLAIM_NAMESPACE}account_id`;
/** `http://app.carto.com/email` */
export const EMAIL_CLAIM = `${CLAIM_NAMESPACE}email`;
/** `http://app.carto.com/user_metadata` */
export const USER_METADATA_CLAIM = `${CLAIM_NAMESPACE}user_metadata`;
/** `http://app.carto.com/acting_as` */
export const ACTING_AS_CLAIM = `${CLAIM_NAMESPACE}acting_as`;

/** A seeded user who can log in with the password {@link DEMO.password}. */
export interface DirectoryUser {
  /** The OpenID `sub`, `auth0|<user id>`. */
  readonly sub: string;
  readonly email: string;
  readonly name: string;
  /** The CARTO account the user belongs to (`ac_…`). */
  readonly accountId: string;
  /** Organization ids the user is a member of. */
  readonly organizations: readonly string[];
  /** True when the user has no `user_metadata` until sign-up is finished (CARTO.md §2). */
  readonly needsSignup: boolean;
}

/** An Auth0 organization (SSO connection) the SPA may pass as `organization`. */
export interface DirectoryOrganization {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

/** A machine-to-machine client acting for the account of its owner. */
export interface DirectoryM2MClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** `sub` of the user whose account the client acts for. */
  readonly ownerSub: string;
}

/** Permissions carried by user access tokens (Auth0 RBAC `permissions` claim). */
export const USER_PERMISSIONS: readonly string[] = [
  'read:current_user',
  'read:connections',
  'read:maps',
  'read:account',
  'read:tokens',
  'write:tokens',
];

/** Permissions carried by M2M access tokens. */
export const M2M_PERMISSIONS: readonly string[] = ['read:tokens', 'write:tokens', 'read:connections'];

/** Every scope the CARTO API resource server knows. */
export const API_SCOPES: readonly string[] = [...new Set([...USER_PERMISSIONS, ...M2M_PERMISSIONS])];

/** The seeded users. */
export const USERS: readonly DirectoryUser[] = [
  {
    sub: 'auth0|u_demo',
    email: DEMO.users.demo,
    name: 'Demo User',
    accountId: 'ac_demo',
    organizations: [],
    needsSignup: false,
  },
  {
    sub: 'auth0|u_sso',
    email: DEMO.users.sso,
    name: 'Sam Acme',
    accountId: 'ac_acme',
    organizations: [DEMO.organization],
    needsSignup: false,
  },
  {
    sub: 'auth0|u_new',
    email: DEMO.users.signup,
    name: 'New User',
    accountId: 'ac_new',
    organizations: [],
    needsSignup: true,
  },
  {
    // Owner of the second M2M client's account; lets tests check that accounts do not see each other's tokens.
    sub: 'auth0|u_other',
    email: 'other@carto.test',
    name: 'Other Owner',
    accountId: 'ac_other',
    organizations: [],
    needsSignup: false,
  },
];

/** The seeded organizations. */
export const ORGANIZATIONS: readonly DirectoryOrganization[] = [
  { id: DEMO.organization, name: 'acme', displayName: 'Acme Corp' },
];

/** The seeded M2M clients. */
export const M2M_CLIENTS: readonly DirectoryM2MClient[] = [
  { clientId: DEMO.m2mClientId, clientSecret: DEMO.m2mClientSecret, ownerSub: 'auth0|u_demo' },
  { clientId: 'carto-m2m-other', clientSecret: 'carto-m2m-other-secret', ownerSub: 'auth0|u_other' },
];

/** Finds a user by `sub`. */
export function findUserBySub(sub: string): DirectoryUser | undefined {
  return USERS.find((user) => user.sub === sub);
}

/** Finds a user by e-mail, case-insensitively. */
export function findUserByEmail(email: string): DirectoryUser | undefined {
  const wanted = email.trim().toLowerCase();
  return USERS.find((user) => user.email === wanted);
}

/** Returns the user when the e-mail and password match, else undefined. */
export function authenticateUser(email: string, password: string): DirectoryUser | undefined {
  const user = findUserByEmail(email);
  return user && password === DEMO.password ? user : undefined;
}

/** Finds an organization by id. */
export function findOrganization(id: string): DirectoryOrganization | undefined {
  return ORGANIZATIONS.find((org) => org.id === id);
}

/** Finds an M2M client by id. */
export function findM2MClient(clientId: string): DirectoryM2MClient | undefined {
  return M2M_CLIENTS.find((client) => client.clientId === clientId);
}
