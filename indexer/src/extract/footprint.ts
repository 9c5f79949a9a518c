// The WGS84 footprint of a box given in any EPSG CRS: its edges densified before
// reprojection (straight lines in a projection are curves in longitude/latitude),
// a pole inside the box widening it to every longitude, and a box that crosses
// the antimeridian kept as west > east with a geometry split at ±180, as STAC
// and the catalog index expect.
import type { Geometry } from 'geojson';
import { bboxToPolygon, type Bbox2D } from '@meridian/core/geo/bbox';
import { wgs84Transform } from './epsg-registry.ts';

export interface Footprint {
  bbox: Bbox2D;
  geometry: Geometry;
}

/** Points per edge: enough that a UTM tile's curved edges stay within metres of the truth. */
const EDGE_POINTS = 50;

function ring([minX, minY, maxX, maxY]: Bbox2D, n: number): [number, number][] {
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) points.push([minX + ((maxX - minX) * i) / n, minY]);
  for (let i = 0; i < n; i++) points.push([maxX, minY + ((maxY - minY) * i) / n]);
  for (let i = 0; i < n; i++) points.push([maxX - ((maxX - minX) * i) / n, maxY]);
  for (let i = 0; i < n; i++) points.push([minX, maxY - ((maxY - minY) * i) / n]);
  return points;
}

const inside = ([x, y]: [number, number], [minX, minY, maxX, maxY]: Bbox2D) => Number.isFinite(x) && Number.isFinite(y) && x >= minX && x <= maxX && y >= minY && y <= maxY;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** Box of longitude/latitude points in ring order; west > east when the ring crosses the antimeridian. */
export function lonLatBox(points: [number, number][], pole: { north: boolean; south: boolean } = { north: false, south: false }): Bbox2D | undefined {
  const finite = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (finite.length === 0) return undefined;
  const lats = finite.map(([, y]) => clamp(y, -90, 90));
  const south = pole.south ? -90 : Math.min(...lats);
  const north = pole.north ? 90 : Math.max(...lats);
  if (pole.north || pole.south) return [-180, south, 180, north];
  const lons = finite.map(([x]) => x);
  if (Math.max(...lons) - Math.min(...lons) >= 360) return [-180, south, 180, north];
  // Longitudes wrap at ±180, so the same points give two boxes: one in -180..180 and
  // one in 0..360 (crossing the antimeridian). The narrower is the footprint.
  const wrapped = lons.map((x) => ((x % 360) + 360) % 360);
  const plain: [number, number] = [Math.min(...lons.map((x) => (x > 180 ? x - 360 : x))), Math.max(...lons.map((x) => (x > 180 ? x - 360 : x)))];
  const crossing: [number, number] = [Math.min(...wrapped), Math.max(...wrapped)];
  if (plain[1] - plain[0] <= crossing[1] - crossing[0]) return [plain[0], south, plain[1], north];
  if (crossing[1] - crossing[0] >= 359.999) return [-180, south, 180, north];
  const west = crossing[0] > 180 ? crossing[0] - 360 : crossing[0];
  const east = crossing[1] > 180 ? crossing[1] - 360 : crossing[1];
  return [west, south, east, north];
}

/** undefined when the code is not in the EPSG registry or the box does not reproject. */
export async function wgs84Footprint(box: Bbox2D, epsg: number): Promise<Footprint | undefined> {
  const transform = await wgs84Transform(epsg);
  if (!transform) return undefined;
  const safe = (xy: [number, number]): [number, number] => {
    try {
      return transform.forward(xy);
    } catch {
      return [NaN, NaN];
    }
  };
  const poleInside = (lat: number) => {
    try {
      return inside(transform.inverse([0, lat]), box);
    } catch {
      return false;
    }
  };
  const bbox = lonLatBox(ring(box, EDGE_POINTS).map(safe), { north: poleInside(90), south: poleInside(-90) });
  if (!bbox) return undefined;
  const rounded = bbox.map((v) => Math.round(v * 1e7) / 1e7) as Bbox2D;
  return { bbox: rounded, geometry: bboxToPolygon(rounded) };
}
