import { configError } from './errors';

/** Renew this long before expiry by default (Auth0's SDKs use 60 s as well). */
export const DEFAULT_LEEWAY_MS = 60_000;
/** Lifetime assumed when a token response has no `expires_in` (case-18): short, never forever or zero. */
export const DEFAULT_LIFETIME_MS = 300_000;
/** Never schedule a renewal sooner than this after receipt, whatever the server says (no renewal storm). */
const MIN_RENEW_DELAY_MS = 5_000;

/** After a transient failure, wait this long before trying again (no storm during an outage). */
export const RETRY_AFTER_MS = 30_000;

/** The longest delay a timer takes (a signed 32-bit int of ms); longer ones fire at once (case-12). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Validates a time-out option in ms (default 10 s): a `NaN` from an unset variable, `Infinity` or
 * anything a timer cannot wait for would make every request time out at once; `true` or `'5000'` pass
 * a range check (and a BigInt throws in one), so only numbers are accepted.
 */
export function positiveMs(value = 10_000, name: string): number {
  if (Number.isFinite(value) && value > 0 && value <= MAX_TIMER_DELAY_MS) return value;
  throw configError(`${name}: not a time-out in ms: ${value}`);
}

/** Validates a `leewaySeconds` option (a `NaN` from an unset variable would renew on every call). */
export function leewayMs(seconds: number | undefined): number {
  if (seconds === undefined) return DEFAULT_LEEWAY_MS;
  if (!Number.isFinite(seconds) || seconds < 0)
    throw configError(`leewaySeconds: not a number >= 0: ${seconds}`);
  return seconds * 1000;
}

/** When a token expires and when to renew it; all in epoch ms of the *local* clock. */
export interface TokenTimes {
  receivedAt: number;
  expiresAt: number;
  renewAt: number;
}

/**
 * Computes expiry from `expires_in` and the local time of receipt, never from the token's `exp`
 * (case-10: a client clock off by an hour must not cause a loop). The leeway is capped at a quarter of
 * the lifetime so short-lived tokens are not renewed on every call (case-11).
 */
export function tokenTimes(
  receivedAt: number,
  expiresInSeconds: number | undefined,
  leewayMs: number,
): TokenTimes {
  const lifetime =
    expiresInSeconds !== undefined && Number.isFinite(expiresInSeconds) && expiresInSeconds > 0
      ? expiresInSeconds * 1000
      : DEFAULT_LIFETIME_MS;
  const expiresAt = receivedAt + lifetime;
  const renewAt = Math.max(
    receivedAt + Math.min(MIN_RENEW_DELAY_MS, lifetime / 2),
    expiresAt - Math.min(leewayMs, lifetime / 4),
  );
  return { receivedAt, expiresAt, renewAt };
}
