/** Data warehouse connections of the emulated tenant. */
import { DEMO } from '../demo.js';
import { DATABASE } from '../db/seed.js';

/** A connection and the database (first part of three-part names) behind it. */
export interface Connection {
  readonly name: string;
  readonly database: string;
}

/** The tenant's connections: only `carto_dw`, over the seeded `demo` database. */
export const CONNECTIONS: readonly Connection[] = [{ name: DEMO.connection, database: DATABASE }];

/** Finds a connection by name. */
export function findConnection(name: string): Connection | undefined {
  return CONNECTIONS.find((connection) => connection.name === name);
}
