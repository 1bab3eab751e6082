import { spaOptionsFor, type SampleSettings } from '@carto-auth/sample-kit';
import { createCartoAuth, createCartoAuthStores, spa, type CartoAuthStores } from '@carto-auth/svelte';
import { getContext } from 'svelte';
import type { Readable } from 'svelte/store';
import { createRouter, type Router } from './router';
import { createTransitionLog } from './transition-log';

/** Everything the sample's components share: one per page, handed down as Svelte context. */
export interface Sample {
  readonly settings: SampleSettings;
  readonly auth: CartoAuthStores;
  readonly log: Readable<string[]>;
  readonly router: Router;
}

/**
 * One SPA client for the page, its stores, the transition log (attached before anything starts the
 * client) and the router. The caller starts the client.
 */
export function createSample(settings: SampleSettings, origin: string): Sample {
  const client = createCartoAuth({
    strategy: spa(spaOptionsFor(settings, origin)),
    apiBaseUrl: settings.apiBaseUrl,
  });
  const log = createTransitionLog(client);
  return { settings, auth: createCartoAuthStores(client), log, router: createRouter() };
}

const SAMPLE = Symbol('sample');

/** The `context` to mount `App` with: `mount(App, { target, context: sampleContext(sample) })`. */
export const sampleContext = (sample: Sample) => new Map([[SAMPLE, sample]]);

/** The page's {@link Sample}, in any component of the app (during its initialisation). */
export function getSample(): Sample {
  const sample = getContext<Sample | undefined>(SAMPLE);
  if (!sample)
    throw new Error('getSample() found no sample: mount App with { context: sampleContext(sample) }.');
  return sample;
}
