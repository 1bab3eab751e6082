import { HttpErrorResponse, type HttpInterceptorFn, type HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
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
  const send = (token: string | undefined) => next(withBearer(request, token));
  return from(auth.getAccessToken().catch(() => undefined)).pipe(
    switchMap((token) =>
      send(token).pipe(
        catchError((error: unknown) => {
          if (!token || !(error instanceof HttpErrorResponse) || error.status !== 401) throw error;
          // As the core's fetch(): another request may have renewed already; else force one renewal.
          const renewed = auth
            .getAccessToken()
            .then((fresh) => (fresh === token ? auth.getAccessToken({ forceRenew: true }) : fresh))
            .catch(() => token);
          return from(renewed).pipe(
            switchMap((fresh) => (fresh === token ? throwError(() => error) : send(fresh))),
          );
        }),
      ),
    ),
  );
};

function withBearer<T>(request: HttpRequest<T>, token: string | undefined): HttpRequest<T> {
  return token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request;
}
