import { computed, DestroyRef, inject, Injectable, NgZone, signal, type Signal } from '@angular/core';
import type {
  AuthSnapshot,
  CartoAuthClient,
  CartoUser,
  GetAccessTokenOptions,
  LoginOptions,
  LogoutOptions,
} from '@carto-auth/core';
import { Observable } from 'rxjs';

function missingProvider(): never {
  throw new Error(
    'CartoAuthService has no client: add provideCartoAuth({ strategy, apiBaseUrl }) to the providers of your app config.',
  );
}

/**
 * The core client as Angular state: its snapshot as a signal and an Observable, plus its actions.
 * Created by {@link provideCartoAuth}, one per environment injector; stopped when that injector is destroyed.
 * @example
 * readonly auth = inject(CartoAuthService);
 * // template: @if (auth.isAuthenticated()) { {{ auth.user()?.email }} } @else { <button (click)="auth.login()">Log in</button> }
 */
@Injectable({ providedIn: 'root', useFactory: missingProvider })
export class CartoAuthService {
  /** The current {@link AuthSnapshot}; changes whenever the core client notifies. */
  readonly snapshot: Signal<AuthSnapshot>;
  /** `true` while the snapshot's status is `authenticated`. */
  readonly isAuthenticated = computed(() => this.snapshot().status === 'authenticated');
  /** The signed-in user (SPA), or `undefined`. */
  readonly user: Signal<CartoUser | undefined> = computed(() => this.snapshot().user);
  /** The snapshot as an Observable: emits the current one on subscribe, then every change. */
  readonly snapshot$: Observable<AuthSnapshot>;
  private readonly zone = inject(NgZone);

  /** @param client the core client this service bridges; it is stopped with the injector. */
  constructor(readonly client: CartoAuthClient) {
    const state = signal(client.getSnapshot());
    const unsubscribe = client.subscribe((next) => state.set(next));
    this.snapshot = state.asReadonly();
    const destroyRef = inject(DestroyRef);
    // Completes with the injector, so `lastValueFrom(snapshot$)` and teardown that waits for completion end.
    this.snapshot$ = new Observable((subscriber) => {
      if (destroyRef.destroyed) return subscriber.complete(); // the client is stopped: nothing will change
      const stopListening = destroyRef.onDestroy(() => subscriber.complete());
      const unsubscribeNext = client.subscribe((next) => subscriber.next(next));
      return () => {
        unsubscribeNext();
        stopListening();
      };
    });
    destroyRef.onDestroy(() => {
      unsubscribe();
      client.stop();
    });
  }

  /** SPA: redirects to CARTO's login (`organization`, `returnTo`, …). Other strategies: no-op. */
  login(options?: LoginOptions): Promise<void> {
    return this.client.login(options);
  }

  /** Forgets the session; SPA: then visits CARTO's logout unless `{ localOnly: true }`. */
  logout(options?: LogoutOptions): void {
    this.client.logout(options);
  }

  /**
   * A valid access token, renewed by the core when needed. Runs outside Angular's zone so that a
   * renewal timer never keeps a zone-based app unstable (case-23); zoneless apps are unaffected.
   */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string> {
    return this.zone.runOutsideAngular(() => this.client.getAccessToken(options));
  }

  /** Restores the session and completes a login callback; {@link provideCartoAuth} calls it in the browser. */
  start(): Promise<AuthSnapshot> {
    return this.zone.runOutsideAngular(() => this.client.start());
  }
}
