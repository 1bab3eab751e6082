import type { CartoAuthClient } from './client';
import type { AuthSnapshot } from './types';

/**
 * Resolves with the first snapshot that is neither `idle` nor `loading` once nothing is in flight:
 * start-up, any login callback and any renewal they started are done (case-24). It calls `start()`,
 * which is idempotent. A redirect under way never settles; a stopped client rejects (`cancelled`).
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
 * The decision every adapter's route guard makes: wait until the client has settled, let signed-in
 * users through (`'allow'`), never start a login after a failed one, or where no login exists (API
 * token, M2M) (`'error'`, case-04: no redirect loop), otherwise start one login that comes back to
 * `returnTo` (`'login'`).
 * @example
 * router.beforeEach(async (to) => (await guardRoute(auth, to.fullPath)) === 'allow');
 */
export async function guardRoute(auth: CartoAuthClient, returnTo: string): Promise<GuardDecision> {
  const { status } = await settledSnapshot(auth);
  if (status === 'authenticated') return 'allow';
  // Only the SPA strategy can log a user in; for the others a login would silently do nothing.
  if (status === 'error' || auth.strategy !== 'spa') return 'error';
  await auth.login({ returnTo });
  return 'login';
}
