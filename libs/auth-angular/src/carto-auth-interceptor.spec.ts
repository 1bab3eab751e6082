import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { createEnvironmentInjector, EnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { CartoAuthClient } from '@carto-auth/core';
import { firstValueFrom } from 'rxjs';
import { cartoAuthInterceptor } from './carto-auth-interceptor';
import { provideCartoAuth } from './provide-carto-auth';
import { API_BASE_URL, flush, spaClient, tokenClient } from '@carto-auth/adapter-testing';

function setup(client: CartoAuthClient) {
  TestBed.configureTestingModule({
    providers: [
      provideCartoAuth(() => client),
      provideHttpClient(withInterceptors([cartoAuthInterceptor])),
      provideHttpClientTesting(),
    ],
  });
  const http = TestBed.inject(HttpClient);
  const backend = TestBed.inject(HttpTestingController);
  /** Sends a GET and returns the request as it reached Angular's test backend. */
  return async (url: string, headers: Record<string, string> = {}) => {
    http.get(url, { headers }).subscribe();
    await flush();
    const request = backend.expectOne(url);
    request.flush({});
    return request.request;
  };
}

describe('cartoAuthInterceptor', () => {
  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
    TestBed.resetTestingModule();
  });

  it('adds the bearer token to requests for the API origin', async () => {
    const send = setup(tokenClient('api-token-1'));
    const request = await send(`${API_BASE_URL}/v3/sql/carto_dw/query?q=select%201`);
    expect(request.headers.get('Authorization')).toBe('Bearer api-token-1');
  });

  it('case-08: leaves look-alike origins, other ports, other schemes and relative URLs untouched', async () => {
    const send = setup(tokenClient('api-token-1'));
    const lookAlikes = [
      'http://127.0.0.1.evil.example:9011/v3/sql',
      `https://evil.example/?u=${encodeURIComponent(API_BASE_URL)}`,
      'http://127.0.0.1@evil.example:9011/v3/sql',
      'http://127.0.0.1:9012/v3/sql',
      'https://127.0.0.1:9011/v3/sql',
      '/v3/sql/carto_dw/query',
    ];
    for (const url of lookAlikes) {
      const request = await send(url);
      expect(request.headers.has('Authorization')).toBe(false);
    }
  });

  it('case-09: sends no Authorization header when no token is available', async () => {
    const { client } = spaClient();
    const send = setup(client);
    await client.start();
    expect(client.getSnapshot().status).toBe('unauthenticated');
    const request = await send(`${API_BASE_URL}/v3/sql/carto_dw/query`);
    expect(request.headers.has('Authorization')).toBe(false);
  });

  it('case-09: sends no header after an API token was forgotten by logout()', async () => {
    const client = tokenClient();
    const send = setup(client);
    client.logout();
    const request = await send(`${API_BASE_URL}/v3/tokens`);
    expect(request.headers.has('Authorization')).toBe(false);
  });

  it('keeps an Authorization header the caller set (e.g. a second, API-token client)', async () => {
    const send = setup(tokenClient('oauth-token'));
    const request = await send(`${API_BASE_URL}/v3/sql/carto_dw/query`, { Authorization: 'Bearer scoped' });
    expect(request.headers.get('Authorization')).toBe('Bearer scoped');
  });

  describe('case-16: a 401 to a request that carried a token', () => {
    /** Token requests the last renewable client made. */
    let tokenRequests = 0;
    let clients = 0;

    /** A signed-in SPA client (`at-1`) whose token endpoint (the fetch port) hands out `at-2`, `at-3`… */
    function renewableClient() {
      const now = Date.now();
      tokenRequests = 0;
      const fetch: typeof globalThis.fetch = async () => {
        tokenRequests++;
        return new Response(
          JSON.stringify({
            access_token: `at-${tokenRequests + 1}`, // at-2, then at-3…
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: 'rt-2',
          }),
          { status: 200, headers: { 'content-type': 'application/json' } },
        );
      };
      // A refresh token of its own: the page's rotation note (one per page) remembers spent ones.
      const session = {
        accessToken: 'at-1',
        refreshToken: `rt-1-client-${++clients}`,
        expiresAt: now + 3_600_000,
        renewAt: now + 3_000_000,
      };
      return spaClient({
        fetch,
        session,
        clock: { now: () => Date.now(), setTimer: () => 0, clearTimer: () => undefined },
      }).client;
    }

    /**
     * Sends a GET through the interceptor with a renewable SPA client, answers it 401, and returns the
     * retry the interceptor sent (if any) and the caller's outcome (the body, or the error status).
     */
    async function answer401() {
      const client = renewableClient();
      setup(client);
      await client.start();
      const backend = TestBed.inject(HttpTestingController);
      const url = `${API_BASE_URL}/v3/sql/carto_dw/query`;
      const outcome = firstValueFrom(TestBed.inject(HttpClient).get(url)).catch(
        (error: { status: number }) => error.status,
      );
      await flush();
      const first = backend.expectOne(url);
      expect(first.request.headers.get('Authorization')).toBe('Bearer at-1');
      first.flush({}, { status: 401, statusText: 'Unauthorized' });
      let retries = backend.match(url);
      for (let i = 0; i < 100 && retries.length === 0; i++) {
        await flush();
        retries = backend.match(url);
      }
      return { retries, outcome, backend, url };
    }

    it('renews once and retries once with the new token', async () => {
      const { retries, outcome } = await answer401();
      expect(retries.map((retry) => retry.request.headers.get('Authorization'))).toEqual(['Bearer at-2']);
      retries[0]?.flush({ rows: [] });
      await expect(outcome).resolves.toEqual({ rows: [] });
    });

    it('a second 401 reaches the caller; no third request', async () => {
      const { retries, outcome, backend, url } = await answer401();
      retries[0]?.flush({}, { status: 401, statusText: 'Unauthorized' });
      await expect(outcome).resolves.toBe(401);
      await flush();
      backend.expectNone(url);
    });

    it('a 401 to a token that was refused right after its renewal renews nothing more (no storm)', async () => {
      const { retries, outcome, backend, url } = await answer401();
      retries[0]?.flush({}, { status: 401, statusText: 'Unauthorized' });
      await expect(outcome).resolves.toBe(401);
      const next = firstValueFrom(TestBed.inject(HttpClient).get(url)).catch(
        (error: { status: number }) => error.status,
      );
      await flush();
      const again = backend.expectOne(url);
      expect(again.request.headers.get('Authorization')).toBe('Bearer at-2');
      again.flush({}, { status: 401, statusText: 'Unauthorized' });
      await expect(next).resolves.toBe(401);
      for (let i = 0; i < 5; i++) await flush();
      backend.expectNone(url);
      expect(tokenRequests).toBe(1);
    });

    it('once the API takes that token again, a later 401 to it is worth a renewal again', async () => {
      const { retries, outcome, backend, url } = await answer401();
      retries[0]?.flush({}, { status: 401, statusText: 'Unauthorized' });
      await expect(outcome).resolves.toBe(401);
      const http = TestBed.inject(HttpClient);
      const accepted = firstValueFrom(http.get(url));
      await flush();
      backend.expectOne(url).flush({ rows: [] });
      await expect(accepted).resolves.toEqual({ rows: [] });
      const later = firstValueFrom(http.get(url)).catch((error: { status: number }) => error.status);
      await flush();
      backend.expectOne(url).flush({}, { status: 401, statusText: 'Unauthorized' });
      for (let i = 0; i < 100 && tokenRequests < 2; i++) await flush();
      expect(tokenRequests).toBe(2); // renewed again
      let retry = backend.match(url);
      for (let i = 0; i < 100 && retry.length === 0; i++) {
        await flush();
        retry = backend.match(url);
      }
      expect(retry.map((request) => request.request.headers.get('Authorization'))).toEqual(['Bearer at-3']);
      retry[0]?.flush({ rows: [] });
      await expect(later).resolves.toEqual({ rows: [] });
    });

    it('a permanent API token is not retried: the 401 reaches the caller after one request', async () => {
      setup(tokenClient('api-token-1'));
      const http = TestBed.inject(HttpClient);
      const backend = TestBed.inject(HttpTestingController);
      const url = `${API_BASE_URL}/v3/sql/carto_dw/query`;
      const answer = firstValueFrom(http.get(url)).catch((error: { status: number }) => error.status);
      await flush();
      backend.expectOne(url).flush({}, { status: 401, statusText: 'Unauthorized' });
      await expect(answer).resolves.toBe(401);
      for (let i = 0; i < 5; i++) await flush();
      backend.expectNone(url);
    });
  });
});

describe('cartoAuthInterceptor and injectors', () => {
  afterEach(() => TestBed.resetTestingModule());

  /** Sends a GET through `http` and returns the request as it reached the test backend. */
  async function sent(http: HttpClient, url: string) {
    http.get(url).subscribe();
    await flush();
    const request = TestBed.inject(HttpTestingController).expectOne(url);
    request.flush({});
    return request.request;
  }

  it('lets requests pass untouched, warning once, where no client is provided (one only in a lazy route)', async () => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([cartoAuthInterceptor])), provideHttpClientTesting()],
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const http = TestBed.inject(HttpClient);
      expect((await sent(http, 'https://example.org/data.json')).headers.has('Authorization')).toBe(false);
      expect((await sent(http, `${API_BASE_URL}/v3/x`)).headers.has('Authorization')).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1); // once per page, not per request
    } finally {
      warn.mockRestore();
    }
  });

  it("a lazy route with its own client and its own provideHttpClient sends that client's token", async () => {
    TestBed.configureTestingModule({
      providers: [
        provideCartoAuth(() => tokenClient('root-token')),
        provideHttpClient(withInterceptors([cartoAuthInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    const child = createEnvironmentInjector(
      [
        provideCartoAuth(() => tokenClient('child-token')),
        provideHttpClient(withInterceptors([cartoAuthInterceptor])),
        provideHttpClientTesting(),
      ],
      TestBed.inject(EnvironmentInjector),
    );
    const http = child.get(HttpClient);
    http.get(`${API_BASE_URL}/v3/x`).subscribe();
    await flush();
    const request = child.get(HttpTestingController).expectOne(`${API_BASE_URL}/v3/x`);
    expect(request.request.headers.get('Authorization')).toBe('Bearer child-token');
    request.flush({});
    expect(
      (await sent(TestBed.inject(HttpClient), `${API_BASE_URL}/v3/y`)).headers.get('Authorization'),
    ).toBe('Bearer root-token');
    child.destroy();
  });
});
