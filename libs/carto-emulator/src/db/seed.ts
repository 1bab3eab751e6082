/** The schema and rows of the `demo` database behind the `carto_dw` connection. */
import { createHash } from 'node:crypto';

import { AIRPORTS, CITIES, COUNTRIES } from './seed-data.js';

/**
 * The role user queries run as: SELECT on the demo schemas, nothing else, not a superuser.
 *
 * PGlite runs Postgres in single-user mode, where the authenticated user is always the bootstrap
 * superuser (`postgres`); its `username` option only issues `SET ROLE`, which a query could undo with
 * `set_config('role', …)`. So each database switches the session itself to this role with
 * `SET SESSION AUTHORIZATION` (session_user and current_user both become `carto_reader`, and the role
 * cannot `SET ROLE` to anyone else). Switching back would take `SET`/`RESET`/`DISCARD` (utility
 * statements, which the SQL API never runs: it only runs what `EXPLAIN` accepts) or `set_config()`,
 * which the role may not execute (see {@link REVOKED_FUNCTIONS}).
 */
export const READER_ROLE = 'carto_reader';

/**
 * Built-in functions the reader role may not execute, enforced by Postgres itself (REVOKE EXECUTE), so
 * neither another spelling (`U&"query\005fto_xml"`), nor a call the plan does not show (a VALUES list,
 * a LIMIT, the body of a SQL function) can reach them:
 * - functions that run SQL given as text or read a table given by name, whose reads no plan shows (a
 *   grant check could not see them);
 * - `set_config`, which could give the session back to the superuser (`session_authorization`);
 * - `pg_sleep*`, which would hold the single-threaded engine for every other request.
 * Functions reserved to superusers (pg_read_file, lo_import, dblink when installed…) stay out of reach
 * because the role is not one.
 */
export const REVOKED_FUNCTIONS: readonly string[] = [
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'cursor_to_xml',
  'cursor_to_xmlschema',
  'table_to_xml',
  'table_to_xmlschema',
  'table_to_xml_and_xmlschema',
  'schema_to_xml',
  'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema',
  'database_to_xml',
  'database_to_xmlschema',
  'database_to_xml_and_xmlschema',
  'ts_rewrite',
  'ts_stat',
  'set_config',
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
];

/** The database the `carto_dw` connection points at (the first part of `demo.public.cities`). */
export const DATABASE = 'demo';

function literal(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

function rows(values: readonly (readonly (string | number)[])[]): string {
  return values.map((row) => `(${row.map(literal).join(', ')})`).join(',\n  ');
}

/** The SQL that seeds the demo database (run once, when the cached data directory is built). */
export const SEED_SQL = `
CREATE TABLE public.cities (name text NOT NULL, country text NOT NULL, population integer NOT NULL, lat double precision NOT NULL, lon double precision NOT NULL);
INSERT INTO public.cities (name, country, population, lat, lon) VALUES
  ${rows(CITIES)};
CREATE TABLE public.countries (name text PRIMARY KEY, iso_a2 char(2) NOT NULL, continent text NOT NULL, capital text NOT NULL);
INSERT INTO public.countries (name, iso_a2, continent, capital) VALUES
  ${rows(COUNTRIES)};
CREATE SCHEMA geo;
CREATE TABLE geo.airports (iata char(3) PRIMARY KEY, name text NOT NULL, city text NOT NULL, lat double precision NOT NULL, lon double precision NOT NULL);
INSERT INTO geo.airports (iata, name, city, lat, lon) VALUES
  ${rows(AIRPORTS)};
CREATE ROLE ${READER_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT USAGE ON SCHEMA public, geo TO ${READER_ROLE};
GRANT SELECT ON ALL TABLES IN SCHEMA public, geo TO ${READER_ROLE};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE TEMPORARY ON DATABASE ${DATABASE} FROM PUBLIC;
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT oid::regprocedure FROM pg_proc WHERE proname = ANY (ARRAY[${REVOKED_FUNCTIONS.map(literal).join(', ')}]) LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END
$$;
`;

/** Changes whenever the seed changes, so a stale cached data directory is never reused. */
export const SCHEMA_VERSION = createHash('sha256').update(SEED_SQL).digest('hex').slice(0, 12);
