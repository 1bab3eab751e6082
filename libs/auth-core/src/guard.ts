import type { CartoAuthClient } from './client';
import type { AuthSnapshot } from './types';

/**
 * Resolves with the first snapshot that is neither `idle` nor `loading`: start-up, any login callback
 * and any renewal started by them are done (case-24). A redirect under way never settles.
 */
export function settledSnapshot(auth: CartoAuthClient): Promise<AuthSnapshot> {
  return new Promise((resolve) => {
    let settled = false;
    let stop = () => {}; // `subscribe` may call back before it returns the real one: see below
    stop = auth.subscribe((snapshot) => {
      if (settled || snapshot.status === 'idle' || snapshot.status === 'loading') return;
      settled = true;
      resolve(snapshot);
      stop();
    });
    if (settled) stop();
  });
}

/** What {@link guardRoute} decided. */
export type GuardDecision = 'allow' | 'error' | 'login';

/**
 * The decision every adapter's route guard makes: wait until the client has settled, let signed-in
 * users through (`'allow'`), never start a login after a failed one (`'error'`, case-04: no redirect
 * loop), otherwise start one login that comes back to `returnTo` (`'login'`).
 * @example
 * router.beforeEach(async (to) => (await guardRoute(auth, to.fullPath)) === 'allow');
 */
export async function guardRoute(auth: CartoAuthClient, returnTo: string): Promise<GuardDecision> {
  const { status } = await settledSnapshot(auth);
  if (status === 'authenticated') return 'allow';
  if (status === 'error') return 'error';
  await auth.login({ returnTo });
  return 'login';
}
