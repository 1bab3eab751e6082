import { Component } from '@angular/core';
import { DataDemo } from './data-demo';

/** The same demo behind `cartoAuthGuard`: opening /data signed out starts a login that returns here. */
@Component({
  selector: 'app-data-page',
  imports: [DataDemo],
  template: `
    <h2>Data (guarded route)</h2>
    <app-data-demo />
  `,
})
export class DataPage {}
