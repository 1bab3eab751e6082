import { Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { CartoAuthService } from '@carto-auth/angular';
import { SAMPLE_SETTINGS } from './settings';
import { TokenExpiry } from './token-expiry';
import { TransitionLog } from './transition-log';

/** The shell: auth state, login/logout, the user, the token countdown and the transition log, on every page. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, TokenExpiry],
  template: `
    <header>
      <h1>carto-auth <small>Angular sample</small></h1>
      <nav>
        <a routerLink="/" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }">Home</a>
        <a routerLink="/data" routerLinkActive="active">Data (guarded)</a>
      </nav>
    </header>

    <section class="panel auth">
      <p>
        Status: <strong data-testid="auth-status">{{ auth.snapshot().status }}</strong>
      </p>
      @if (auth.snapshot().error; as error) {
        <p class="failure" role="alert" data-testid="error">{{ error.code }}: {{ error.message }}</p>
      }
      <p class="actions">
        @if (auth.isAuthenticated()) {
          <button type="button" data-testid="logout" (click)="auth.logout()">Log out</button>
        } @else {
          <button type="button" data-testid="login" (click)="auth.login()">Log in with CARTO</button>
          <button
            type="button"
            data-testid="login-sso"
            (click)="auth.login({ organization: settings.organizationId })"
          >
            Log in with SSO ({{ settings.organizationId }})
          </button>
        }
      </p>
      @if (auth.user(); as user) {
        <p>
          Signed in as <strong data-testid="user-email">{{ user.email }}</strong>
          @if (user.organization) {
            <span>· organization {{ user.organization }}</span>
          }
        </p>
        <p>Permissions:</p>
        <ul class="permissions" data-testid="user-permissions">
          @for (permission of user.permissions; track permission) {
            <li>{{ permission }}</li>
          } @empty {
            <li>none</li>
          }
        </ul>
      }
      <p>Access token: <app-token-expiry [expiresAt]="auth.snapshot().expiresAt" /></p>
    </section>

    <main>
      <router-outlet />
    </main>

    <aside class="panel">
      <h2>Transitions</h2>
      <ol data-testid="transition-log">
        @for (line of log.entries(); track $index) {
          <li>{{ line }}</li>
        }
      </ol>
    </aside>
  `,
})
export class App {
  protected readonly auth = inject(CartoAuthService);
  protected readonly log = inject(TransitionLog);
  protected readonly settings = inject(SAMPLE_SETTINGS);
}
