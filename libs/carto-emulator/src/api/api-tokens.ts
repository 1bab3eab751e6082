/**
 * API access tokens (CARTO.md §1): small HS256 JWTs `{ a: <account id>, jti: <token id> }` signed with
 * a per-emulator secret, and the store of their grants, referers, APIs and expiry.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { SignJWT, jwtVerify } from 'jose';

import type { EmulatorClock } from '../clock.js';
import type { TokenFields } from './token-validation.js';

/** A stored API access token. */
export interface ApiTokenRecord extends TokenFields {
  readonly token: string;
  readonly jti: string;
  readonly accountId: string;
  readonly created_at: string;
}

/** The Tokens API's view of a token. */
export function tokenView(record: ApiTokenRecord): Record<string, unknown> {
  const { token, grants, referers, allowed_apis, expiration_date, created_at } = record;
  return { token, grants, referers, allowed_apis, expiration_date, created_at };
}

/** The API access tokens of one emulator. */
export class ApiTokenStore {
  readonly #secret = new Uint8Array(randomBytes(32));
  #records = new Map<string, ApiTokenRecord>();

  constructor(private readonly clock: EmulatorClock) {}

  /** Mints and stores a token for `accountId`. */
  async create(accountId: string, fields: TokenFields): Promise<ApiTokenRecord> {
    const jti = randomUUID();
    const token = await new SignJWT({ a: accountId, jti })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(this.#secret);
    const record: ApiTokenRecord = {
      ...fields,
      token,
      jti,
      accountId,
      created_at: this.clock.date().toISOString(),
    };
    this.#records.set(jti, record);
    return record;
  }

  /** The account's tokens, oldest first. */
  list(accountId: string): ApiTokenRecord[] {
    return [...this.#records.values()].filter((record) => record.accountId === accountId);
  }

  /** Finds one of the account's tokens by its value (or id). */
  find(accountId: string, tokenOrId: string): ApiTokenRecord | undefined {
    const record = [...this.#records.values()].find((r) => r.token === tokenOrId || r.jti === tokenOrId);
    return record?.accountId === accountId ? record : undefined;
  }

  /** Applies a validated partial update. */
  update(record: ApiTokenRecord, patch: Partial<TokenFields>): ApiTokenRecord {
    const updated = { ...record, ...patch };
    this.#records.set(record.jti, updated);
    return updated;
  }

  delete(record: ApiTokenRecord): void {
    this.#records.delete(record.jti);
  }

  clear(): void {
    this.#records = new Map();
  }

  /**
   * Resolves a presented token to its record, or a reason it is not valid: bad signature, unknown or
   * deleted id, or past its `expiration_date` (on the emulator's clock).
   */
  async verify(token: string): Promise<ApiTokenRecord | string> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#secret, {
        algorithms: ['HS256'],
        currentDate: this.clock.date(),
      }));
    } catch {
      return 'Invalid API access token';
    }
    const record = typeof payload.jti === 'string' ? this.#records.get(payload.jti) : undefined;
    if (!record || record.accountId !== payload['a']) return 'Unknown or deleted API access token';
    if (record.expiration_date && Date.parse(record.expiration_date) <= this.clock.now()) {
      return 'The API access token has expired';
    }
    return record;
  }
}
