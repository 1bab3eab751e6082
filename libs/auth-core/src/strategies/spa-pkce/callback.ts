import { parseUrl } from '../../urls';

/** The OAuth parameters an authorization response may add to the redirect URI (RFC 6749 §4.1.2, RFC 9207). */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'session_state'];

/** A login callback addressed to this client's redirect URI. */
export interface ParsedCallback {
  state: string;
  error?: string;
  errorDescription?: string;
}

/**
 * Recognises a callback for `redirectUri`: same origin and path, a `state`, and a `code` or an
 * `error`. Anything else (an e-mail verification link with `code=success`, another integration on
 * another path) is not ours and is left alone (case-06).
 */
export function parseCallback(url: string, redirectUri: string): ParsedCallback | undefined {
  const current = parseUrl(url);
  if (!current) return undefined; // a malformed page URL is not a callback
  const expected = new URL(redirectUri);
  const params = current.searchParams;
  const state = params.get('state');
  const error = params.get('error') ?? undefined;
  if (
    current.origin + current.pathname !== expected.origin + expected.pathname ||
    !state ||
    !(params.has('code') || error)
  )
    return undefined;
  return { state, error, errorDescription: params.get('error_description') ?? undefined };
}

/** `url` without the named query parameters (callback parameters by default), so a reload never replays them. */
export function withoutParams(url: string, names = CALLBACK_PARAMS): string {
  const clean = new URL(url);
  for (const name of names) clean.searchParams.delete(name);
  return clean.href;
}

/** CARTO's sign-up return marker (CARTO.md §2): `?forceLogin=true` on the app's URL. */
export const hasForceLogin = (url: string): boolean =>
  parseUrl(url)?.searchParams.get('forceLogin') === 'true';
