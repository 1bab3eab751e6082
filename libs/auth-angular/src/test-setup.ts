// Zoneless TestBed, like the apps (no zone.js anywhere).
import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';
import { webcrypto } from 'node:crypto';

setupZonelessTestEnv();

// jsdom has crypto.getRandomValues but no crypto.subtle, which PKCE needs (TOOLCHAIN pitfall 3). Lend
// Node's SHA-256 and copy its result into this realm, or oauth4webapi's `instanceof ArrayBuffer` fails.
if (!globalThis.crypto.subtle) {
  const digest = async (algorithm: AlgorithmIdentifier, data: BufferSource) => {
    const result = new Uint8Array(await webcrypto.subtle.digest(algorithm, data));
    const copy = new ArrayBuffer(result.byteLength);
    new Uint8Array(copy).set(result);
    return copy;
  };
  Object.defineProperty(globalThis.crypto, 'subtle', { value: { digest } });
}
