import type { CartoAuthClient } from '../client';
import { CartoAuthError, ERR_API, ERR_INVALID_RESPONSE, ERR_NETWORK } from '../errors';

/** The part of the client the CARTO helpers use. */
export type CartoApiClient = Pick<CartoAuthClient, 'fetch' | 'apiBaseUrl'>;

/** Identifies this library to CARTO, as CARTO's own clients do with `client=` (CARTO.md). */
export const CARTO_CLIENT_ID = 'carto-auth';
/** CARTO API version parameter sent with every helper call. */
export const CARTO_API_VERSION = '3.4';

/**
 * Sends a request through `auth.fetch` and parses the JSON answer. Error statuses become a
 * {@link CartoAuthError} `api_error` holding the status and CARTO's `{ error, description }` body.
 */
export async function requestJson<T>(auth: CartoApiClient, url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await auth.fetch(url, init);
  } catch (cause) {
    if (cause instanceof CartoAuthError) throw cause;
    // fetch itself failed: DNS, connection refused, CORS. Name the URL: usually apiBaseUrl is wrong.
    throw new CartoAuthError(
      ERR_NETWORK,
      `${url} could not be reached (check apiBaseUrl): ${(cause as Error)?.message}`,
      { cause },
    );
  }
  const text = await response.text();
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
