/**
 * Single flight: an M2M client whose token has just expired gets 10,000 concurrent `getAccessToken()`
 * calls; the emulator's request log must show exactly one token request (DESIGN §7).
 */
import { createCartoAuth, m2m, manualClock, memoryPorts, type CartoAuthClient } from '@carto-auth/core';
import type { BenchEmulator } from './emulator-testing';

/** What the runs saw. */
export interface SingleFlightResult {
  calls: number;
  rounds: number;
  /** `POST /oauth/token` requests the emulator received for all the calls of a round, per round. */
  tokenRequests: number[];
  /** From the first call to the last one resolved: the median of the rounds, and each round's. */
  ms: number;
  msPerRound: number[];
  /** In every round, every call got the same token, and a new one. */
  sameNewToken: boolean;
}

/**
 * Warms an M2M client, then `rounds` times: moves its clock past the token's expiry, fires `calls`
 * concurrent `getAccessToken()` and counts the token requests in the emulator's log. Returns the
 * client too (holding a fresh token; the caller stops it).
 */
export async function measureSingleFlight(
  emulator: BenchEmulator,
  { calls = 10_000, rounds = 5 }: { calls?: number; rounds?: number } = {},
): Promise<SingleFlightResult & { client: CartoAuthClient }> {
  const { DEMO } = await import('@carto-auth/emulator/testing');
  const clock = manualClock(Date.now());
  const client = createCartoAuth({
    strategy: m2m({
      clientId: DEMO.m2mClientId,
      clientSecret: DEMO.m2mClientSecret,
      authDomain: emulator.authUrl,
    }),
    apiBaseUrl: emulator.apiUrl,
    ports: memoryPorts({ clock }),
  });
  let previous = await client.getAccessToken();
  const tokenRequests: number[] = [];
  const msPerRound: number[] = [];
  let sameNewToken = true;
  for (let round = 0; round < rounds; round++) {
    const expiresAt = client.getSnapshot().expiresAt;
    if (expiresAt === undefined) throw new Error('The M2M client holds a token without an expiry');
    clock.set(expiresAt + 1000);
    await emulator.admin.clearRequests();

    const start = performance.now();
    const tokens = await Promise.all(Array.from({ length: calls }, () => client.getAccessToken()));
    msPerRound.push(performance.now() - start);

    const log = await emulator.admin.requests();
    tokenRequests.push(
      log.filter((entry) => entry.method === 'POST' && entry.path === '/oauth/token').length,
    );
    sameNewToken &&= tokens.every((token) => token === tokens[0]) && tokens[0] !== previous;
    previous = tokens[0] ?? previous;
  }
  const sorted = [...msPerRound].sort((a, b) => a - b);
  return {
    calls,
    rounds,
    tokenRequests,
    ms: sorted[sorted.length >> 1] ?? NaN,
    msPerRound,
    sameNewToken,
    client,
  };
}
