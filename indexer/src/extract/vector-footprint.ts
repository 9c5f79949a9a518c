// The footprint of a vector file from the box its header gives in its own CRS.
import type { Bbox2D } from '@meridian/core/geo/bbox';
import { wgs84Footprint, type Footprint } from './footprint.ts';

const WGS84_CODES = new Set([4326, 4979, 4269, 4258]);

/** A box in the given EPSG CRS as a WGS84 footprint; undefined (with a reason) when it cannot be one. */
export async function vectorFootprint(box: ArrayLike<number> | undefined | null, epsg: number | undefined): Promise<Footprint | string> {
  if (!box || box.length < 4) return 'the header gives no bounding box';
  const values = Array.from(box);
  // 3D boxes are [minx, miny, minz, maxx, maxy, maxz].
  const [minX, minY, maxX, maxY] = values.length === 6 ? [values[0], values[1], values[3], values[4]] : values;
  if (![minX, minY, maxX, maxY].every(Number.isFinite) || minY > maxY) return `the header's bounding box ${JSON.stringify(values)} is not a box`;
  if (epsg === undefined) return 'the coordinate reference system is not an EPSG code, so the box cannot be placed on the globe';
  // A geographic box may cross the antimeridian (west > east): unwrap it past 180.
  if (WGS84_CODES.has(epsg) && minX > maxX) {
    return (await wgs84Footprint([minX, minY, maxX + 360, maxY], epsg)) ?? `EPSG:${epsg} does not reproject to WGS84`;
  }
  if (minX > maxX) return `the header's bounding box ${JSON.stringify(values)} is not a box`;
  return (await wgs84Footprint([minX, minY, maxX, maxY] as Bbox2D, epsg)) ?? `EPSG:${epsg} is not in the EPSG registry or does not reproject to WGS84`;
}
