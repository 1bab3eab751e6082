import {
  createScopedToken,
  describeFailure,
  queryCities,
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

  private async attempt(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.failure = undefined;
    try {
      await work();
    } catch (error) {
      this.failure = describeFailure(error);
    } finally {
      this.busy = false;
    }
  }
}

const grouped = new Intl.NumberFormat('en-US');
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Population with thousands separators. */
export const formatCount = (value: number) => grouped.format(value);
/** Latitude or longitude with two decimals. */
export const formatDegrees = (value: number) => twoDecimals.format(value);
