import { DecimalPipe } from '@angular/common';
import { Component, inject, signal } from '@angular/core';
import { CartoAuthService } from '@carto-auth/angular';
import {
  CONNECTION,
  createScopedToken,
  QUERY,
  queryCities,
  runAction,
  type City,
  type ScopedTokenResult,
} from '@carto-auth/sample-kit';
import { CityMap } from './city-map';

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
  protected readonly apiAccess = signal<ScopedTokenResult | undefined>(undefined);

  /** Runs the query with the signed-in user's token (the core's `querySql` over `auth.client.fetch`). */
  protected runQuery(): Promise<void> {
    return this.attempt(async () => this.cities.set(await queryCities(this.auth.client)));
  }

  /** A scoped API access token (cities table, SQL API, this origin), then the query with only that token. */
  protected createToken(): Promise<void> {
    return this.attempt(async () =>
      this.apiAccess.set(await createScopedToken(this.auth.client, window.location.origin)),
    );
  }

  private attempt(work: () => Promise<void>): Promise<void> {
    return runAction(
      { busy: (running) => this.busy.set(running), failed: (message) => this.failure.set(message) },
      work,
    );
  }
}
