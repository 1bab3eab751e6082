import type { City } from './demo';

/** The map's SVG `viewBox`: a plate carrée world, x = longitude, y = -latitude. */
export const MAP_VIEW_BOX = '-180 -90 360 180';
export const MERIDIANS = [-120, -60, 0, 60, 120];
export const PARALLELS = [-60, -30, 0, 30, 60];

/** A city placed on the map, its radius growing with the square root of its population. */
export interface MapPoint extends City {
  x: number;
  y: number;
  r: number;
}

/** One point per city, in the map's coordinates. */
export function mapPoints(cities: readonly City[]): MapPoint[] {
  const largest = Math.max(1, ...cities.map((city) => city.population));
  return cities.map((city) => ({
    ...city,
    x: city.lon,
    y: -city.lat,
    r: 1 + 3 * Math.sqrt(city.population / largest),
  }));
}
