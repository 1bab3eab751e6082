/**
 * Auth0's `audience` parameter on top of oidc-provider's resource indicators (RFC 8707), which need
 * absolute URIs: each known audience maps to an internal resource URI.
 */
import { DEMO } from '../demo.js';

const PREFIX = 'urn:auth0:audience:';

/** Audiences (APIs) the emulated tenant knows. */
export const KNOWN_AUDIENCES: readonly string[] = [DEMO.audience];

/** The internal resource URI of a known audience, else undefined. */
export function resourceForAudience(audience: unknown): string | undefined {
  return typeof audience === 'string' && KNOWN_AUDIENCES.includes(audience)
    ? `${PREFIX}${audience}`
    : undefined;
}

/** The audience behind an internal resource URI, else undefined. */
export function audienceForResource(resource: string): string | undefined {
  if (!resource.startsWith(PREFIX)) return undefined;
  const audience = resource.slice(PREFIX.length);
  return KNOWN_AUDIENCES.includes(audience) ? audience : undefined;
}
