/** The HTTP client of the emulator's `/__admin/*` API. */
import type { EmulatorAdmin, FaultSpec, RequestLogEntry } from '../admin-types';

/**
 * Creates an admin client for an emulator server (either one: they share the admin state).
 *
 * @param baseUrl - the emulator's `authUrl` or `apiUrl`.
 * @example
 * ```ts
 * const admin = createAdminClient(emulator.authUrl);
 * await admin.fault({ path: '/oauth/token', status: 503 });
 * ```
 */
export function createAdminClient(baseUrl: string): EmulatorAdmin {
  const base = baseUrl.replace(/\/+$/, '');
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${base}/__admin/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(
        `Emulator admin ${method} /__admin/${path} answered ${response.status}: ${await response.text()}`,
      );
    }
    return response;
  }
  return {
    async fault(fault: FaultSpec) {
      await call('POST', 'faults', fault);
    },
    async setClockOffset(seconds: number) {
      await call('POST', 'clock', { offsetSeconds: seconds });
    },
    async reset() {
      await call('POST', 'reset');
    },
    async requests() {
      return (await (await call('GET', 'requests')).json()) as RequestLogEntry[];
    },
    async clearRequests() {
      await call('DELETE', 'requests');
    },
  };
}
