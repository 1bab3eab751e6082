import type {
  AuthSnapshot,
  CartoAuthClient,
  CartoUser,
  GetAccessTokenOptions,
  LoginOptions,
  LogoutOptions,
} from '@carto-auth/core';
import { computed, hasInjectionContext, inject, type ComputedRef, type ShallowRef } from 'vue';
import { CARTO_AUTH, misuse, pluginMissing } from './plugin';

/** What {@link useCartoAuth} returns: read-only refs of the client's state, and its actions. */
export interface UseCartoAuth {
  snapshot: Readonly<ShallowRef<AuthSnapshot>>;
  isAuthenticated: ComputedRef<boolean>;
  user: ComputedRef<CartoUser | undefined>;
  login(options?: LoginOptions): Promise<void>;
  logout(options?: LogoutOptions): void;
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>;
  client: CartoAuthClient;
}

/**
 * The auth state of the app's client inside a component. Throws a `TypeError` with code
 * `invalid_config` that names the fix when called outside `setup()` or without the plugin (case-22).
 * @example
 * const { isAuthenticated, user, login, logout } = useCartoAuth();
 */
export function useCartoAuth(): UseCartoAuth {
  if (!hasInjectionContext())
    throw misuse(
      'useCartoAuth() must be called inside setup() (or app.runWithContext()), not later or outside',
    );
  const context = inject(CARTO_AUTH, null);
  if (!context) throw pluginMissing('useCartoAuth()');
  const { client, snapshot } = context;
  return {
    snapshot,
    isAuthenticated: computed(() => snapshot.value.status === 'authenticated'),
    user: computed(() => snapshot.value.user),
    login: (options) => client.login(options),
    logout: (options) => client.logout(options),
    getAccessToken: (options) => client.getAccessToken(options),
    client,
  };
}
