/** Splits the emulator's request log into the phases of a login, for the round-trip counts. */
import type { EmulatorAdmin, RequestLogEntry } from '@carto-auth/emulator';

/** The requests the emulator saw during one phase, as `GET auth /authorize 303`. */
export interface RequestPhase {
  phase: string;
  /** `false` for the browser's own page loads (the login pages), `true` for what the app's code asked. */
  byApp: boolean;
  requests: string[];
}

/** Requests counted from a library's login click to its first SQL API response. */
export interface RoundTrips {
  library: string;
  /** How the library was set up, e.g. its discovery default. */
  setup: string;
  total: number;
  /** Requests the app's code (the library, then the API call) made; the rest are the browser's pages. */
  byApp: number;
  phases: RequestPhase[];
}

// Interaction ids change every run: `/u/login/ieaVq…` becomes `/u/login/:uid`, so runs compare.
const pathPattern = (path: string) => path.replace(/\/[\w-]{30,}/g, '/:uid');
const describe = (entry: RequestLogEntry) =>
  `${entry.method} ${entry.server} ${pathPattern(entry.path)} ${entry.status}`;

/**
 * Clears the log, then `end(phase)` files the requests seen since the previous mark under `phase`.
 * @example
 * const log = await requestPhases(emulator.admin);
 * await client.login();
 * await log.end('login()', true);
 */
export async function requestPhases(admin: EmulatorAdmin) {
  await admin.clearRequests();
  const phases: RequestPhase[] = [];
  let seen = 0;
  return {
    /** Files what arrived since the last mark; `byApp` is false for the browser's own page loads. */
    async end(phase: string, byApp: boolean): Promise<void> {
      const all = await admin.requests();
      phases.push({ phase, byApp, requests: all.slice(seen).map(describe) });
      seen = all.length;
    },
    result(library: string, setup: string): RoundTrips {
      const count = (list: typeof phases) => list.reduce((sum, p) => sum + p.requests.length, 0);
      return {
        library,
        setup,
        total: count(phases),
        byApp: count(phases.filter((p) => p.byApp)),
        phases,
      };
    },
  };
}
