import type { Routes } from '@angular/router';
import { createCartoAuthGuard } from '@carto-auth/angular';
import { CallbackPage } from './callback-page';
import { DataPage } from './data-page';
import { HomePage } from './home-page';

export const routes: Routes = [
  { path: '', component: HomePage, title: 'carto-auth · Angular sample' },
  // The redirectUri: the adapter already completed the login at bootstrap; this page only goes on.
  { path: 'callback', component: CallbackPage },
  // A failed login (e.g. access_denied) sends the user home, where the error is shown; never a new login.
  {
    path: 'data',
    component: DataPage,
    canActivate: [createCartoAuthGuard({ errorRoute: '/' })],
    title: 'Data · carto-auth',
  },
  { path: '**', redirectTo: '' },
];
