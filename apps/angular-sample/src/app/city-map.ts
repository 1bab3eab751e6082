import { Component, computed, input } from '@angular/core';
import { MAP_VIEW_BOX, MERIDIANS, mapPoints, PARALLELS, type City } from '@carto-auth/sample-kit';

/** Cities as points on a plate carrée world (x = lon, y = -lat), sized by population; one circle per row. */
@Component({
  selector: 'app-city-map',
  template: `
    <svg data-testid="query-map" [attr.viewBox]="viewBox" role="img" aria-label="Map of the queried cities">
      <rect class="sea" x="-180" y="-90" width="360" height="180" />
      @for (x of meridians; track x) {
        <line class="graticule" [attr.x1]="x" y1="-90" [attr.x2]="x" y2="90" />
      }
      @for (y of parallels; track y) {
        <line class="graticule" x1="-180" [attr.y1]="y" x2="180" [attr.y2]="y" />
      }
      @for (point of points(); track $index) {
        <circle class="city" [attr.cx]="point.x" [attr.cy]="point.y" [attr.r]="point.r">
          <title>{{ point.name }}, {{ point.country }}</title>
        </circle>
      }
    </svg>
  `,
})
export class CityMap {
  readonly cities = input.required<City[]>();
  protected readonly viewBox = MAP_VIEW_BOX;
  protected readonly meridians = MERIDIANS;
  protected readonly parallels = PARALLELS;
  protected readonly points = computed(() => mapPoints(this.cities()));
}
