import type * as oauth from 'oauth4webapi';

import { api } from './test-support/api';
import { clientCredentials } from './test-support/oauth';
import { DEMO, createAdminClient, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

describe('fault injection and introspection', () => {
  let emulator: TestEmulator;
  let as: oauth.AuthorizationServer;
  useEmulatorFixture((fixture) => ({ emulator, as } = fixture));
  beforeEach(() => emulator.admin.reset());

  it('fails the next request to a path with the given status, then answers normally', async () => {
    await emulator.admin.fault({ path: '/oauth/token', status: 503 });
    const failure = await clientCredentials(as).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'OAUTH_RESPONSE_IS_NOT_CONFORM' });
    expect(((failure as Error).cause as Response).status).toBe(503);
    await expect(clientCredentials(as)).resolves.toMatchObject({ token_type: 'bearer' });
  });

  it('applies a fault as many times as asked', async () => {
    await emulator.admin.fault({ path: '/.well-known/jwks.json', times: 2, status: 500 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await fetch(`${emulator.authUrl}/.well-known/jwks.json`)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('answers with a custom JSON body', async () => {
    await emulator.admin.fault({
      path: '/oauth/token',
      status: 400,
      body: { error: 'invalid_grant', error_description: 'injected' },
    });
    await expect(clientCredentials(as)).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
      error_description: 'injected',
    });
  });

  it('answers 200 with garbage that is not JSON', async () => {
    await emulator.admin.fault({ path: '/accounts', garbage: true });
    const response = await fetch(`${emulator.apiUrl}/accounts`);
    expect(response.status).toBe(200);
    await expect(response.clone().json()).rejects.toThrow();
    expect(await response.text()).toContain('<html>');
  });

  it('sends the Retry-After it is given, as a rate limiter does', async () => {
    await emulator.admin.fault({ path: '/oauth/token', status: 429, retryAfter: '120' });
    const response = await fetch(`${emulator.authUrl}/oauth/token`, { method: 'POST' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('120');
  });

  it('hangs a request until the client gives up', async () => {
    await emulator.admin.fault({ path: '/v3/tokens', hang: true });
    const started = Date.now();
    await expect(
      fetch(`${emulator.apiUrl}/v3/tokens`, { signal: AbortSignal.timeout(300) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await fetch(`${emulator.apiUrl}/v3/tokens`)).status).toBe(401);
  });

  it('delays a request and then answers it for real', async () => {
    await emulator.admin.fault({ path: '/config.yaml', delayMs: 200 });
    const started = Date.now();
    const response = await fetch(`${emulator.apiUrl}/config.yaml`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(await response.text()).toContain('baseUrl');
  });

  it('delays a POST and then answers it for real, body and all', async () => {
    await emulator.admin.fault({ path: '/oauth/token', delayMs: 100 });
    await expect(clientCredentials(as)).resolves.toMatchObject({ token_type: 'bearer' });
  });

  it('matches the method when given, and leaves CORS preflights alone by default', async () => {
    await emulator.admin.fault({ path: '/v3/tokens', method: 'POST', status: 502 });
    expect((await fetch(`${emulator.apiUrl}/v3/tokens`)).status).toBe(401);
    const preflight = await fetch(`${emulator.apiUrl}/v3/tokens`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    const failed = await fetch(`${emulator.apiUrl}/v3/tokens`, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:5173' },
    });
    expect(failed.status).toBe(502);
    expect(failed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  });

  it('is shared by both servers: a fault added on one applies to the other', async () => {
    await createAdminClient(emulator.apiUrl).fault({ path: '/oauth/token', status: 429 });
    await expect(clientCredentials(as)).rejects.toMatchObject({ status: 429 });
  });

  it('clears faults on reset', async () => {
    await emulator.admin.fault({ path: '/oauth/token', status: 400 });
    await emulator.admin.reset();
    await expect(clientCredentials(as)).resolves.toMatchObject({ token_type: 'bearer' });
  });

  it('logs requests of both servers without the admin ones, and clears the log', async () => {
    await emulator.admin.clearRequests();
    const token = (await clientCredentials(as)).access_token;
    await api(`${emulator.apiUrl}/v3/sql/${DEMO.connection}/query?q=select%201&access_token=secret`, {
      token,
    });
    const log = await emulator.admin.requests();
    expect(log).toEqual([
      { server: 'auth', method: 'POST', path: '/oauth/token', status: 200, at: expect.any(Number) },
      {
        server: 'api',
        method: 'GET',
        path: `/v3/sql/${DEMO.connection}/query`,
        status: 200,
        at: expect.any(Number),
      },
    ]);
    await emulator.admin.clearRequests();
    expect(await emulator.admin.requests()).toEqual([]);
  });

  it('shifts the clock of the tokens it issues', async () => {
    await emulator.admin.setClockOffset(-3600);
    const tokens = await clientCredentials(as);
    const payload = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString(),
    ) as { iat: number };
    expect(Math.abs(payload.iat - (Date.now() / 1000 - 3600))).toBeLessThan(60);
  });

  it('refuses invalid admin requests', async () => {
    expect(
      (await api(`${emulator.authUrl}/__admin/faults`, { method: 'POST', body: { status: 500 } })).status,
    ).toBe(400);
    expect(
      (await api(`${emulator.authUrl}/__admin/clock`, { method: 'POST', body: { offsetSeconds: 'soon' } }))
        .status,
    ).toBe(400);
    expect((await api(`${emulator.authUrl}/__admin/nope`)).status).toBe(404);
  });
});
