/** The schema and rows of the `demo` database behind the `carto_dw` connection. */
import { createHash } from 'node:crypto';

import { AIRPORTS, CITIES, COUNTRIES } from './seed-data.js';

/**
 * The role each emulator connects as: SELECT on the demo schemas, nothing else. Connecting as it (not
 * `SET ROLE`, which a query could undo) keeps user queries from escalating.
 */
export const READER_ROLE = 'carto_reader';

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
CREATE ROLE ${READER_ROLE} LOGIN;
GRANT USAGE ON SCHEMA public, geo TO ${READER_ROLE};
GRANT SELECT ON ALL TABLES IN SCHEMA public, geo TO ${READER_ROLE};
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE TEMPORARY ON DATABASE ${DATABASE} FROM PUBLIC;
`;

/** Changes whenever the seed changes, so a stale cached data directory is never reused. */
export const SCHEMA_VERSION = createHash('sha256').update(SEED_SQL).digest('hex').slice(0, 12);
