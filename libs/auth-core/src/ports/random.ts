/** 32 random bytes from the platform CSPRNG (Web Crypto, present in browsers and Node 20), base64url. */
export function randomBase64Url(): string {
  let binary = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(32))) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
