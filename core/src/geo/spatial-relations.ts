// Exact spatial predicates (DE-9IM) through JSTS, the JavaScript port of the JTS
// topology suite that PostGIS's GEOS also derives from. Coordinates are treated as
// planar lon/lat, as OGC API Features and STAC API implementations do.
import type { Geometry } from 'geojson';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import 'jsts/org/locationtech/jts/monkey.js';

export const SPATIAL_OPERATORS = ['s_intersects', 's_equals', 's_disjoint', 's_touches', 's_within', 's_overlaps', 's_crosses', 's_contains'] as const;
export type SpatialOperator = (typeof SPATIAL_OPERATORS)[number];

interface JstsGeometry {
  intersects(other: JstsGeometry): boolean;
  equalsTopo(other: JstsGeometry): boolean;
  disjoint(other: JstsGeometry): boolean;
  touches(other: JstsGeometry): boolean;
  within(other: JstsGeometry): boolean;
  overlaps(other: JstsGeometry): boolean;
  crosses(other: JstsGeometry): boolean;
  contains(other: JstsGeometry): boolean;
}

const reader = new GeoJSONReader(new GeometryFactory());

export function toJsts(geometry: Geometry): JstsGeometry {
  return reader.read(geometry) as unknown as JstsGeometry;
}

export function relate(op: SpatialOperator, a: JstsGeometry, b: JstsGeometry): boolean {
  switch (op) {
    case 's_intersects': return a.intersects(b);
    case 's_equals': return a.equalsTopo(b);
    case 's_disjoint': return a.disjoint(b);
    case 's_touches': return a.touches(b);
    case 's_within': return a.within(b);
    case 's_overlaps': return a.overlaps(b);
    case 's_crosses': return a.crosses(b);
    case 's_contains': return a.contains(b);
  }
}
