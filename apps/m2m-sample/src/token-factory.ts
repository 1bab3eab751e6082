import { tokensApi, type CartoAuthClient } from '@carto-auth/core';

/** Mints one narrowly scoped API access token and reuses it: token creation counts against a quota. */
export interface TokenFactory {
  token(): Promise<string>;
  /** Forget the cached token (the API rejected it); the next call mints a new one. */
  invalidate(rejected: string): void;
}

/**
 * CARTO's token-factory pattern (CARTO.md §1): a backend holding an M2M token creates API access tokens
 * limited to one table, the SQL API and the browser origin that will use them.
 */
export function createTokenFactory(
  m2mClient: CartoAuthClient,
  grant: { connection: string; table: string; referer: string },
): TokenFactory {
  const tokens = tokensApi(m2mClient);
  let current: Promise<string> | undefined;
  let minted: string | undefined;
  return {
    token() {
      current ??= tokens
        .create({
          grants: [{ connection_name: grant.connection, source: grant.table }],
          referers: [grant.referer],
          allowed_apis: ['sql'],
        })
        .then((created) => (minted = created.token));
      // A failed mint must not be cached.
      current.catch(() => (current = undefined));
      return current;
    },
    invalidate(rejected) {
      // Synchronous, so the caller's very next token() mints anew; a newer token is kept.
      if (minted === rejected) current = minted = undefined;
    },
  };
}
