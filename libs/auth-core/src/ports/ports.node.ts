import { minimalPorts } from './ports.minimal';
import type { Ports } from './types';

/**
 * Ports for Node servers and scripts (M2M backends, token factories): the real clock with timers that
 * never keep the process alive, global `fetch` (or yours), and in-memory storage private to this
 * process. Reach it through `@carto-auth/core/node`, so browser bundles never include it.
 * @example
 * const auth = createCartoAuth({ strategy: m2m({ clientId, clientSecret }), apiBaseUrl, ports: nodePorts() });
 */
export function nodePorts(options: { fetch?: typeof fetch } = {}): Ports {
  const ports = minimalPorts();
  if (options.fetch) ports.fetch = options.fetch;
  return ports;
}
