import {
  createScopedToken,
  queryCities,
  runAction,
  type ActionView,
  type City,
  type ScopedTokenResult,
} from '@carto-auth/sample-kit';
import type { CartoAuthClient } from '@carto-auth/svelte';

/**
 * The data demo's state, as runes: SQL through the signed-in client (table + map), and a scoped API
 * access token used by a second client. One action at a time; a failure is shown with its code.
 */
export class DataDemo {
  busy = $state(false);
  failure = $state<string>();
  cities = $state.raw<City[]>();
  apiAccess = $state.raw<ScopedTokenResult>();

  constructor(
    private readonly client: CartoAuthClient,
    /** The page's origin: the referer the scoped token is restricted to. */
    private readonly origin: string,
  ) {}

  runQuery = () =>
    this.attempt(async () => {
      this.cities = await queryCities(this.client);
    });

  createToken = () =>
    this.attempt(async () => {
      this.apiAccess = await createScopedToken(this.client, this.origin);
    });

  private readonly view: ActionView = {
    busy: (running) => (this.busy = running),
    failed: (message) => (this.failure = message),
  };

  private attempt(work: () => Promise<void>): Promise<void> {
    return runAction(this.view, work);
  }
}
