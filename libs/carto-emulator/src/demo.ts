/**
 * The fixed demo values of the emulator (DESIGN.md §4, a **contract**: docs, samples and tests rely on them).
 *
 * This file has no imports so that both the ESM emulator and the CommonJS test helpers can load it.
 */

/**
 * Demo client ids, users, organization, connection and audience the emulator is seeded with.
 *
 * @example
 * ```ts
 * const url = new URL('/authorize', authUrl);
 * url.searchParams.set('client_id', DEMO.spaClientId);
 * url.searchParams.set('audience', DEMO.audience);
 * ```
 */
export const DEMO = {
  /** Public SPA client (Authorization Code + PKCE, no secret). */
  spaClientId: 'carto-spa-demo',
  /** M2M client acting for the demo user's account `ac_demo` (client credentials, `client_secret_post`). */
  m2mClientId: 'carto-m2m-demo',
  /** Secret of {@link DEMO.m2mClientId}. */
  m2mClientSecret: 'carto-m2m-demo-secret',
  /** Password of every demo user. */
  password: 'demo',
  /** Demo users by role. */
  users: {
    /** An ordinary user (account `ac_demo`). */
    demo: 'demo@carto.test',
    /** A member of the SSO organization `org_acme` (account `ac_acme`). */
    sso: 'sso@acme.test',
    /** A user without `user_metadata` until sign-up is finished in the emulated CARTO app. */
    signup: 'new@carto.test',
  },
  /** The SSO organization id (Auth0 `organization` parameter). */
  organization: 'org_acme',
  /** The data warehouse connection of the SQL API. */
  connection: 'carto_dw',
  /** The `audience` of CARTO's APIs. */
  audience: 'carto-cloud-native-api',
} as const;

/** The type of {@link DEMO}. */
export type DemoValues = typeof DEMO;
