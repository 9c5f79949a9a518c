import type { Geometry, Position } from 'geojson';
import { ValidationError } from '../errors.ts';

/** [west, south, east, north]; west > east means the box crosses the antimeridian. */
export type Bbox2D = [number, number, number, number];

/**
 * Checks a bbox given as 4 (2D) or 6 (3D) numbers and returns its 2D part.
 * Elevation is accepted but not searched: footprints are 2D.
 */
export function parseBbox(value: unknown, name = 'bbox'): Bbox2D {
  let numbers: unknown[];
  if (typeof value === 'string') {
    numbers = value.split(',').map((part) => (/^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(part) ? Number(part) : NaN));
  } else if (Array.isArray(value)) {
    numbers = value;
  } else {
    throw new ValidationError(`${name} must be 4 or 6 comma-separated numbers: west,south,east,north`);
  }
  if (numbers.length !== 4 && numbers.length !== 6) {
    throw new ValidationError(`${name} must have 4 or 6 numbers (west,south[,minz],east,north[,maxz]), got ${numbers.length}`);
  }
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new ValidationError(`${name} must contain only numbers`);
  }
  const n = numbers as number[];
  const [west, south, east, north] = n.length === 4 ? n : [n[0], n[1], n[3], n[4]];
  if (n.length === 6 && n[2] > n[5]) throw new ValidationError(`${name} minimum elevation ${n[2]} is above its maximum ${n[5]}`);
  if (west < -180 || west > 180 || east < -180 || east > 180) {
    throw new ValidationError(`${name} longitudes must be between -180 and 180`);
  }
  if (south < -90 || south > 90 || north < -90 || north > 90) {
    throw new ValidationError(`${name} latitudes must be between -90 and 90`);
  }
  if (south > north) throw new ValidationError(`${name} south (${south}) is greater than north (${north})`);
  return [west, south, east, north];
}

/** Splits a box crossing the antimeridian into the two boxes on either side of it. */
export function splitAtAntimeridian(box: Bbox2D): Bbox2D[] {
  const [west, south, east, north] = box;
  return west <= east ? [box] : [[west, south, 180, north], [-180, south, east, north]];
}

export function bboxToPolygon(box: Bbox2D): Geometry {
  const parts = splitAtAntimeridian(box).map(([w, s, e, n]) => [[[w, s], [e, s], [e, n], [w, n], [w, s]]]);
  return parts.length === 1 ? { type: 'Polygon', coordinates: parts[0] } : { type: 'MultiPolygon', coordinates: parts };
}

function eachPosition(geometry: Geometry, visit: (p: Position) => void): void {
  switch (geometry.type) {
    case 'Point': visit(geometry.coordinates); break;
    case 'MultiPoint': case 'LineString': geometry.coordinates.forEach(visit); break;
    case 'MultiLineString': case 'Polygon': geometry.coordinates.forEach((line) => line.forEach(visit)); break;
    case 'MultiPolygon': geometry.coordinates.forEach((poly) => poly.forEach((ring) => ring.forEach(visit))); break;
    case 'GeometryCollection': geometry.geometries.forEach((g) => eachPosition(g, visit)); break;
  }
}

/** The planar envelope of a geometry, or undefined for an empty one. */
export function geometryBbox(geometry: Geometry): Bbox2D | undefined {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  eachPosition(geometry, ([x, y]) => {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  });
  return w === Infinity ? undefined : [w, s, e, n];
}

/** The 2D part of a STAC/GeoJSON `bbox` member (4 or 6 numbers), or undefined when malformed. */
export function bboxMember(bbox: unknown): Bbox2D | undefined {
  if (!Array.isArray(bbox) || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  if (bbox.length === 4) return bbox as Bbox2D;
  if (bbox.length === 6) return [bbox[0], bbox[1], bbox[3], bbox[4]];
  return undefined;
}
