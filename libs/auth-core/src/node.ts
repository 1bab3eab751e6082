/** @carto-auth/core/node: ports for Node servers. Kept out of the main entry so browser bundles never see it. */
// `.js`: a bare `ports.node` would be taken for a native `.node` addon by Node-style resolvers.
export { nodePorts } from './ports/ports.node.js';
