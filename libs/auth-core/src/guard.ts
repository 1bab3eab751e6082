import type { CartoAuthClient } from './client';
import { ERR_CANCELLED } from './errors';
import type { AuthSnapshot } from './types';

/**
 * Resolves with the first snapshot that is neither `idle` nor `loading` once nothing is in flight:
 * start-up, any login callback and any renewal they started are done (case-24). It calls `start()`,
 * which is idempotent. A client stopped before start-up settles rejects (`cancelled`); a redirect under
 * way never settles (the page is leaving), not even when the client is stopped meanwhile.
 */
export async function settledSnapshot(auth: CartoAuthClient): Promise<AuthSnapshot> {
  for (;;) {
    const snapshot = await auth.start(); // resolves once nothing is in flight (a renewal included)
    if (snapshot.status !== 'idle' && snapshot.status !== 'loading') return snapshot;
    await new Promise<void>((resolve) => {
      const stop = auth.listen(() => {
        stop();
        resolve();
      });
    });
  }
}

/** What {@link guardRoute} decided. */
export type GuardDecision = 'allow' | 'error' | 'login';

/**
 * The decision every adapter's route guard makes. SPA: wait until the client has settled, let signed-in
 * users through (`'allow'`), never start a login after a failed one (`'error'`, case-04: no redirect
 * loop), otherwise start one login that comes back to `returnTo` (`'login'`). API token and M2M, where
 * no login exists: `'allow'` when the client gets a token, else `'error'`. A stopped client rejects
 * (`cancelled`).
 * @example
 * router.beforeEach(async (to) => (await guardRoute(auth, to.fullPath)) === 'allow');
 */
export async function guardRoute(auth: CartoAuthClient, returnTo: string): Promise<GuardDecision> {
  if (auth.strategy !== 'spa') {
    // An M2M client stays idle until asked for a token: asking is the decision (waiting would never end).
    return auth.getAccessToken().then(
      () => 'allow',
      (error: { code?: string }) => {
        if (error?.code === ERR_CANCELLED) throw error;
        return 'error';
      },
    );
  }
  const { status } = await settledSnapshot(auth);
  if (status === 'authenticated') return 'allow';
  if (status === 'error') return 'error';
  await auth.login({ returnTo });
  return 'login';
}
