import { createRemoteJWKSet, jwtVerify } from 'jose';
import type * as oauth from 'oauth4webapi';

import { api } from './test-support/api';
import {
  CALLBACK,
  authorizeRequest,
  callbackParams,
  claimsOf,
  exchangeCode,
  spaLogin,
} from './test-support/oauth';
import { DEMO, UserAgentError, createUserAgent, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

const USER_METADATA = 'http://app.carto.com/user_metadata';

describe('SPA login (authorization code + PKCE)', () => {
  let emulator: TestEmulator;
  let as: oauth.AuthorizationServer;
  useEmulatorFixture((fixture) => ({ emulator, as } = fixture));
  beforeEach(() => emulator.admin.reset());

  it('logs the demo user in and issues CARTO access and ID tokens', async () => {
    const tokens = await spaLogin(as, DEMO.users.demo);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 86400 });
    expect(tokens.refresh_token).toBeUndefined();

    const jwks = createRemoteJWKSet(new URL(as.jwks_uri ?? ''));
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: emulator.issuer,
      audience: DEMO.audience,
    });
    expect(payload).toMatchObject({
      sub: 'auth0|u_demo',
      aud: [DEMO.audience, `${emulator.issuer}userinfo`],
      azp: DEMO.spaClientId,
      permissions: expect.arrayContaining([
        'read:current_user',
        'read:connections',
        'read:tokens',
        'write:tokens',
      ]),
      'http://app.carto.com/account_id': 'ac_demo',
      'http://app.carto.com/email': DEMO.users.demo,
    });
    expect(String(payload['scope']).split(' ')).toEqual(
      expect.arrayContaining(['openid', 'read:current_user']),
    );
    expect(payload).not.toHaveProperty('org_id');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86400);

    const id = claimsOf(tokens.id_token ?? '');
    expect(id).toMatchObject({
      sub: 'auth0|u_demo',
      aud: DEMO.spaClientId,
      email: DEMO.users.demo,
      name: 'Demo User',
      'http://app.carto.com/account_id': 'ac_demo',
      [USER_METADATA]: { account_id: 'ac_demo' },
    });
    expect(Number(id['exp']) - Number(id['iat'])).toBe(36000);
  });

  it('answers /userinfo with the profile for the access token', async () => {
    const tokens = await spaLogin(as, DEMO.users.demo);
    const userinfo = await api(`${emulator.authUrl}/userinfo`, { token: tokens.access_token });
    expect(userinfo.status).toBe(200);
    expect(userinfo.body).toMatchObject({
      sub: 'auth0|u_demo',
      email: DEMO.users.demo,
      [USER_METADATA]: { account_id: 'ac_demo' },
    });
    expect((await api(`${emulator.authUrl}/userinfo`)).status).toBe(401);
  });

  it('logs an SSO member in through the organization and adds org_id to both tokens', async () => {
    const tokens = await spaLogin(as, DEMO.users.sso, { organization: DEMO.organization });
    expect(claimsOf(tokens.access_token)).toMatchObject({
      org_id: DEMO.organization,
      'http://app.carto.com/account_id': 'ac_acme',
    });
    expect(claimsOf(tokens.id_token ?? '')).toMatchObject({
      org_id: DEMO.organization,
      email: DEMO.users.sso,
    });
  });

  it('shows the organization name on the login page', async () => {
    const pending = await authorizeRequest(as, { organization: DEMO.organization });
    const first = await fetch(pending.url, { redirect: 'manual' });
    const page = await fetch(new URL(first.headers.get('location') ?? '', emulator.authUrl), {
      headers: {
        cookie: first.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; '),
      },
    });
    const html = await page.text();
    expect(html).toContain('Acme Corp');
    expect(html).toMatch(/<input[^>]+name="email"/);
    expect(html).toMatch(/<input[^>]+name="password"/);
    expect(html.match(/type="submit"/g)).toHaveLength(1);
  });

  it('sends a non-member of the organization back with access_denied and the state', async () => {
    const pending = await authorizeRequest(as, { organization: DEMO.organization });
    const callback = await createUserAgent().login(pending.url, {
      email: DEMO.users.demo,
      password: DEMO.password,
    });
    expect(callback.startsWith(CALLBACK)).toBe(true);
    expect(callbackParams(callback)).toMatchObject({ error: 'access_denied', state: pending.state });
  });

  it('sends an unknown organization back with invalid_request and the state, before any login', async () => {
    const pending = await authorizeRequest(as, { organization: 'org_nope' });
    const callback = await createUserAgent().follow(pending.url);
    expect(callbackParams(callback)).toMatchObject({ error: 'invalid_request', state: pending.state });
  });

  it('requires the audience parameter', async () => {
    const pending = await authorizeRequest(as, { audience: null });
    const callback = await createUserAgent().follow(pending.url);
    expect(callbackParams(callback)).toMatchObject({ error: 'access_denied', state: pending.state });
  });

  it('refuses an unknown audience', async () => {
    const pending = await authorizeRequest(as, { audience: 'https://api.example.com' });
    const callback = await createUserAgent().follow(pending.url);
    expect(callbackParams(callback)).toMatchObject({
      error: 'access_denied',
      error_description: 'Service not found: https://api.example.com',
    });
  });

  it('requires PKCE', async () => {
    const pending = await authorizeRequest(as);
    pending.url.searchParams.delete('code_challenge');
    pending.url.searchParams.delete('code_challenge_method');
    const callback = await createUserAgent().follow(pending.url);
    expect(callbackParams(callback)).toMatchObject({ error: 'invalid_request', state: pending.state });
  });

  it('re-renders the login form with an error after a wrong password', async () => {
    const pending = await authorizeRequest(as);
    const failure = createUserAgent().login(pending.url, { email: DEMO.users.demo, password: 'wrong' });
    await expect(failure).rejects.toBeInstanceOf(UserAgentError);
    await expect(failure).rejects.toThrow(/login form again \(HTTP 400\): Wrong email or password\./);
  });

  it('refuses a redirect_uri that is not registered, without redirecting to it', async () => {
    const pending = await authorizeRequest(as, { redirectUri: 'http://127.0.0.1:9999/callback' });
    await expect(createUserAgent().follow(pending.url)).rejects.toMatchObject({ status: 400 });
  });

  it('completes prompt=none silently with an existing session', async () => {
    const agent = createUserAgent();
    await spaLogin(as, DEMO.users.demo, { agent });
    const pending = await authorizeRequest(as, { prompt: 'none' });
    const callback = await agent.follow(pending.url);
    const tokens = await exchangeCode(as, pending, callback);
    expect(claimsOf(tokens.access_token)['sub']).toBe('auth0|u_demo');
  });

  it.each([[-3600], [3600]])(
    'logs in and keeps the session with the emulator clock off by %p s (cookies expire in real time)',
    async (offset) => {
      await emulator.admin.setClockOffset(offset);
      const agent = createUserAgent();
      const login = await authorizeRequest(as);
      expect(
        callbackParams(await agent.login(login.url, { email: DEMO.users.demo, password: DEMO.password })),
      ).toMatchObject({ code: expect.any(String), state: login.state });
      const silent = await authorizeRequest(as, { prompt: 'none' });
      expect(callbackParams(await agent.follow(silent.url))).toMatchObject({ code: expect.any(String) });
    },
  );

  it('answers prompt=none without a session with login_required', async () => {
    const pending = await authorizeRequest(as, { prompt: 'none' });
    const callback = await createUserAgent().follow(pending.url);
    expect(callbackParams(callback)).toMatchObject({ error: 'login_required', state: pending.state });
  });

  it('logs out and redirects to an allowed returnTo; the session is gone afterwards', async () => {
    const agent = createUserAgent();
    await spaLogin(as, DEMO.users.demo, { agent });
    const logout = new URL('/v2/logout', emulator.authUrl);
    logout.searchParams.set('client_id', DEMO.spaClientId);
    logout.searchParams.set('returnTo', 'http://127.0.0.1:5173/');
    expect(await agent.follow(logout)).toBe('http://127.0.0.1:5173/');

    const pending = await authorizeRequest(as, { prompt: 'none' });
    expect(callbackParams(await agent.follow(pending.url))).toMatchObject({ error: 'login_required' });
  });

  it('refuses to log out to a returnTo that is not allowed', async () => {
    const logout = new URL('/v2/logout', emulator.authUrl);
    logout.searchParams.set('client_id', DEMO.spaClientId);
    logout.searchParams.set('returnTo', 'https://evil.example/');
    await expect(createUserAgent().follow(logout)).rejects.toMatchObject({ status: 400 });
  });

  it('lets a user without user_metadata finish sign-up, then adds the claim', async () => {
    const agent = createUserAgent();
    const before = await spaLogin(as, DEMO.users.signup, { agent });
    expect(claimsOf(before.id_token ?? '')).not.toHaveProperty([USER_METADATA]);

    const signup = new URL('/app/', emulator.authUrl);
    signup.searchParams.set('redirectUri', 'http://127.0.0.1:5173?forceLogin=true');
    expect(await agent.follow(signup)).toBe('http://127.0.0.1:5173/?forceLogin=true');

    const after = await spaLogin(as, DEMO.users.signup, { agent, prompt: 'login' });
    expect(claimsOf(after.id_token ?? '')).toMatchObject({ [USER_METADATA]: { account_id: 'ac_new' } });

    await emulator.admin.reset();
    const reset = await spaLogin(as, DEMO.users.signup);
    expect(claimsOf(reset.id_token ?? '')).not.toHaveProperty([USER_METADATA]);
  });

  it('asks for the e-mail on the SSO sign-up page when there is no session', async () => {
    const signup = new URL(`/app/sso/${DEMO.organization}`, emulator.authUrl);
    signup.searchParams.set('redirectUri', 'http://127.0.0.1:4200');
    expect(await createUserAgent().follow(signup, { email: DEMO.users.signup })).toBe(
      'http://127.0.0.1:4200/',
    );
    const tokens = await spaLogin(as, DEMO.users.signup);
    expect(claimsOf(tokens.id_token ?? '')).toHaveProperty([USER_METADATA]);
  });

  it('refuses a sign-up redirectUri outside the allowed web origins', async () => {
    const signup = new URL('/app/', emulator.authUrl);
    signup.searchParams.set('redirectUri', 'https://evil.example/');
    expect((await fetch(signup)).status).toBe(400);
  });

  it('allows the token request from an allowed web origin (CORS preflight) and refuses others', async () => {
    const preflight = (origin: string) =>
      fetch(`${emulator.authUrl}/oauth/token`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight('http://127.0.0.1:4200');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4200');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');

    const refused = await fetch(`${emulator.authUrl}/oauth/token`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: DEMO.spaClientId,
        code: 'x',
        redirect_uri: CALLBACK,
        code_verifier: 'x'.repeat(43),
      }),
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(await refused.json()).toMatchObject({ error: 'invalid_request' });
  });
});
