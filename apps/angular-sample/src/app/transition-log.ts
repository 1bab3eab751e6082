import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { CartoAuthService } from '@carto-auth/angular';
import { TRANSITION_LOG_LENGTH, transitionLine } from '@carto-auth/sample-kit';

/** The latest transitions of the auth client, from its devtools hook `inspect`: `event → status`. */
@Injectable({ providedIn: 'root' })
export class TransitionLog {
  private readonly lines = signal<string[]>([]);
  readonly entries = this.lines.asReadonly();

  constructor() {
    const stop = inject(CartoAuthService).client.inspect((_previous, event, next) =>
      this.lines.update((lines) =>
        [...lines, transitionLine(event.type, next.status)].slice(-TRANSITION_LOG_LENGTH),
      ),
    );
    inject(DestroyRef).onDestroy(stop);
  }
}
