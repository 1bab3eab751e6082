import { apiToken } from '.';
import { decideToken, initial, toSnapshot, transition } from './machine';

describe('api-token machine', () => {
  it('holds the token from the start and hands it out fresh', () => {
    const state = initial('tok');
    expect(toSnapshot(state)).toEqual({ status: 'authenticated', strategy: 'api-token' });
    expect(decideToken(state)).toEqual({ kind: 'fresh', token: 'tok', until: Infinity });
  });

  it('ignores start, login and renewal; logout forgets the token', () => {
    const state = initial('tok');
    expect(transition(state, { type: 'renewRequested', now: 0, force: true })).toEqual([state, []]);
    expect(transition(state, { type: 'startRequested' })).toEqual([state, []]);
    const [out] = transition(state, { type: 'logoutRequested', options: {} });
    expect(out).toEqual({ status: 'unauthenticated' });
    expect(decideToken(out)).toEqual({ kind: 'none' }); // the client rejects with not_authenticated
  });

  it('refuses an empty token at creation with a coded TypeError', () => {
    expect(() => apiToken({ token: ' ' })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'invalid_config' }),
    );
  });
});
