// The STAC aggregation extension's `centroid_geotile_grid_frequency` buckets are
// web-map tiles keyed `zoom/x/y` with a count of matches; the map draws them as a
// heatmap of the tiles' centres. Tile arithmetic is the standard slippy-map
// formula, a few lines.
import type { Feature, FeatureCollection, Point } from 'geojson';

/** West, south, east, north of tile `zoom/x/y`. */
export function tileBounds(zoom: number, x: number, y: number): [number, number, number, number] {
  const n = 2 ** zoom;
  const lon = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

/** Each cell as a point at its centre, weighted by its count: what the map's heatmap draws. */
export function densityPoints(buckets: { key: string; frequency: number }[]): FeatureCollection<Point, { count: number }> {
  const features: Feature<Point, { count: number }>[] = [];
  for (const { key, frequency } of buckets) {
    const [zoom, x, y] = key.split('/').map(Number);
    if (![zoom, x, y].every(Number.isInteger)) continue;
    const [w, s, e, n] = tileBounds(zoom, x, y);
    features.push({ type: 'Feature', properties: { count: frequency }, geometry: { type: 'Point', coordinates: [(w + e) / 2, (s + n) / 2] } });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * The grid precision for a map zoom: a little finer than the view's own tiles, so
 * that a screenful holds a few dozen cells (the API returns the hundred busiest).
 */
export const densityPrecision = (mapZoom: number) => Math.max(0, Math.min(14, Math.floor(mapZoom) + 2));
