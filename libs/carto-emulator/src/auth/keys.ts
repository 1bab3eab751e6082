/** The RS256 signing key of the authorization server. */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

import { calculateJwkThumbprint, type JWK } from 'jose';

const generate = promisify(generateKeyPair);

/** Generates a 2048-bit RSA private JWK (in the thread pool, so it overlaps other start-up work). */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generate('rsa', { modulusLength: 2048 });
  return withKid(privateKey.export({ format: 'jwk' }) as JWK);
}

/** Completes a private RSA JWK with `kid` (its thumbprint), `alg: RS256` and `use: sig`. */
export async function withKid(jwk: JWK): Promise<JWK> {
  if (jwk.kty !== 'RSA' || !jwk.d)
    throw new TypeError('signingKey must be a private RSA JWK (kty "RSA" with "d").');
  return { ...jwk, kid: jwk.kid ?? (await calculateJwkThumbprint(jwk)), alg: 'RS256', use: 'sig' };
}

/** The public part of a private RSA JWK, for verifying tokens. */
export function publicJwk(jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}
