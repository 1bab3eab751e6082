/**
 * jsdom has no fetch, Request or Response (TOOLCHAIN pitfall 3); the core's token requests use them.
 * This environment lends Node's to the test realm, only where jsdom has none.
 */
const JsdomEnvironment = require('jest-preset-angular/environments/jest-jsdom-env').default;

module.exports = class extends JsdomEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['fetch', 'Request', 'Response', 'FormData', 'Blob']) {
      if (this.global[name] === undefined) this.global[name] = globalThis[name];
    }
  }
};
