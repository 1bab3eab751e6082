import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { tokenAfterUnauthorized, type GetAccessTokenOptions } from '@carto-auth/core';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { CartoAuthService } from './carto-auth-service';

/**
 * Adds `Authorization: Bearer <token>` to requests whose URL the core allows (exact origin match,
 * case-08); every other request passes untouched. Without a token the request goes out without the
 * header, never with `Bearer undefined` (case-09). A header set by the caller is kept. A 401 to a
 * request that carried a token gets one renewal and one retry; a second 401 reaches the caller (case-16).
 * @example
 * provideHttpClient(withInterceptors([cartoAuthInterceptor]))
 */
export const cartoAuthInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(CartoAuthService);
  if (request.headers.has('Authorization') || !auth.client.isAllowedUrl(request.url)) return next(request);
  const send = (token: string | undefined) =>
    next(token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request);
  const getAccessToken = (options?: GetAccessTokenOptions) => auth.getAccessToken(options);
  return from(getAccessToken().catch(() => undefined)).pipe(
    switchMap((token) =>
      send(token).pipe(
        catchError((error: unknown) => {
          if (!token || !(error instanceof HttpErrorResponse) || error.status !== 401) throw error;
          // The core's decision (case-16); the same token again means the 401 stands.
          return from(tokenAfterUnauthorized(getAccessToken, token).catch(() => token)).pipe(
            switchMap((renewed) => (renewed === token ? throwError(() => error) : send(renewed))),
          );
        }),
      ),
    ),
  );
};
