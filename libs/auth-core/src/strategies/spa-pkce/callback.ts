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
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return undefined;
  }
  const expected = new URL(redirectUri);
  if (current.origin !== expected.origin || current.pathname !== expected.pathname) return undefined;
  const params = current.searchParams;
  const state = params.get('state');
  if (!state || (!params.has('code') && !params.has('error'))) return undefined;
  const parsed: ParsedCallback = { state };
  const error = params.get('error');
  const description = params.get('error_description');
  if (error) parsed.error = error;
  if (description) parsed.errorDescription = description;
  return parsed;
}

/** The page URL without callback parameters, so a reload or Back never replays them. */
export function withoutCallbackParams(url: string): string {
  const clean = new URL(url);
  for (const name of CALLBACK_PARAMS) clean.searchParams.delete(name);
  return clean.href;
}

/** CARTO's sign-up return marker (CARTO.md §2): `?forceLogin=true` on the app's URL. */
export function hasForceLogin(url: string): boolean {
  try {
    return new URL(url).searchParams.get('forceLogin') === 'true';
  } catch {
    return false;
  }
}

/** The URL without the `forceLogin` marker. */
export function withoutForceLogin(url: string): string {
  const clean = new URL(url);
  clean.searchParams.delete('forceLogin');
  return clean.href;
}
