import { readSettings } from '@carto-auth/sample-kit';
import '@carto-auth/sample-kit/sample.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { createSample, sampleContext } from './sample';

const sample = createSample(readSettings(), window.location.origin);
// Once, at start-up: restores the session and, on /callback, completes the login. Failures land in the
// snapshot; the promise rejects only if the client is stopped meanwhile.
sample.auth.start().catch(() => undefined);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no <div id="app">.');
target.textContent = '';
mount(App, { target, context: sampleContext(sample) });
