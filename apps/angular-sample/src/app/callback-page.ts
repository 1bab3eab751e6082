import { Location } from '@angular/common';
import { Component, inject } from '@angular/core';
import { Router } from '@angular/router';
import { CartoAuthService } from '@carto-auth/angular';
import { filter, firstValueFrom } from 'rxjs';

/**
 * The redirect URI. `provideCartoAuth` completed the login before the router started and replaced the
 * address bar with the login's `returnTo` (or this page without the OAuth parameters); go there.
 */
@Component({
  selector: 'app-callback-page',
  template: `<p>Completing the login…</p>`,
})
export class CallbackPage {
  constructor() {
    const auth = inject(CartoAuthService);
    const router = inject(Router);
    const location = inject(Location);
    void firstValueFrom(
      auth.snapshot$.pipe(filter((s) => s.status !== 'idle' && s.status !== 'loading')),
    ).then(() => {
      const target = location.path();
      return router.navigateByUrl(target.startsWith('/callback') ? '/' : target, { replaceUrl: true });
    });
  }
}
