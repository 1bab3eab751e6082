import { InjectionToken } from '@angular/core';
import type { SampleSettings } from '@carto-auth/sample-kit';

/** The settings (CARTO_* variables via /env.js, see `readSettings` in sample-kit), for components that need them. */
export const SAMPLE_SETTINGS = new InjectionToken<SampleSettings>('SAMPLE_SETTINGS');
