import { Component, computed, DestroyRef, inject, input, signal } from '@angular/core';

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
  protected readonly text = computed(() => {
    const at = this.expiresAt();
    if (at === undefined) return 'none';
    const seconds = Math.max(0, Math.round((at - this.now()) / 1000));
    if (seconds === 0) return 'expired';
    const [h, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
    const clock = `${h > 0 ? `${h}:${pad(m)}` : m}:${pad(s)}`;
    return `expires in ${clock} (at ${new Date(at).toLocaleTimeString()})`;
  });

  constructor() {
    const timer = setInterval(() => this.now.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
