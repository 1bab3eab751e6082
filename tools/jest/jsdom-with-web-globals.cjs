/**
 * jsdom lacks several web globals that Node 20 has (TOOLCHAIN pitfall 3). Copy Node's in so
 * browser-like tests can load oauth4webapi; `crypto.getRandomValues` results are copied into the
 * jsdom realm so `instanceof Uint8Array` checks hold there.
 */
const { TestEnvironment } = require('jest-environment-jsdom');
const { TextEncoder, TextDecoder } = require('node:util');

class JsdomWithWebGlobals extends TestEnvironment {
  async setup() {
    await super.setup();
    const g = this.global;
    Object.assign(g, {
      TextEncoder,
      TextDecoder,
      fetch,
      Request,
      Response,
      Headers,
      AbortController,
      AbortSignal,
      structuredClone,
    });
    const subtle = globalThis.crypto.subtle;
    g.crypto = {
      subtle,
      randomUUID: () => globalThis.crypto.randomUUID(),
      getRandomValues: (array) => {
        const bytes = globalThis.crypto.getRandomValues(new Uint8Array(array.length));
        array.set(bytes);
        return array;
      },
    };
  }
}

module.exports = JsdomWithWebGlobals;
