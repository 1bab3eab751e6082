import { readSettings, spaOptionsFor } from '@carto-auth/sample-kit';
import '@carto-auth/sample-kit/sample.css';
import { createCartoAuthPlugin, spa } from '@carto-auth/vue';
import { createApp } from 'vue';
import App from './App.vue';
import { createSampleRouter } from './router';
import { provideTransitionLog } from './transition-log';

const settings = readSettings();
const auth = createCartoAuthPlugin({
  strategy: spa(spaOptionsFor(settings, window.location.origin)),
  apiBaseUrl: settings.apiBaseUrl,
});

const app = createApp(App);
app.provide('settings', settings);
// Attached before the plugin starts the client, so the start-up transitions are logged too.
provideTransitionLog(app, auth.client);
// The plugin starts the client; the router reads the URL only once the callback is complete and the
// address bar clean (its first navigation would otherwise write the callback URL back).
app.use(auth);
void auth.ready.then(() => app.use(createSampleRouter()).mount('#app'));
