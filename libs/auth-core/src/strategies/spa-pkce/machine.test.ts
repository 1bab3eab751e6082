import { CartoAuthError, ERR_NETWORK, ERR_TOKEN_REQUEST_FAILED } from '../../errors';
import type { CommonEvent } from '../../types';
import type { TokenSet } from '../shared/oauth';
import {
  decideToken,
  initial,
  logoutUrl,
  signupUrl,
  toSnapshot,
  transition,
  type LoginRequest,
  type PendingLogin,
  type SpaEvent,
  type SpaMachineConfig,
  type SpaSession,
  type SpaState,
} from './machine';

const config: SpaMachineConfig = {
  clientId: 'spa-client',
  redirectUri: 'http://127.0.0.1:4200/callback',
  appOrigin: 'http://127.0.0.1:4200',
  leewayMs: 60_000,
  renew: 'auto',
  checkSignup: true,
  logoutEndpoint: 'https://auth.example/v2/logout',
  logoutReturnTo: 'http://127.0.0.1:4200/',
  appUrl: 'https://app.example',
};
const pending: PendingLogin = { state: 'state-1', codeVerifier: 'verifier-1' };
const metadata = { 'http://app.carto.com/user_metadata': { account: 'ac_1' } };
const tokens = (extra: Partial<TokenSet> = {}): TokenSet => ({
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  expiresIn: 86_400,
  idClaims: { sub: 'auth0|1', email: 'a@b.c', ...metadata },
  accessClaims: { permissions: ['read:maps'] },
  ...extra,
});
const session: SpaSession = {
  accessToken: 'at-1',
  refreshToken: 'rt-1',
  user: { sub: 'auth0|1', permissions: [] },
  receivedAt: 0,
  expiresAt: 86_400_000,
  renewAt: 86_340_000,
};
const step = (state: SpaState, event: CommonEvent | SpaEvent, c = config) => transition(c, state, event);
const types = (effects: Array<{ type: string }>) => effects.map((e) => e.type);
const loading: SpaState = { status: 'loading', seq: 0 };
const restored = (url: string, extra: Partial<Extract<SpaEvent, { type: 'restored' }>> = {}): SpaEvent => ({
  type: 'restored',
  now: 1_000,
  url,
  consumedStates: [],
  ...extra,
});

describe('spa machine', () => {
  it('starts idle and moves to loading with a restore effect on start', () => {
    const [state, effects] = step(initial(), { type: 'startRequested' });
    expect(state).toEqual(loading);
    expect(types(effects)).toEqual(['restore']);
  });

  it.each<[string, SpaEvent, string, string[]]>([
    ['no callback, nothing stored', restored('http://127.0.0.1:4200/'), 'unauthenticated', []],
    [
      'our callback with a code',
      restored(`${config.redirectUri}?code=c&state=state-1`, { pending }),
      'exchanging',
      ['consumeCallback', 'exchangeCode'],
    ],
    [
      'our callback with an error',
      restored(`${config.redirectUri}?error=access_denied&state=state-1`, { pending }),
      'error',
      ['consumeCallback'],
    ],
    [
      'a callback with another state while a login is pending',
      restored(`${config.redirectUri}?code=c&state=evil`, { pending }),
      'error',
      ['consumeCallback'],
    ],
    [
      'a consumed state (case-07)',
      restored(`${config.redirectUri}?code=c&state=old`, { consumedStates: ['old'] }),
      'unauthenticated',
      ['replaceUrl'],
    ],
    [
      'a stored, valid session',
      restored('http://127.0.0.1:4200/', { stored: session }),
      'authenticated',
      ['scheduleRenewal'],
    ],
    [
      'an expired stored session with a refresh token',
      restored('http://127.0.0.1:4200/', { stored: session, now: 90_000_000 }),
      'renewing',
      ['refreshTokens'],
    ],
    [
      'an expired stored session without refresh token',
      restored('http://127.0.0.1:4200/', {
        stored: { ...session, refreshToken: undefined } as SpaSession,
        now: 90_000_000,
      }),
      'unauthenticated',
      ['clearSession'],
    ],
    [
      'back from sign-up with forceLogin=true',
      restored('http://127.0.0.1:4200/callback?forceLogin=true'),
      'redirecting',
      ['abortRequests', 'cancelRenewal', 'replaceUrl', 'redirectToAuthorize'],
    ],
  ])('restore: %s', (_name, event, status, effects) => {
    const [state, out] = step(loading, event);
    expect(state.status).toBe(status);
    expect(types(out)).toEqual(effects);
  });

  it('case-06: leaves a foreign ?code= alone (no state, or another path, or unknown state with nothing pending)', () => {
    for (const url of [
      'http://127.0.0.1:4200/callback?code=success',
      'http://127.0.0.1:4200/other?code=c&state=s',
      'http://127.0.0.1:4200/callback?code=c&state=someone-else',
    ]) {
      const [state, effects] = step(loading, restored(url));
      expect(state).toEqual({ status: 'unauthenticated', seq: 0 });
      expect(effects).toEqual([]);
    }
  });

  it('case-05: a second start() while the callback is processed is a no-op', () => {
    const exchanging: SpaState = { status: 'exchanging', seq: 1, pending };
    expect(step(exchanging, { type: 'startRequested' })).toEqual([exchanging, []]);
  });

  it('login stores the pending transaction and redirects; an empty organization is not sent (case-25)', () => {
    const [state, effects] = step(initial(), { type: 'loginRequested', options: { organization: '' } });
    expect(state.status).toBe('redirecting');
    // The secrets are the effect's to draw: the machine only says what to ask for.
    const redirect = effects.find((e) => e.type === 'redirectToAuthorize') as { login: LoginRequest };
    expect(JSON.parse(JSON.stringify(redirect.login))).toEqual({});
  });

  it.each([
    'https://evil.example/x',
    '//evil.example/x',
    'javascript:alert(1)',
    'http://127.0.0.1:4201/',
    'http://[',
  ])(
    'login({ returnTo: %j }) off the app origin is an invalid_config error at once: no trip to CARTO',
    (returnTo) => {
      const [state, effects] = step(initial(), { type: 'loginRequested', options: { returnTo } });
      expect(state).toMatchObject({ status: 'error', error: { code: 'invalid_config' } });
      expect(effects).toEqual([]);
    },
  );

  it.each(['/data?tab=2#map', 'data', 'http://127.0.0.1:4200/data', '?q=1'])(
    'login({ returnTo: %j }) on the app origin is kept for the callback',
    (returnTo) => {
      const [state, effects] = step(initial(), { type: 'loginRequested', options: { returnTo } });
      expect(state.status).toBe('redirecting');
      expect(effects).toContainEqual({
        type: 'redirectToAuthorize',
        login: expect.objectContaining({ returnTo }),
      });
    },
  );

  it('a successful exchange authenticates, persists and schedules renewal at the leeway', () => {
    const [state, effects] = step(
      { status: 'exchanging', seq: 1, pending },
      { type: 'tokensReceived', seq: 1, tokens: tokens(), receivedAt: 10_000 },
    );
    expect(state.status).toBe('authenticated');
    expect(effects).toEqual([
      {
        type: 'persistSession',
        session: expect.objectContaining({ accessToken: 'at-1', expiresAt: 86_410_000 }),
      },
      { type: 'scheduleRenewal', at: 86_350_000 },
    ]);
    expect(toSnapshot(state)).toEqual({
      status: 'authenticated',
      strategy: 'spa',
      expiresAt: 86_410_000,
      user: expect.objectContaining({ email: 'a@b.c', permissions: ['read:maps'], sub: 'auth0|1' }),
    });
  });

  it('case-25: a token for another organization than the requested one is an error', () => {
    const [state] = step(
      { status: 'exchanging', seq: 1, pending: { ...pending, organization: 'org_a' } },
      {
        type: 'tokensReceived',
        seq: 1,
        tokens: tokens({ idClaims: { sub: 'x', org_id: 'org_b', ...metadata } }),
        receivedAt: 0,
      },
    );
    expect(state).toMatchObject({ status: 'error', error: { code: 'organization_mismatch' } });
  });

  it('case-28: no user_metadata sends the user to sign-up once, then stops with an error', () => {
    const noMetadata = tokens({ idClaims: { sub: 'auth0|2' } });
    const [first, effects] = step(
      { status: 'exchanging', seq: 1, pending },
      { type: 'tokensReceived', seq: 1, tokens: noMetadata, receivedAt: 0 },
    );
    expect(first.status).toBe('redirecting');
    // The login is kept for the way back, without its prompt.
    expect(effects).toEqual([
      { type: 'navigate', url: signupUrl(config), pending: { ...pending, prompt: undefined } },
    ]);
    expect(signupUrl(config)).toBe(
      'https://app.example/?redirectUri=http%3A%2F%2F127.0.0.1%3A4200%2Fcallback%3FforceLogin%3Dtrue',
    );
    const [second] = step(
      { status: 'exchanging', seq: 2, pending: { ...pending, signupAttempted: true } },
      { type: 'tokensReceived', seq: 2, tokens: noMetadata, receivedAt: 0 },
    );
    expect(second).toMatchObject({ status: 'error', error: { code: 'signup_incomplete' } });
  });

  it('renewal uses the refresh token; concurrent requests share one renewal', () => {
    const authenticated: SpaState = { status: 'authenticated', seq: 1, session };
    const [renewing, effects] = step(authenticated, {
      type: 'renewRequested',
      now: 86_340_000,
      force: false,
    });
    expect(renewing.status).toBe('renewing');
    expect(effects).toEqual([{ type: 'refreshTokens', seq: 2, refreshToken: 'rt-1' }]);
    expect(step(renewing, { type: 'renewRequested', now: 86_340_000, force: true })).toEqual([renewing, []]);
  });

  it('renewal without a refresh token falls back to silent authorize', () => {
    const [state, effects] = step(
      { status: 'authenticated', seq: 1, session: { ...session, refreshToken: undefined } as SpaSession },
      { type: 'renewRequested', now: 86_340_000, force: false },
    );
    expect(state.status).toBe('renewing');
    expect(types(effects)).toEqual(['silentAuthorize']);
  });

  it('a timer firing before renewAt does nothing', () => {
    const authenticated: SpaState = { status: 'authenticated', seq: 1, session };
    expect(step(authenticated, { type: 'renewRequested', now: 1, force: false })).toEqual([
      authenticated,
      [],
    ]);
  });

  it('case-03: a refresh response without refresh_token keeps the previous one', () => {
    const [state] = step(
      { status: 'renewing', seq: 2, session },
      {
        type: 'tokensReceived',
        seq: 2,
        tokens: tokens({ accessToken: 'at-2', refreshToken: undefined }),
        receivedAt: 0,
      },
    );
    expect(state).toMatchObject({
      status: 'authenticated',
      session: { accessToken: 'at-2', refreshToken: 'rt-1' },
    });
  });

  it('case-15: invalid_grant on renewal ends as unauthenticated with the reason, never authenticated with an error', () => {
    const error = new CartoAuthError(ERR_TOKEN_REQUEST_FAILED, 'x', { oauthError: 'invalid_grant' });
    const [state, effects] = step(
      { status: 'renewing', seq: 2, session },
      { type: 'tokenRequestFailed', seq: 2, error, at: 0 },
    );
    expect(state).toMatchObject({
      status: 'unauthenticated',
      error: { code: 'login_required', oauthError: 'invalid_grant' },
    });
    expect(types(effects)).toEqual(['abortRequests', 'cancelRenewal', 'clearSession']);
    expect(toSnapshot(state).status).toBe('unauthenticated');
  });

  it('a transient renewal failure keeps the valid token and retries later, without a storm', () => {
    const error = new CartoAuthError(ERR_NETWORK, 'down');
    const [state, effects] = step(
      { status: 'renewing', seq: 2, session },
      { type: 'tokenRequestFailed', seq: 2, error, at: 86_350_000 },
    );
    expect(state).toMatchObject({ status: 'authenticated', retryAt: 86_380_000 });
    expect(effects).toEqual([{ type: 'scheduleRenewal', at: 86_380_000 }]);
    // Fresh until the retry, so callers do not each start a renewal meanwhile.
    expect(decideToken(state, 86_360_000)).toEqual({ kind: 'fresh', token: 'at-1', until: 86_380_000 });
    expect(decideToken(state, 86_380_000)).toEqual({ kind: 'stale', token: 'at-1' });
  });

  it('case-14: a late answer after logout is ignored', () => {
    const [out] = step(
      { status: 'renewing', seq: 2, session },
      { type: 'logoutRequested', options: { localOnly: true } },
    );
    expect(out).toEqual({ status: 'unauthenticated', seq: 3 });
    expect(step(out, { type: 'tokensReceived', seq: 2, tokens: tokens(), receivedAt: 0 })).toEqual([out, []]);
  });

  it('logout clears everything and visits /v2/logout unless localOnly', () => {
    const [, effects] = step(
      { status: 'authenticated', seq: 1, session },
      { type: 'logoutRequested', options: {} },
    );
    expect(types(effects)).toEqual([
      'abortRequests',
      'cancelRenewal',
      'clearSession',
      'broadcastLogout',
      'navigate',
    ]);
    const [, local] = step(
      { status: 'authenticated', seq: 1, session },
      { type: 'logoutRequested', options: { localOnly: true } },
    );
    expect(types(local)).not.toContain('navigate');
  });

  it('case-27: false or empty logout options are omitted', () => {
    const url = new URL(logoutUrl(config, { federated: false, returnTo: '' }));
    expect([...url.searchParams.keys()]).toEqual(['client_id', 'returnTo']);
    expect(url.searchParams.get('returnTo')).toBe(config.logoutReturnTo);
    expect(new URL(logoutUrl(config, { federated: true })).searchParams.has('federated')).toBe(true);
  });

  it('decides tokens: fresh before renewAt, stale after, none when signed out', () => {
    const authenticated: SpaState = { status: 'authenticated', seq: 1, session };
    expect(decideToken(authenticated, 0)).toEqual({ kind: 'fresh', token: 'at-1', until: 86_340_000 });
    expect(decideToken(authenticated, 86_350_000)).toEqual({ kind: 'stale', token: 'at-1' });
    expect(decideToken(authenticated, 86_400_000)).toEqual({ kind: 'stale' });
    expect(decideToken({ status: 'renewing', seq: 1, session }, 0)).toEqual({ kind: 'busy' });
    expect(decideToken({ status: 'unauthenticated', seq: 1 }, 0)).toMatchObject({
      kind: 'none',
      error: { code: 'not_authenticated' },
    });
  });

  it('remote logout (another tab) signs out without visiting the server', () => {
    const [state, effects] = step({ status: 'authenticated', seq: 1, session }, { type: 'remoteLogout' });
    expect(state.status).toBe('unauthenticated');
    expect(types(effects)).toEqual(['abortRequests', 'cancelRenewal', 'clearSession']);
  });

  it('a page shown again mid-redirect (Back from the login page) starts over; elsewhere the event is ignored', () => {
    const [redirecting] = step(initial(), { type: 'loginRequested', options: {} });
    const [state, effects] = step(redirecting, { type: 'pageRestored' });
    expect(state).toEqual({ status: 'loading', seq: redirecting.seq + 1 });
    expect(types(effects)).toEqual(['restore']);
    const authenticated: SpaState = { status: 'authenticated', seq: 1, session };
    expect(step(authenticated, { type: 'pageRestored' })).toEqual([authenticated, []]);
  });
});
