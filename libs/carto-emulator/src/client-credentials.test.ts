import { createRemoteJWKSet, jwtVerify } from 'jose';
import type * as oauth from 'oauth4webapi';

import { api } from './test-support/api';
import { clientCredentials } from './test-support/oauth';
import { DEMO, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

describe('client credentials (M2M)', () => {
  let emulator: TestEmulator;
  let as: oauth.AuthorizationServer;
  useEmulatorFixture((fixture) => ({ emulator, as } = fixture));

  it('issues an RS256 access token with CARTO M2M claims that verifies against the JWKS', async () => {
    const tokens = await clientCredentials(as);
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      expires_in: 86400,
      scope: 'read:tokens write:tokens read:connections',
    });
    expect(tokens.refresh_token).toBeUndefined();

    const jwks = createRemoteJWKSet(new URL(as.jwks_uri ?? ''));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: emulator.issuer,
      audience: DEMO.audience,
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      iss: emulator.issuer,
      sub: `${DEMO.m2mClientId}@clients`,
      aud: DEMO.audience,
      azp: DEMO.m2mClientId,
      gty: 'client-credentials',
      scope: 'read:tokens write:tokens read:connections',
      permissions: ['read:tokens', 'write:tokens', 'read:connections'],
      'http://app.carto.com/account_id': 'ac_demo',
      'http://app.carto.com/acting_as': 'auth0|u_demo',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86400);
  });

  it('acts for the account of the client owner', async () => {
    const tokens = await clientCredentials(as, 'carto-m2m-other', 'carto-m2m-other-secret');
    const accounts = await api(`${emulator.apiUrl}/accounts`, { token: tokens.access_token });
    expect(accounts.status).toBe(200);
    expect(accounts.body).toEqual({
      id: 'ac_other',
      tenant_domain: new URL(emulator.apiUrl).host,
      tenant_id: 'carto-emulator',
    });
  });

  it('refuses a wrong secret with 401 invalid_client', async () => {
    await expect(clientCredentials(as, DEMO.m2mClientId, 'wrong-secret')).rejects.toMatchObject({
      status: 401,
      error: 'invalid_client',
    });
  });

  it('refuses a missing audience with 403 access_denied', async () => {
    await expect(clientCredentials(as, DEMO.m2mClientId, DEMO.m2mClientSecret, {})).rejects.toMatchObject({
      status: 403,
      error: 'access_denied',
    });
  });

  it('refuses an unknown audience with 403 access_denied', async () => {
    await expect(
      clientCredentials(as, DEMO.m2mClientId, DEMO.m2mClientSecret, { audience: 'https://api.example.com' }),
    ).rejects.toMatchObject({
      status: 403,
      error: 'access_denied',
      error_description: 'Service not found: https://api.example.com',
    });
  });

  it('accepts a JSON body like Auth0', async () => {
    const response = await api<{ access_token: string; expires_in: number }>(
      `${emulator.authUrl}/oauth/token`,
      {
        method: 'POST',
        body: {
          grant_type: 'client_credentials',
          client_id: DEMO.m2mClientId,
          client_secret: DEMO.m2mClientSecret,
          audience: DEMO.audience,
        },
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.expires_in).toBe(86400);
  });
});
