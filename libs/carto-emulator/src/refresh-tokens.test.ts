import type * as oauth from 'oauth4webapi';

import { claimsOf, clientCredentials, discover, refresh, spaLogin } from './test-support/oauth';
import { DEMO, spawnEmulator, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

const OFFLINE = 'openid profile email offline_access read:current_user';

describe('refresh tokens', () => {
  let emulator: TestEmulator;
  let as: oauth.AuthorizationServer;
  useEmulatorFixture((fixture) => ({ emulator, as } = fixture));

  it('issues a refresh token when offline_access is asked for', async () => {
    const tokens = await spaLogin(as, DEMO.users.demo, { scope: OFFLINE });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope?.split(' ')).toContain('offline_access');
  });

  it('issues no refresh token without offline_access', async () => {
    const tokens = await spaLogin(as, DEMO.users.demo);
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('rotates the refresh token on every use and keeps the organization', async () => {
    const first = await spaLogin(as, DEMO.users.sso, { scope: OFFLINE, organization: DEMO.organization });
    const second = await refresh(as, first.refresh_token ?? '');
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(claimsOf(second.access_token)).toMatchObject({
      sub: 'auth0|u_sso',
      org_id: DEMO.organization,
      aud: [DEMO.audience, `${emulator.issuer}userinfo`],
    });
    expect(claimsOf(second.id_token ?? '')).toMatchObject({ org_id: DEMO.organization });
    const third = await refresh(as, second.refresh_token ?? '');
    expect(third.access_token).toEqual(expect.any(String));
  });

  it('detects reuse of a rotated refresh token and revokes the whole family', async () => {
    const first = await spaLogin(as, DEMO.users.demo, { scope: OFFLINE });
    const second = await refresh(as, first.refresh_token ?? '');
    await expect(refresh(as, first.refresh_token ?? '')).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
    await expect(refresh(as, second.refresh_token ?? '')).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
  });

  describe('with --no-refresh-tokens, short lifetimes and an extra redirect URI', () => {
    const EXTRA = 'http://127.0.0.1:8080/auth/callback';
    let restricted: TestEmulator;
    let restrictedAs: oauth.AuthorizationServer;
    beforeAll(async () => {
      restricted = await spawnEmulator({
        refreshTokens: false,
        accessTokenTtl: 120,
        idTokenTtl: 60,
        m2mTokenTtl: 300,
        redirectUris: [EXTRA],
      });
      restrictedAs = await discover(restricted);
    });
    afterAll(() => restricted.close());

    it('never issues refresh tokens, even for offline_access', async () => {
      const tokens = await spaLogin(restrictedAs, DEMO.users.demo, { scope: OFFLINE });
      expect(tokens.refresh_token).toBeUndefined();
    });

    it('uses the configured lifetimes', async () => {
      const tokens = await spaLogin(restrictedAs, DEMO.users.demo);
      expect(tokens.expires_in).toBe(120);
      const id = claimsOf(tokens.id_token ?? '');
      expect(Number(id['exp']) - Number(id['iat'])).toBe(60);
      expect((await clientCredentials(restrictedAs)).expires_in).toBe(300);
    });

    it('accepts the extra redirect URI and allows its origin for CORS', async () => {
      const tokens = await spaLogin(restrictedAs, DEMO.users.demo, { redirectUri: EXTRA });
      expect(tokens.access_token).toEqual(expect.any(String));
      const preflight = await fetch(`${restricted.authUrl}/oauth/token`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:8080', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    });
  });
});
