import { apiToken, createCartoAuth, querySql, tokensApi, type CartoAuthClient } from '@carto-auth/core';

/** The emulator's (and CARTO's demo) connection and the query every sample runs. */
export const CONNECTION = 'carto_dw';
export const QUERY =
  'select name, country, population, lat, lon from demo.public.cities order by population desc limit 50';

/** A row of `demo.public.cities`, with numbers parsed (the SQL API may send numerics as strings). */
export interface City {
  name: string;
  country: string;
  population: number;
  lat: number;
  lon: number;
}

/** Runs {@link QUERY} with the signed-in user's token (`querySql` over `client.fetch`). */
export async function queryCities(client: CartoAuthClient): Promise<City[]> {
  const { rows } = await querySql(client, { connection: CONNECTION, query: QUERY });
  return rows.map(toCity);
}

/** A scoped API access token and how many rows it could read. */
export interface ScopedTokenResult {
  token: string;
  rows: number;
}

/**
 * Creates an API access token restricted to the cities table, the SQL API and `origin` (the page's,
 * sent as the referer), then runs the query with a second client that holds only that token.
 */
export async function createScopedToken(client: CartoAuthClient, origin: string): Promise<ScopedTokenResult> {
  const created = await tokensApi(client).create({
    grants: [{ connection_name: CONNECTION, source: 'demo.public.cities' }],
    allowed_apis: ['sql'],
    referers: [origin],
  });
  const scoped = createCartoAuth({
    strategy: apiToken({ token: created.token }),
    apiBaseUrl: client.apiBaseUrl,
  });
  try {
    const { rows } = await querySql(scoped, { connection: CONNECTION, query: QUERY });
    return { token: created.token, rows: rows.length };
  } finally {
    scoped.stop();
  }
}

/** Where a demo action shows that it runs and how it ended. */
export interface ActionView {
  busy(running: boolean): void;
  failed(message: string | undefined): void;
}

/** Runs one demo action: busy while it runs; afterwards its failure as one line, or none. */
export async function runAction(view: ActionView, work: () => Promise<void>): Promise<void> {
  view.busy(true);
  view.failed(undefined);
  try {
    await work();
  } catch (error) {
    view.failed(describeFailure(error));
  } finally {
    view.busy(false);
  }
}

const grouped = new Intl.NumberFormat('en-US');
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A population with thousands separators. */
export const formatCount = (value: number) => grouped.format(value);
/** A latitude or longitude with two decimals. */
export const formatDegrees = (value: number) => twoDecimals.format(value);

/** One line for a failed demo action: the error's stable code when it has one, then its message. */
export function describeFailure(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  return `${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
}

function toCity(row: Record<string, unknown>): City {
  return {
    name: String(row['name']),
    country: String(row['country']),
    population: Number(row['population']),
    lat: Number(row['lat']),
    lon: Number(row['lon']),
  };
}
