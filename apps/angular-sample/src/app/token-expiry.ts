import { Component, computed, DestroyRef, inject, input, signal } from '@angular/core';
import { expiryText } from '@carto-auth/sample-kit';

/**
 * A live countdown to the access token's expiry. The one-second timer belongs to this demo component,
 * not to the adapter (adapters have no timers); it stops when the component is destroyed.
 */
@Component({
  selector: 'app-token-expiry',
  template: `<span data-testid="token-expiry" [attr.data-expires-at]="expiresAt() ?? null">{{
    text()
  }}</span>`,
})
export class TokenExpiry {
  /** Epoch ms of the current access token's expiry (the snapshot's `expiresAt`). */
  readonly expiresAt = input<number | undefined>();
  private readonly now = signal(Date.now());
  protected readonly text = computed(() => expiryText(this.expiresAt(), this.now()));

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
