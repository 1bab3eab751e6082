/**
 * Text sealing with the host's Web Crypto (AES-GCM), for the SPA refresh note. Lives with the ports:
 * the strategies never reach for `crypto`, `btoa` or `atob` themselves.
 */

const encoder = new TextEncoder();

/** The AES-GCM key a secret gives: only a holder of that secret can open what it sealed. */
async function keyOf(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest('SHA-256', encoder.encode(`carto-auth note key:${secret}`));
  return crypto.subtle.importKey('raw', material, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** `text` sealed with a key derived from `secret` and the initialisation vector `iv`, as base64. */
export async function sealText(text: string, secret: string, iv: string): Promise<string> {
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: encoder.encode(iv) },
    await keyOf(secret),
    encoder.encode(text),
  );
  // Byte by byte: spreading a large buffer into one call's arguments overflows the stack.
  return btoa(Array.from(new Uint8Array(sealed), (byte) => String.fromCharCode(byte)).join(''));
}

/** Opens what {@link sealText} sealed; rejects when `secret` or `iv` differ or the text was altered. */
export async function openText(sealed: string, secret: string, iv: string): Promise<string> {
  const bytes = Uint8Array.from(atob(sealed), (char) => char.charCodeAt(0));
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: encoder.encode(iv) },
    await keyOf(secret),
    bytes,
  );
  return new TextDecoder().decode(plain);
}
