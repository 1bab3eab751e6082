/**
 * Ports: everything the core needs from its host. The machines never see these; the runtime in
 * `client.ts` runs effects through them, so the same core works in a browser, on Node and in tests.
 */

/** An opaque handle returned by {@link ClockPort.setTimer}. */
export type TimerHandle = unknown;

/** Time and timers. Tests pass a manual clock; see {@link memoryPorts}. */
export interface ClockPort {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Calls `callback` once after `delayMs`. Delays above ~24.8 days are the runtime's concern (case-12). */
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Synchronous key-value storage (Web Storage shape). */
export interface StoragePort {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** The page's location, redirects and the hidden-frame silent authorize used for `prompt=none`. */
export interface NavigationPort {
  /** The current page URL, read once by `start()` to find a login callback. */
  currentUrl(): string;
  /** Leaves the page for `url` (authorize, logout, sign-up). */
  redirect(url: string): void;
  /** Rewrites the address bar without a reload, to drop consumed callback parameters. */
  replaceUrl(url: string): void;
  /**
   * Runs `authorizeUrl` (a `prompt=none` request) where the user cannot see it and resolves with the
   * authorization response as a callback URL (`redirectUri?code=…&state=…` or `?error=…`), which the
   * core then validates (`state` included). How is the port's choice: the browser's adds
   * `response_mode=web_message` and builds that URL from the message the server's page posts, since
   * the app loaded in a frame on the real callback would rewrite it first. Absent where impossible.
   * `signal` ends it (the client's request time-out, a logout, a new login, `stop()`): it then rejects
   * with `signal.reason` and leaves nothing loading.
   */
  silentAuthorize?(authorizeUrl: string, redirectUri: string, signal: AbortSignal): Promise<string>;
  /**
   * Calls `listener` when the page is shown again from the back/forward cache (Back from the login
   * page after a redirect: the page's script state is the one it left with). Returns the unsubscribe.
   */
  onRestore?(listener: () => void): () => void;
}

/** Same-origin messages between tabs (logout in one tab signs out the others). */
export interface BroadcastPort {
  post(message: string): void;
  subscribe(listener: (message: string) => void): () => void;
}

/**
 * A short text the holders of one lock pass on to each other, read and written only while holding it.
 * It must be consistent across tabs (IndexedDB in browsers): localStorage is not, a write can reach
 * another tab after that tab already holds the lock.
 */
export interface LockNote {
  read(): Promise<string | null>;
  /** `null` deletes the note. */
  write(value: string | null): Promise<void>;
}

/**
 * Mutual exclusion across the tabs of one origin (the Web Locks API in browsers), with a note for the
 * next holder. Tabs that share stored tokens redeem their shared, rotating refresh token under it and
 * leave the answer in the note, so that token is never used twice (case-02).
 */
export interface LockPort {
  /**
   * Runs `task` once no other holder has the lock called `name`, and releases it when `task` settles.
   * Rejects with `signal.reason` when `signal` aborts before the lock is granted.
   */
  run<T>(name: string, signal: AbortSignal, task: (note: LockNote) => Promise<T>): Promise<T>;
}

/** Everything the runtime may touch, injected into `createCartoAuth({ ports })`. */
export interface Ports {
  fetch: typeof fetch;
  clock: ClockPort;
  navigation: NavigationPort;
  /** Per-tab storage for the pending login (verifier + state must survive the redirect). */
  transientStorage: StoragePort;
  /** Storage for `persistentStorage('session')`. */
  sessionStore: StoragePort;
  /** Storage for `persistentStorage('local')`. */
  localStore: StoragePort;
  broadcast?: BroadcastPort | undefined;
  /** Cross-tab lock for `persistentStorage('local')`; without one, the browser's Web Locks where they exist. */
  lock?: LockPort | undefined;
  /** 32 bytes from a CSPRNG, base64url-encoded: PKCE verifiers and `state` values. */
  random(): string;
}
