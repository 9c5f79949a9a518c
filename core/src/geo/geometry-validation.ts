import type { Geometry } from 'geojson';
import { ValidationError } from '../errors.ts';

const TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

function position(value: unknown, where: string): void {
  if (!Array.isArray(value) || value.length < 2 || value.length > 4 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new ValidationError(`${where} must be a position: an array of 2 or 3 numbers`);
  }
  const [lon, lat] = value as number[];
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    throw new ValidationError(`${where} [${lon}, ${lat}] is outside longitude -180..180 / latitude -90..90`);
  }
}

function array(value: unknown, where: string, min: number): unknown[] {
  if (!Array.isArray(value) || value.length < min) throw new ValidationError(`${where} must be an array of at least ${min} element(s)`);
  return value;
}

function ring(value: unknown, where: string): void {
  const positions = array(value, where, 4);
  positions.forEach((p, i) => position(p, `${where}[${i}]`));
  const first = positions[0] as number[];
  const last = positions[positions.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) throw new ValidationError(`${where} is not closed: its first and last positions differ`);
}

/** Checks that a value is a GeoJSON geometry (RFC 7946) and returns it typed. */
export function assertGeometry(value: unknown, where = 'geometry', depth = 0): Geometry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(`${where} must be a GeoJSON geometry object`);
  const g = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (typeof g.type !== 'string' || !TYPES.has(g.type)) {
    throw new ValidationError(`${where}.type must be one of ${[...TYPES].join(', ')}`);
  }
  const c = g.coordinates;
  const at = `${where}.coordinates`;
  switch (g.type) {
    case 'Point': position(c, at); break;
    case 'MultiPoint': array(c, at, 1).forEach((p, i) => position(p, `${at}[${i}]`)); break;
    case 'LineString': array(c, at, 2).forEach((p, i) => position(p, `${at}[${i}]`)); break;
    case 'MultiLineString':
      array(c, at, 1).forEach((line, i) => array(line, `${at}[${i}]`, 2).forEach((p, j) => position(p, `${at}[${i}][${j}]`)));
      break;
    case 'Polygon': array(c, at, 1).forEach((r, i) => ring(r, `${at}[${i}]`)); break;
    case 'MultiPolygon':
      array(c, at, 1).forEach((poly, i) => array(poly, `${at}[${i}]`, 1).forEach((r, j) => ring(r, `${at}[${i}][${j}]`)));
      break;
    case 'GeometryCollection':
      if (depth > 8) throw new ValidationError(`${where} nests geometry collections too deeply`);
      array(g.geometries, `${where}.geometries`, 0).forEach((member, i) => assertGeometry(member, `${where}.geometries[${i}]`, depth + 1));
      break;
  }
  return value as Geometry;
}
