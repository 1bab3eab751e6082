/**
 * API access tokens need no I/O: the token is given at creation. The runner exists so every strategy
 * has the same shape; it never produces an event.
 */
export async function runEffect(): Promise<undefined> {
  return undefined;
}
