import type { CartoAuthClient } from '../client';
import {
  CartoAuthError,
  configError,
  ERR_API,
  ERR_CANCELLED,
  ERR_INVALID_RESPONSE,
  ERR_NETWORK,
  ERR_TIMEOUT,
  raceAbort,
} from '../errors';

/**
 * The part of the client the CARTO helpers use. With `getAccessToken` (every client has it), a
 * helper asks for the token first, and its error is the answer when there is none.
 */
export type CartoApiClient = Pick<CartoAuthClient, 'fetch' | 'apiBaseUrl'> &
  Partial<Pick<CartoAuthClient, 'getAccessToken'>>;

/**
 * `value` as one path segment. `.` and `..` are refused: URLs resolve them (even encoded as `%2E`),
 * so `tokens.get('..')` would call another endpoint.
 */
export function pathSegment(value: string, what: string): string {
  const refused = () => configError(`${what}: not a name or id: ${JSON.stringify(value)}`);
  if (typeof value !== 'string' || value === '' || /^(\.|%2e){1,2}$/i.test(value)) throw refused();
  try {
    return encodeURIComponent(value);
  } catch {
    throw refused(); // a lone surrogate: not text, and encodeURIComponent's URIError has no code
  }
}

/** Identifies this library to CARTO, as CARTO's own clients do with `client=` (CARTO.md). */
export const CARTO_CLIENT_ID = 'carto-auth';
/** CARTO API version parameter sent with every helper call. */
export const CARTO_API_VERSION = '3.4';

/** The caller's signal ended a helper's call: `timeout` for `AbortSignal.timeout()`, else `cancelled`. */
export function abortError(signal: AbortSignal, url: string): CartoAuthError {
  const reason = signal.reason as Error | undefined;
  return new CartoAuthError(
    reason?.name === 'TimeoutError' ? ERR_TIMEOUT : ERR_CANCELLED,
    `${url}: ${reason?.message ?? 'aborted'}`,
    { cause: reason },
  );
}

/**
 * Sends a request through `auth.fetch` and parses the JSON answer. Error statuses become a
 * {@link CartoAuthError} `api_error` holding the status and CARTO's `{ error, description }` body.
 */
export async function requestJson<T>(
  auth: Omit<CartoApiClient, 'apiBaseUrl'>,
  url: string,
  init: RequestInit = {},
): Promise<T> {
  const { signal } = init;
  let response: Response;
  let text: string;
  try {
    // These APIs need a token: without one, its error (a network outage, a wrong secret) is the
    // answer, and no anonymous request goes out. The caller's signal also ends the wait for it.
    const token = auth.getAccessToken?.();
    if (token) await raceAbort(token, signal ?? undefined);
    response = await auth.fetch(url, init);
    text = await response.text(); // the body can stall too: its abort is the caller's as well
  } catch (cause) {
    if (signal?.aborted) throw abortError(signal, url);
    if (cause instanceof CartoAuthError) throw cause;
    // fetch itself failed: DNS, connection refused, CORS. Name the URL: usually apiBaseUrl is wrong.
    throw new CartoAuthError(
      ERR_NETWORK,
      `${url} could not be reached (is the base URL right?): ${(cause as Error)?.message}`,
      { cause },
    );
  }
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    if (response.ok)
      throw new CartoAuthError(ERR_INVALID_RESPONSE, `${url} answered with a body that is not JSON.`, {
        status: response.status,
      });
  }
  if (!response.ok) {
    const detail =
      body && typeof body === 'object' ? (body as { error?: unknown; description?: unknown }) : {};
    const message = [detail.error, detail.description].filter((part) => typeof part === 'string').join(': ');
    throw new CartoAuthError(
      ERR_API,
      `CARTO API answered ${response.status}${message ? `: ${message}` : ''}`,
      {
        status: response.status,
        body,
      },
    );
  }
  return body as T;
}
