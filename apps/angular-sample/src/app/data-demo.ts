import { DecimalPipe } from '@angular/common';
import { Component, inject, signal } from '@angular/core';
import { apiToken, CartoAuthService, createCartoAuth, querySql, tokensApi } from '@carto-auth/angular';
import { CityMap } from './city-map';

/** A row of `demo.public.cities`, with numbers parsed (the SQL API may send numerics as strings). */
export interface City {
  name: string;
  country: string;
  population: number;
  lat: number;
  lon: number;
}

const CONNECTION = 'carto_dw';
const QUERY =
  'select name, country, population, lat, lon from demo.public.cities order by population desc limit 50';

/** SQL through the signed-in client (table + map), and a scoped API access token used by a second client. */
@Component({
  selector: 'app-data-demo',
  imports: [CityMap, DecimalPipe],
  template: `
    @if (auth.isAuthenticated()) {
      <section class="panel">
        <p class="actions">
          <button type="button" data-testid="run-query" [disabled]="busy()" (click)="runQuery()">
            Run SQL query
          </button>
          <button type="button" data-testid="create-token" [disabled]="busy()" (click)="createToken()">
            Create an API access token and use it
          </button>
        </p>
        <p class="query">
          <code>{{ query }}</code>
        </p>
        @if (failure(); as failure) {
          <p class="failure" data-testid="query-error">{{ failure }}</p>
        }
        @if (apiAccess(); as access) {
          <p data-testid="api-token">
            API access token <code>{{ access.token.slice(0, 16) }}…</code> (sql on {{ connection }},
            demo.public.cities) read {{ access.rows }} rows
          </p>
        }
        @if (cities(); as cities) {
          <app-city-map [cities]="cities" />
          <table data-testid="query-table">
            <thead>
              <tr>
                <th>name</th>
                <th>country</th>
                <th>population</th>
                <th>lat</th>
                <th>lon</th>
              </tr>
            </thead>
            <tbody>
              @for (city of cities; track $index) {
                <tr>
                  <td>{{ city.name }}</td>
                  <td>{{ city.country }}</td>
                  <td class="number">{{ city.population | number }}</td>
                  <td class="number">{{ city.lat | number: '1.2-2' }}</td>
                  <td class="number">{{ city.lon | number: '1.2-2' }}</td>
                </tr>
              }
            </tbody>
          </table>
        }
      </section>
    } @else {
      <p class="hint">Log in to run a SQL query and create an API access token.</p>
    }
  `,
})
export class DataDemo {
  protected readonly auth = inject(CartoAuthService);
  protected readonly connection = CONNECTION;
  protected readonly query = QUERY;
  protected readonly busy = signal(false);
  protected readonly failure = signal<string | undefined>(undefined);
  protected readonly cities = signal<City[] | undefined>(undefined);
  protected readonly apiAccess = signal<{ token: string; rows: number } | undefined>(undefined);

  /** Runs the query with the signed-in user's token (the core's `querySql` over `auth.client.fetch`). */
  protected runQuery(): Promise<void> {
    return this.attempt(async () => {
      const { rows } = await querySql(this.auth.client, { connection: CONNECTION, query: QUERY });
      this.cities.set(rows.map(toCity));
    });
  }

  /**
   * Creates an API access token restricted to the cities table, the SQL API and this origin, then runs
   * the same query with a second client that holds only that token (`apiToken` strategy).
   */
  protected createToken(): Promise<void> {
    return this.attempt(async () => {
      const created = await tokensApi(this.auth.client).create({
        grants: [{ connection_name: CONNECTION, source: 'demo.public.cities' }],
        allowed_apis: ['sql'],
        referers: [window.location.origin],
      });
      const scoped = createCartoAuth({
        strategy: apiToken({ token: created.token }),
        apiBaseUrl: this.auth.client.apiBaseUrl,
      });
      try {
        const { rows } = await querySql(scoped, { connection: CONNECTION, query: QUERY });
        this.apiAccess.set({ token: created.token, rows: rows.length });
      } finally {
        scoped.stop();
      }
    });
  }

  private async attempt(work: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.failure.set(undefined);
    try {
      await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      this.failure.set(`${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy.set(false);
    }
  }
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
