/** @carto-auth/core/node: ports for Node servers. Kept out of the main entry so browser bundles never see it. */
export { nodePorts } from './ports/ports.node';
