import type { GetAccessTokenOptions } from './client';

/**
 * The token to retry with after an API answered 401 to `rejected` (case-16): the one another request's
 * renewal already brought, else one forced renewal. `rejected` again means nothing changed and the
 * 401 stands. The core's `fetch()` and the adapters' HTTP interceptors decide the same way.
 * @example
 * const retryWith = await tokenAfterUnauthorized((options) => auth.getAccessToken(options), token);
 */
export async function tokenAfterUnauthorized(
  getAccessToken: (options?: GetAccessTokenOptions) => Promise<string>,
  rejected: string,
): Promise<string> {
  const current = await getAccessToken();
  return current === rejected ? getAccessToken({ forceRenew: true }) : current;
}
