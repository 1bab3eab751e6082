/**
 * jsdom lacks several web globals that Node 20 has (TOOLCHAIN pitfall 3). Copy Node's in so
 * browser-like tests can load oauth4webapi; random values and digests are created in the jsdom realm
 * so `instanceof Uint8Array` / `ArrayBuffer` checks hold there.
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
    // Digests come back as this test realm's ArrayBuffer, so oauth4webapi's `instanceof` checks hold.
    const digest = async (algorithm, data) => {
      const bytes = new Uint8Array(await subtle.digest(algorithm, data));
      const copy = new g.Uint8Array(bytes.length);
      copy.set(bytes);
      return copy.buffer;
    };
    // jsdom's `crypto` is an accessor without `subtle`: replace the property, do not assign to it.
    Object.defineProperty(g, 'crypto', {
      configurable: true,
      value: {
        subtle: { digest },
        randomUUID: () => globalThis.crypto.randomUUID(),
        getRandomValues: (array) => {
          const bytes = globalThis.crypto.getRandomValues(new Uint8Array(array.length));
          array.set(bytes);
          return array;
        },
      },
    });
  }
}

module.exports = JsdomWithWebGlobals;
