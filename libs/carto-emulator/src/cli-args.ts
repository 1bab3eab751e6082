/** Command-line arguments of `carto-emulator`. */
import { parseArgs } from 'node:util';

import type { EmulatorOptions } from './options.js';

/** What the CLI was asked to do. */
export interface CliArguments {
  readonly options: EmulatorOptions;
  /** Print one JSON line when ready (for programs), and exit when stdin closes. */
  readonly json: boolean;
  readonly quiet: boolean;
  readonly help: boolean;
}

/** The `--help` text. */
export const USAGE = `Usage: carto-emulator [options]

A local stand-in for auth.carto.com and the CARTO APIs (Tokens, SQL), for development and tests.

Options:
  --host HOST                 interface to listen on (default 127.0.0.1)
  --auth-port PORT            authorization server port, 0 = any free port (default 9010)
  --api-port PORT             CARTO API port, 0 = any free port (default 9011)
  --access-token-ttl SECONDS  user access token lifetime (default 86400)
  --id-token-ttl SECONDS      ID token lifetime (default 36000)
  --refresh-token-ttl SECONDS refresh token lifetime (default 2592000)
  --m2m-token-ttl SECONDS     M2M access token lifetime (default 86400)
  --no-refresh-tokens         never issue refresh tokens
  --redirect-uri URL          also allow this SPA callback/logout URL (repeatable)
  --sql-timeout SECONDS       wall-clock limit of one SQL API query (default 5)
  --json                      print {"authUrl","apiUrl","issuer"} as one JSON line when ready;
                              exit when stdin closes
  --quiet                     do not log requests
  -h, --help                  show this help`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed))
    throw new TypeError(`--${name} needs a whole number, got ${JSON.stringify(value)}.`);
  return parsed;
}

/** Parses `argv` (without the node and script paths); throws a `TypeError` on bad input. */
export function parseCliArguments(argv: readonly string[]): CliArguments {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      'auth-port': { type: 'string' },
      'api-port': { type: 'string' },
      'access-token-ttl': { type: 'string' },
      'id-token-ttl': { type: 'string' },
      'refresh-token-ttl': { type: 'string' },
      'm2m-token-ttl': { type: 'string' },
      'no-refresh-tokens': { type: 'boolean' },
      'redirect-uri': { type: 'string', multiple: true },
      'sql-timeout': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  return {
    json: values.json ?? false,
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    options: {
      host: values.host,
      authPort: integer('auth-port', values['auth-port']),
      apiPort: integer('api-port', values['api-port']),
      accessTokenTtl: integer('access-token-ttl', values['access-token-ttl']),
      idTokenTtl: integer('id-token-ttl', values['id-token-ttl']),
      refreshTokenTtl: integer('refresh-token-ttl', values['refresh-token-ttl']),
      m2mTokenTtl: integer('m2m-token-ttl', values['m2m-token-ttl']),
      refreshTokens: values['no-refresh-tokens'] ? false : undefined,
      redirectUris: values['redirect-uri'],
      sqlTimeout: integer('sql-timeout', values['sql-timeout']),
      quiet: values.quiet ?? false,
    },
  };
}
