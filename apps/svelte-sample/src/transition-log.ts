import { TRANSITION_LOG_LENGTH, transitionLine } from '@carto-auth/sample-kit';
import type { CartoAuthClient } from '@carto-auth/svelte';
import { writable, type Readable } from 'svelte/store';

/**
 * The latest transitions of the client (`event → status`), from its devtools hook `inspect`. Attach it
 * before `start()`, so start-up and the login callback are logged too.
 */
export function createTransitionLog(client: CartoAuthClient): Readable<string[]> {
  const lines = writable<string[]>([]);
  client.inspect((_previous, event, next) =>
    lines.update((kept) => [...kept, transitionLine(event.type, next.status)].slice(-TRANSITION_LOG_LENGTH)),
  );
  return { subscribe: lines.subscribe };
}
