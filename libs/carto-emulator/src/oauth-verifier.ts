/**
 * Verification of the authorization server's RS256 access tokens, shared by `/userinfo` and the CARTO
 * APIs. Time checks use the emulator's clock.
 */
import { importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

import type { EmulatorClock } from './clock.js';

/** Verifies an access token for one audience; rejects with jose's error when invalid or expired. */
export type OAuthVerifier = (token: string, audience: string) => Promise<JWTPayload>;

/** Creates a verifier for tokens signed with `publicKey` by `issuer`. */
export async function createOAuthVerifier(
  publicKey: JWK,
  issuer: string,
  clock: EmulatorClock,
): Promise<OAuthVerifier> {
  const key = await importJWK(publicKey, 'RS256');
  return async (token, audience) => {
    const { payload } = await jwtVerify(token, key, {
      issuer,
      audience,
      algorithms: ['RS256'],
      currentDate: clock.date(),
    });
    return payload;
  };
}

/** The token of an `Authorization: Bearer <token>` header, else undefined (CARTO accepts nothing else). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
