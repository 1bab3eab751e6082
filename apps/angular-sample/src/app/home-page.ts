import { Component } from '@angular/core';
import { DataDemo } from './data-demo';

/** The public home page: everything the demo does, the data part once signed in. */
@Component({
  selector: 'app-home-page',
  imports: [DataDemo],
  template: `
    <p>
      This app signs in to CARTO with Authorization Code + PKCE (<code>&#64;carto-auth/angular</code>),
      queries the
      <code>carto_dw</code> connection, and mints a scoped API access token.
    </p>
    <app-data-demo />
  `,
})
export class HomePage {}
