import { tokensApi, type CartoAuthClient } from '@carto-auth/core';

/** How long a minted token works: browsers are anonymous, so what they get must not be permanent. */
export const TOKEN_LIFETIME_MS = 60 * 60_000;
/** A token this close to its expiry is replaced, so a page that just fetched it still has time to use it. */
const RENEW_BEFORE_MS = 10 * 60_000;

/** Mints one narrowly scoped API access token and reuses it: token creation counts against a quota. */
export interface TokenFactory {
  /** The current token; a new one when there is none or it expires soon. A failed mint is retried on the next call. */
  token(): Promise<string>;
  /** Forget the cached token (the API rejected it); the next call mints a new one. */
  invalidate(rejected: string): void;
}

/** What {@link createTokenFactory} mints tokens for. */
export interface TokenFactoryOptions {
  connection: string;
  table: string;
  /** The browser origin allowed to use the tokens, read at each mint. */
  referer: string;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** One mint, in flight or done, shared by every caller until `renewAt`. */
interface Mint {
  token: Promise<string>;
  minted?: string;
  renewAt: number;
}

/**
 * CARTO's token-factory pattern (CARTO.md §1): a backend holding an M2M token creates API access tokens
 * limited to one table, the SQL API and the browser origin that will use them, for an hour.
 */
export function createTokenFactory(m2mClient: CartoAuthClient, options: TokenFactoryOptions): TokenFactory {
  const tokens = tokensApi(m2mClient);
  const now = options.now ?? Date.now;
  let current: Mint | undefined;

  function mint(): Mint {
    const start = now();
    const entry: Mint = {
      renewAt: start + TOKEN_LIFETIME_MS - RENEW_BEFORE_MS,
      token: tokens
        .create({
          grants: [{ connection_name: options.connection, source: options.table }],
          referers: [options.referer],
          allowed_apis: ['sql'],
          expiration_date: new Date(start + TOKEN_LIFETIME_MS).toISOString(),
        })
        // An answer without a token rejects (invalid_response) like any failed mint.
        .then(({ token }) => (entry.minted = token)),
    };
    // A failed mint is forgotten, so the next call retries; unless a newer mint replaced it already.
    entry.token.catch(() => {
      if (current === entry) current = undefined;
    });
    return entry;
  }

  return {
    token() {
      if (!current || now() >= current.renewAt) current = mint();
      return current.token;
    },
    invalidate(rejected) {
      // Synchronous, so the caller's very next token() mints anew; a newer token is kept.
      if (current?.minted === rejected) current = undefined;
    },
  };
}
