import { CartoAuthError, ERR_NETWORK, ERR_TOKEN_REQUEST_FAILED } from '../../errors';
import { decodeJwtPayload } from '../../claims';
import { decideToken, initial, toSnapshot, transition, type M2mState } from './machine';

const config = { leewayMs: 60_000 };
const token = { accessToken: 'at', receivedAt: 0, expiresAt: 86_400_000, renewAt: 86_340_000 };

describe('m2m machine', () => {
  it.each<[string, M2mState, Parameters<typeof transition>[2], M2mState, string[]]>([
    [
      'idle + renewRequested',
      initial(),
      { type: 'renewRequested', now: 0, force: false },
      { status: 'fetching', seq: 1 },
      ['requestToken'],
    ],
    [
      'fetching + renewRequested (single flight)',
      { status: 'fetching', seq: 1 },
      { type: 'renewRequested', now: 0, force: false },
      { status: 'fetching', seq: 1 },
      [],
    ],
    [
      'fetching + tokenReceived',
      { status: 'fetching', seq: 1 },
      { type: 'tokenReceived', seq: 1, tokens: { accessToken: 'at', expiresIn: 86_400 }, receivedAt: 0 },
      { status: 'ready', seq: 1, token },
      ['cacheToken'],
    ],
    [
      'fetching + cachedTokenFound',
      { status: 'fetching', seq: 1 },
      { type: 'cachedTokenFound', seq: 1, token },
      { status: 'ready', seq: 1, token },
      [],
    ],
    [
      'fetching + late tokenReceived of an older request',
      { status: 'fetching', seq: 2 },
      { type: 'tokenReceived', seq: 1, tokens: { accessToken: 'old' }, receivedAt: 0 },
      { status: 'fetching', seq: 2 },
      [],
    ],
    [
      'ready + forced renewRequested keeps the old token while fetching',
      { status: 'ready', seq: 1, token },
      { type: 'renewRequested', now: 30_000, force: true },
      { status: 'fetching', seq: 2, token },
      ['requestToken'],
    ],
    [
      'ready + forced renewRequested within 30 s of the token: kept, nothing sent (CARTO rations M2M tokens)',
      { status: 'ready', seq: 1, token },
      { type: 'renewRequested', now: 29_999, force: true },
      { status: 'ready', seq: 1, token },
      [],
    ],
    [
      'ready + forced renewRequested of an expired token younger than 30 s (a 20 s lifetime): renews',
      { status: 'ready', seq: 1, token: { ...token, renewAt: 10_000, expiresAt: 20_000 } },
      { type: 'renewRequested', now: 25_000, force: true },
      { status: 'fetching', seq: 2, token: { ...token, renewAt: 10_000, expiresAt: 20_000 } },
      ['requestToken'],
    ],
    [
      'ready + forced renewRequested of a token received "in the future" (a cache writer whose clock runs ahead): renews',
      {
        status: 'ready',
        seq: 1,
        token: { ...token, receivedAt: 600_000, renewAt: 3_000_000, expiresAt: 3_600_000 },
      },
      { type: 'renewRequested', now: 1_000, force: true },
      {
        status: 'fetching',
        seq: 2,
        token: { ...token, receivedAt: 600_000, renewAt: 3_000_000, expiresAt: 3_600_000 },
      },
      ['requestToken'],
    ],
    [
      'ready + due renewRequested of a young token (a short lifetime) still renews',
      { status: 'ready', seq: 1, token: { ...token, renewAt: 10_000, expiresAt: 20_000 } },
      { type: 'renewRequested', now: 15_000, force: false },
      { status: 'fetching', seq: 2, token: { ...token, renewAt: 10_000, expiresAt: 20_000 } },
      ['requestToken'],
    ],
    [
      "fetching + cachedTokenFound written with a longer leeway's renewAt: this client's leeway applies too",
      { status: 'fetching', seq: 1 },
      { type: 'cachedTokenFound', seq: 1, token: { ...token, renewAt: 86_399_000 } },
      { status: 'ready', seq: 1, token },
      [],
    ],
    [
      'ready + logout',
      { status: 'ready', seq: 1, token },
      { type: 'logoutRequested', options: {} },
      { status: 'idle', seq: 2 },
      ['abortRequests', 'forgetCachedToken'],
    ],
  ])('%s', (_name, state, event, expected, effects) => {
    const [next, out] = transition(config, state, event);
    expect(next).toEqual(expected);
    expect(out.map((e) => e.type)).toEqual(effects);
  });

  it('a failed request without a usable token lands in failed and backs off: 1 s, doubling, up to 30 s', () => {
    const error = new CartoAuthError(ERR_NETWORK, 'down');
    const retryAts: number[] = [];
    let state: M2mState = { status: 'fetching', seq: 1 };
    for (let attempt = 0, now = 0; attempt < 7; attempt++) {
      [state] = transition(config, state, { type: 'tokenRequestFailed', seq: state.seq, error, at: now });
      const { retryAt } = state as Extract<M2mState, { status: 'failed' }>;
      retryAts.push(retryAt - now);
      // Until then no renewal, not even a forced one, goes upstream: it only looks into the cache,
      // and a miss brings the same failure back.
      expect(decideToken(state, retryAt - 1)).toEqual({ kind: 'stale', error });
      const [peeking, peek] = transition(config, state, {
        type: 'renewRequested',
        now: retryAt - 1,
        force: true,
      });
      expect(peek).toEqual([{ type: 'requestToken', seq: peeking.seq, skipCache: false, cacheOnly: true }]);
      const [missed] = transition(config, peeking, { type: 'cacheMissed', seq: peeking.seq });
      expect(missed).toEqual({ ...state, seq: peeking.seq });
      [state] = transition(config, missed, { type: 'renewRequested', now: retryAt, force: false });
      expect(state.status).toBe('fetching');
      now = retryAt;
    }
    expect(retryAts).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(toSnapshot(state, decodeJwtPayload)).toEqual({ status: 'loading', strategy: 'm2m' });
  });

  it("a server's Retry-After lengthens the back-off, within 10 minutes; a token resets the count", () => {
    const error = new CartoAuthError(ERR_NETWORK, 'slow down');
    const fail = (retryAfterMs: number) =>
      transition(
        config,
        { status: 'fetching', seq: 1, failures: 3 },
        { type: 'tokenRequestFailed', seq: 1, error, at: 5, retryAfterMs },
      )[0];
    expect(fail(120_000)).toMatchObject({ status: 'failed', retryAt: 120_005, failures: 4 });
    expect(fail(86_400_000)).toMatchObject({ retryAt: 600_005 });
    // A shorter Retry-After (even 0) does not undercut the client's own back-off (8 s after 4 failures).
    expect(fail(0)).toMatchObject({ retryAt: 8_005 });
    const [ready] = transition(
      config,
      { status: 'fetching', seq: 1, failures: 3 },
      { type: 'tokenReceived', seq: 1, tokens: { accessToken: 'at', expiresIn: 86_400 }, receivedAt: 0 },
    );
    expect(ready).not.toHaveProperty('failures');
  });

  it('an outage while the token in hand is still valid keeps it, and asks again only after a while', () => {
    const error = new CartoAuthError(ERR_NETWORK, 'down');
    const at = 86_350_000; // inside the leeway: renewAt 86_340_000, expiresAt 86_400_000
    const [kept, effects] = transition(
      config,
      { status: 'fetching', seq: 2, token },
      { type: 'tokenRequestFailed', seq: 2, error, at },
    );
    expect(kept).toEqual({ status: 'ready', seq: 2, token, retryAt: at + 30_000 });
    expect(effects).toEqual([]);
    expect(decideToken(kept, at + 29_999)).toEqual({ kind: 'fresh', token: 'at', until: at + 30_000 });
    expect(decideToken(kept, at + 30_000)).toEqual({ kind: 'stale', token: 'at' });
    // A refusal, or a token that expired meanwhile, is not kept.
    const refused = new CartoAuthError(ERR_TOKEN_REQUEST_FAILED, 'invalid_client');
    const fetching: M2mState = { status: 'fetching', seq: 2, token };
    expect(
      transition(config, fetching, { type: 'tokenRequestFailed', seq: 2, error: refused, at })[0].status,
    ).toBe('failed');
    expect(
      transition(config, fetching, { type: 'tokenRequestFailed', seq: 2, error, at: 86_400_000 })[0].status,
    ).toBe('failed');
  });

  it('case-18: a response without expires_in is cached for a short default, not forever and not zero', () => {
    const [ready] = transition(
      config,
      { status: 'fetching', seq: 1 },
      { type: 'tokenReceived', seq: 1, tokens: { accessToken: 'at' }, receivedAt: 1_000 },
    );
    const held = (ready as Extract<M2mState, { status: 'ready' }>).token;
    expect(held.expiresAt - held.receivedAt).toBe(5 * 60_000);
    expect(held.renewAt).toBeGreaterThan(held.receivedAt);
    expect(held.renewAt).toBeLessThan(held.expiresAt);
  });

  it('case-11: a 60 s token with a 300 s leeway is not renewed on every call', () => {
    const [ready] = transition(
      { leewayMs: 300_000 },
      { status: 'fetching', seq: 1 },
      { type: 'tokenReceived', seq: 1, tokens: { accessToken: 'at', expiresIn: 60 }, receivedAt: 0 },
    );
    expect(decideToken(ready, 1_000)).toEqual({ kind: 'fresh', token: 'at', until: 45_000 });
    expect(decideToken(ready, 44_000)).toEqual({ kind: 'fresh', token: 'at', until: 45_000 });
    expect(decideToken(ready, 45_000)).toEqual({ kind: 'stale', token: 'at' });
  });

  it('decides tokens by time: fresh, stale with a usable token, stale without', () => {
    const ready: M2mState = { status: 'ready', seq: 1, token };
    expect(decideToken(ready, 0)).toEqual({ kind: 'fresh', token: 'at', until: 86_340_000 });
    expect(decideToken(ready, 86_340_000)).toEqual({ kind: 'stale', token: 'at' });
    expect(decideToken(ready, 86_400_000)).toEqual({ kind: 'stale' });
    expect(decideToken({ status: 'fetching', seq: 1 }, 0)).toEqual({ kind: 'busy' });
  });
});
