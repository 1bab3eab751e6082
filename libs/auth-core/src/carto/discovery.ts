import { baseUrl, CARTO_ACCOUNTS_URL, isLoopbackHost, parseUrl } from '../urls';
import { CartoAuthError, configError, ERR_API, ERR_INVALID_RESPONSE, ERR_NETWORK } from '../errors';
import type { CartoAuthClient } from '../client';
import { abortError, requestJson, type CartoApiClient } from './api';

/** Where a tenant's APIs live. */
export interface TenantInfo {
  accountId?: string;
  tenantDomain: string;
  apiBaseUrl: string;
}

/**
 * Finds the API base URL of the signed-in user's tenant, as CARTO's Python client does:
 * `GET {accountsUrl}/accounts` for `tenant_domain`, then `https://{tenant_domain}/config.yaml` for
 * `apis.baseUrl`. A configured `apiBaseUrl` always wins; use this only when you do not know it.
 * The client's `allowedOrigins` must include the accounts origin (it receives the token): otherwise
 * this throws `invalid_config` before sending anything. `accountsUrl` defaults to CARTO's
 * (`https://accounts.app.carto.com`); against the emulator, pass its API URL.
 */
export async function discoverTenant(
  auth: Omit<CartoApiClient, 'apiBaseUrl'> & Partial<Pick<CartoAuthClient, 'isAllowedUrl'>>,
  options: { accountsUrl?: string; signal?: AbortSignal } = {},
): Promise<TenantInfo> {
  const accountsUrl = baseUrl(options.accountsUrl ?? CARTO_ACCOUNTS_URL, 'discoverTenant({ accountsUrl })');
  // Sent without a token, the request would only come back as the API's 401: name the fix instead.
  if (auth.isAllowedUrl?.(accountsUrl) === false)
    throw configError(
      `discoverTenant(): add ${new URL(accountsUrl).origin} to the client's allowedOrigins (the accounts API needs the token)`,
    );
  const account = await requestJson<{ id?: string; tenant_domain?: string }>(
    auth,
    `${accountsUrl}/accounts`,
    options.signal ? { signal: options.signal } : {},
  );
  const tenantDomain = account?.tenant_domain;
  // A host and an optional port, nothing else: a path, query, fragment or user would change the URL.
  const parsed = typeof tenantDomain === 'string' ? parseUrl(`https://${tenantDomain}`) : undefined;
  if (!tenantDomain || parsed?.host !== tenantDomain.toLowerCase()) {
    throw new CartoAuthError(
      ERR_INVALID_RESPONSE,
      'The accounts API answered without a valid tenant_domain.',
    );
  }
  const tenantUrl = `${isLoopbackHost(parsed.hostname) ? 'http' : 'https'}://${parsed.host}`;
  let response: Response;
  let yaml: string;
  try {
    response = await auth.fetch(`${tenantUrl}/config.yaml`, options.signal ? { signal: options.signal } : {});
    yaml = await response.text();
  } catch (cause) {
    const url = `${tenantUrl}/config.yaml`;
    if (options.signal?.aborted) throw abortError(options.signal, url);
    throw new CartoAuthError(ERR_NETWORK, `${url} could not be reached.`, { cause });
  }
  const { status } = response;
  if (!response.ok)
    throw new CartoAuthError(ERR_API, `${tenantUrl}/config.yaml answered ${status}.`, { status });
  let apiBaseUrl: string | undefined;
  try {
    // What createCartoAuth will demand of it: https (or loopback http), origin and path only.
    apiBaseUrl = baseUrl(baseUrlFromConfig(yaml) as string, 'apis.baseUrl');
  } catch (cause) {
    // The tenant's answer, not the app's configuration, is wrong: not a TypeError for the app to fix.
    throw new CartoAuthError(
      ERR_INVALID_RESPONSE,
      `${tenantUrl}/config.yaml has no usable apis.baseUrl: ${(cause as Error).message}`,
      { cause, status },
    );
  }
  return {
    tenantDomain,
    apiBaseUrl,
    ...(account.id ? { accountId: account.id } : {}),
  };
}

/** Reads `apis.baseUrl` from CARTO's small `config.yaml` without a YAML dependency. */
export function baseUrlFromConfig(yaml: string): string | undefined {
  let inApis = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^\S/.test(line)) inApis = /^apis:\s*$/.test(line);
    const match = inApis ? /^\s+baseUrl:\s*["']?([^"'\s#]+)/.exec(line) : null;
    if (match) return match[1];
  }
  return undefined;
}
