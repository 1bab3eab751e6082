import { DEMO, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

describe('discovery', () => {
  let emulator: TestEmulator;
  useEmulatorFixture((fixture) => ({ emulator } = fixture));

  it('prints its URLs with a trailing-slash issuer on the auth origin', () => {
    expect(emulator.authUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.issuer).toBe(`${emulator.authUrl}/`);
  });

  it('answers its root URLs with what it is (printed by npm start) and favicons with 204', async () => {
    const auth = await fetch(`${emulator.authUrl}/`);
    expect(auth.status).toBe(200);
    const page = await auth.text();
    expect(page).toContain(emulator.issuer);
    expect(page).toContain('/.well-known/openid-configuration');
    expect(page).toContain(DEMO.users.demo);
    const api = await fetch(`${emulator.apiUrl}/`);
    expect(await api.json()).toMatchObject({ apis: expect.arrayContaining(['/v3/tokens']) });
    for (const origin of [emulator.authUrl, emulator.apiUrl])
      expect((await fetch(`${origin}/favicon.ico`)).status).toBe(204);
  });

  it('tells a user who opened a sample at localhost to use 127.0.0.1', async () => {
    const authorize = new URL('/authorize', emulator.authUrl);
    authorize.search = new URLSearchParams({
      client_id: DEMO.spaClientId,
      redirect_uri: 'http://localhost:4200/callback',
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      state: 's',
    }).toString();
    const response = await fetch(authorize);
    const page = await response.text();
    expect(page).toContain('invalid_redirect_uri');
    expect(page).toContain('http://127.0.0.1:&lt;port&gt;');
  });

  it('serves an OpenID configuration with Auth0 paths', async () => {
    const response = await fetch(`${emulator.authUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: emulator.issuer,
      authorization_endpoint: `${emulator.authUrl}/authorize`,
      token_endpoint: `${emulator.authUrl}/oauth/token`,
      jwks_uri: `${emulator.authUrl}/.well-known/jwks.json`,
      userinfo_endpoint: `${emulator.authUrl}/userinfo`,
      end_session_endpoint: `${emulator.authUrl}/v2/logout`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    });
    expect(doc['grant_types_supported']).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
    );
  });

  it('lets browsers read the discovery document from any origin', async () => {
    const response = await fetch(`${emulator.authUrl}/.well-known/openid-configuration`, {
      headers: { origin: 'http://127.0.0.1:4200' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4200');
  });

  it('publishes one RS256 signing key in the JWKS', async () => {
    const jwks = (await (await fetch(`${emulator.authUrl}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('answers tenant discovery: config.yaml names the API base URL', async () => {
    const response = await fetch(`${emulator.apiUrl}/config.yaml`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`apis:\n  baseUrl: ${emulator.apiUrl}\n`);
  });

  it('exports the contract demo values', () => {
    expect(DEMO).toEqual({
      spaClientId: 'carto-spa-demo',
      m2mClientId: 'carto-m2m-demo',
      m2mClientSecret: 'carto-m2m-demo-secret',
      password: 'demo',
      users: { demo: 'demo@carto.test', sso: 'sso@acme.test', signup: 'new@carto.test' },
      organization: 'org_acme',
      connection: 'carto_dw',
      audience: 'carto-cloud-native-api',
    });
  });
});
