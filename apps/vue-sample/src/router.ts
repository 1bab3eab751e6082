import { createCartoAuthGuard } from '@carto-auth/vue';
import { createRouter, createWebHistory } from 'vue-router';
import CallbackPage from './pages/CallbackPage.vue';
import DataPage from './pages/DataPage.vue';
import HomePage from './pages/HomePage.vue';

/** Home, the redirect URI, and the demo behind the adapter's guard (a failed login goes home, never loops). */
export function createSampleRouter() {
  return createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/', component: HomePage },
      { path: '/callback', component: CallbackPage },
      { path: '/data', component: DataPage, beforeEnter: createCartoAuthGuard({ errorRoute: '/' }) },
      { path: '/:rest(.*)*', redirect: '/' },
    ],
  });
}
