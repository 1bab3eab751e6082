import {
  HttpErrorResponse,
  HttpResponse,
  type HttpEvent,
  type HttpInterceptorFn,
} from '@angular/common/http';
import { inject } from '@angular/core';
import { tokenAfterUnauthorized, type CartoAuthClient, type GetAccessTokenOptions } from '@carto-auth/core';
import { catchError, from, switchMap, tap, throwError } from 'rxjs';
import type { CartoAuthService } from './carto-auth-service';
import { PROVIDED_SERVICE } from './provide-carto-auth';

/**
 * Adds `Authorization: Bearer <token>` to requests whose URL the core allows (exact origin match,
 * case-08); every other request passes untouched. Without a token the request goes out without the
 * header, never with `Bearer undefined` (case-09). A header set by the caller is kept. A 401 to a
 * request that carried a token gets one renewal and one retry; a second 401 reaches the caller (case-16).
 *
 * It uses the client of the injector that provides `HttpClient`: a lazy route with a client of its own
 * needs its own `provideHttpClient(withInterceptors([cartoAuthInterceptor]))` too. Where that injector
 * has no client at all, requests pass untouched (a dev-mode warning says so once).
 * @example
 * provideHttpClient(withInterceptors([cartoAuthInterceptor]))
 */
export const cartoAuthInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = providedService();
  if (!auth || request.headers.has('Authorization') || !auth.client.isAllowedUrl(request.url))
    return next(request);
  const send = (token: string | undefined) =>
    next(token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request);
  const getAccessToken = (options?: GetAccessTokenOptions) => auth.getAccessToken(options);
  const isUnauthorized = (error: unknown) => error instanceof HttpErrorResponse && error.status === 401;
  // Any answer but a 401: the API takes this client's tokens again (as in the core's fetch()).
  const accepted = tap({
    next: (event: HttpEvent<unknown>) =>
      event instanceof HttpResponse && refusedAfterRenewal.delete(auth.client),
    error: (error: unknown) => isUnauthorized(error) || refusedAfterRenewal.delete(auth.client),
  });
  return from(getAccessToken().catch(() => undefined)).pipe(
    switchMap((token) =>
      send(token).pipe(
        accepted,
        catchError((error: unknown) => {
          // While a token refused right after a renewal made it has not been accepted since, its 401s
          // get no renewal, as in the core's fetch(): renewing on each would flood the token endpoint.
          if (!token || !isUnauthorized(error) || refusedAfterRenewal.get(auth.client) === token) throw error;
          // The core's decision (case-16); the same token again means the 401 stands.
          return from(tokenAfterUnauthorized(getAccessToken, token).catch(() => token)).pipe(
            switchMap((renewed) =>
              renewed === token
                ? throwError(() => error)
                : send(renewed).pipe(
                    catchError((retryError: unknown) => {
                      if (isUnauthorized(retryError)) refusedAfterRenewal.set(auth.client, renewed);
                      throw retryError;
                    }),
                  ),
            ),
          );
        }),
      ),
    ),
  );
};

/** Per client, the token an API still refused after a renewal made it (no renewal on every request). */
const refusedAfterRenewal = new WeakMap<CartoAuthClient, string>();

let warnedMissing = false;

/** The injector's service, or `undefined` (with one dev-mode warning) when no `provideCartoAuth` is above it. */
function providedService(): CartoAuthService | undefined {
  const service = inject(PROVIDED_SERVICE, { optional: true }) ?? undefined;
  if (!service && (typeof ngDevMode === 'undefined' || ngDevMode) && !warnedMissing) {
    warnedMissing = true;
    console.warn(
      'cartoAuthInterceptor: no provideCartoAuth() where HttpClient is provided; requests pass without a token.',
    );
  }
  return service;
}

declare const ngDevMode: boolean | undefined;
