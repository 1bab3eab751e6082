import type { HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { from, switchMap } from 'rxjs';
import { CartoAuthService } from './carto-auth-service';

/**
 * Adds `Authorization: Bearer <token>` to requests whose URL the core allows (exact origin match,
 * case-08); every other request passes untouched. Without a token the request goes out without the
 * header, never with `Bearer undefined` (case-09). A header set by the caller is kept.
 * @example
 * provideHttpClient(withInterceptors([cartoAuthInterceptor]))
 */
export const cartoAuthInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(CartoAuthService);
  if (request.headers.has('Authorization') || !auth.client.isAllowedUrl(request.url)) return next(request);
  return from(auth.getAccessToken().catch(() => undefined)).pipe(
    switchMap((token) =>
      next(token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request),
    ),
  );
};
