/**
 * OAuth client steps for the emulator's own tests, done with oauth4webapi (a real client, no mocks).
 */
import * as oauth from 'oauth4webapi';

import { DEMO, createUserAgent, type TestEmulator, type UserAgent } from '../testing';

/** The callback URL the SPA tests use (a default allowed one). */
export const CALLBACK = 'http://127.0.0.1:5173/callback';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The authorization server metadata, through discovery. */
export async function discover(emulator: TestEmulator): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(emulator.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
}

/** Requests an M2M token; resolves to the token response or rejects with oauth4webapi's error. */
export async function clientCredentials(
  as: oauth.AuthorizationServer,
  clientId: string = DEMO.m2mClientId,
  secret: string = DEMO.m2mClientSecret,
  parameters: Record<string, string> = { audience: DEMO.audience },
): Promise<oauth.TokenEndpointResponse> {
  const client: oauth.Client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    client,
    oauth.ClientSecretPost(secret),
    new URLSearchParams(parameters),
    insecure,
  );
  return oauth.processClientCredentialsResponse(as, client, response);
}

/** What an authorization request asks for. */
export interface AuthorizeOptions {
  scope?: string;
  organization?: string;
  prompt?: string;
  /** Omit the `audience` parameter when null. */
  audience?: string | null;
  redirectUri?: string;
}

/** A prepared authorization request: the URL and what the callback needs. */
export interface PendingLogin {
  url: URL;
  state: string;
  verifier: string;
  redirectUri: string;
}

const SPA: oauth.Client = { client_id: DEMO.spaClientId };

/** Builds the SPA's authorization URL (code + PKCE S256). */
export async function authorizeRequest(
  as: oauth.AuthorizationServer,
  options: AuthorizeOptions = {},
): Promise<PendingLogin> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const redirectUri = options.redirectUri ?? CALLBACK;
  const url = new URL(as.authorization_endpoint ?? '');
  url.searchParams.set('client_id', DEMO.spaClientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', options.scope ?? 'openid profile email read:current_user read:connections');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  if (options.audience !== null) url.searchParams.set('audience', options.audience ?? DEMO.audience);
  if (options.organization) url.searchParams.set('organization', options.organization);
  if (options.prompt) url.searchParams.set('prompt', options.prompt);
  return { url, state, verifier, redirectUri };
}

/** Exchanges the code of a callback URL for tokens (validating state, `iss` and the ID token). */
export async function exchangeCode(
  as: oauth.AuthorizationServer,
  pending: PendingLogin,
  callbackUrl: string,
): Promise<oauth.TokenEndpointResponse> {
  const params = oauth.validateAuthResponse(as, SPA, new URL(callbackUrl), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    SPA,
    oauth.None(),
    params,
    pending.redirectUri,
    pending.verifier,
    insecure,
  );
  return oauth.processAuthorizationCodeResponse(as, SPA, response);
}

/** Logs a user in through the login page and exchanges the code: the whole SPA flow. */
export async function spaLogin(
  as: oauth.AuthorizationServer,
  email: string,
  options: AuthorizeOptions & { agent?: UserAgent } = {},
): Promise<oauth.TokenEndpointResponse> {
  const pending = await authorizeRequest(as, options);
  const agent = options.agent ?? createUserAgent();
  const callback = await agent.login(pending.url, { email, password: DEMO.password });
  return exchangeCode(as, pending, callback);
}

/** Uses a refresh token (the SPA is a public client). */
export async function refresh(
  as: oauth.AuthorizationServer,
  refreshToken: string,
): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.refreshTokenGrantRequest(as, SPA, oauth.None(), refreshToken, insecure);
  return oauth.processRefreshTokenResponse(as, SPA, response);
}

/** The payload of a JWT, unverified (for tests that verify separately or only read claims). */
export function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The query parameters of a callback URL as an object. */
export function callbackParams(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}
