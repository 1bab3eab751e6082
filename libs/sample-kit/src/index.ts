/**
 * @carto-auth/sample-kit: what the Angular, Vue and Svelte samples share, so each sample holds only its
 * framework's code. Not published; the samples import it from source.
 */
export { readSettings, spaOptionsFor } from './settings';
export type { SampleSettings } from './settings';
export {
  CONNECTION,
  QUERY,
  queryCities,
  createScopedToken,
  describeFailure,
  runAction,
  formatCount,
  formatDegrees,
} from './demo';
export type { ActionView, City, ScopedTokenResult } from './demo';
export { MAP_VIEW_BOX, MERIDIANS, PARALLELS, mapPoints } from './map';
export type { MapPoint } from './map';
export { expiryText, TRANSITION_LOG_LENGTH, transitionLine } from './countdown';
