/**
 * RFC 6750 `b64token`: what may follow `Bearer ` in a header. A token with anything else (a line break,
 * a space) would make `fetch` throw an error that quotes it, so it is refused where it comes in.
 */
export const isBearerToken = (value: unknown): value is string =>
  typeof value === 'string' && /^[\w.~+/-]+=*$/.test(value);
