import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { CartoAuthService } from '@carto-auth/angular';

const MAX_LINES = 20;

/** The latest transitions of the auth client, from its devtools hook `inspect`: `event → status`. */
@Injectable({ providedIn: 'root' })
export class TransitionLog {
  private readonly lines = signal<string[]>([]);
  readonly entries = this.lines.asReadonly();

  constructor() {
    const stop = inject(CartoAuthService).client.inspect((_previous, event, next) =>
      this.lines.update((lines) => [...lines, `${event.type} → ${next.status}`].slice(-MAX_LINES)),
    );
    inject(DestroyRef).onDestroy(stop);
  }
}
