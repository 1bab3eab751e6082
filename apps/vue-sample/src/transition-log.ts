import type { CartoAuthClient } from '@carto-auth/vue';
import { TRANSITION_LOG_LENGTH, transitionLine } from '@carto-auth/sample-kit';
import { inject, readonly, ref, type App, type InjectionKey, type Ref } from 'vue';

const TRANSITION_LOG: InjectionKey<Readonly<Ref<readonly string[]>>> = Symbol('transition-log');

/** Feeds the latest transitions of `client` (its devtools hook `inspect`) into a list the app can show. */
export function provideTransitionLog(app: App, client: CartoAuthClient): void {
  const lines = ref<string[]>([]);
  const stop = client.inspect((_previous, event, next) => {
    lines.value = [...lines.value, transitionLine(event.type, next.status)].slice(-TRANSITION_LOG_LENGTH);
  });
  app.onUnmount(stop);
  app.provide(TRANSITION_LOG, readonly(lines));
}

/** The transition lines, inside a component. */
export function useTransitionLog(): Readonly<Ref<readonly string[]>> {
  const lines = inject(TRANSITION_LOG);
  if (!lines) throw new Error('provideTransitionLog(app, client) was not called');
  return lines;
}
