// SQL functions the CQL2 translation and the aggregations call; they run inside
// the query, so filters and counts stay in the engine.
import type { DatabaseSync } from 'node:sqlite';
import type { Geometry } from 'geojson';
import { relate, toJsts, SPATIAL_OPERATORS, type SpatialOperator } from '../../geo/spatial-relations.ts';
import { parseRfc3339, parseDate } from '../../stac/datetime.ts';
import { casefold, unaccent } from './cql2-to-sql.ts';
import { quickIntersects, simpleRings } from './quick-intersects.ts';

interface ParsedGeometry {
  geometry: Geometry;
  /** Outer rings when the quick intersection test applies (undefined: it does not). */
  rings: ReturnType<typeof simpleRings> | null;
  jsts?: ReturnType<typeof toJsts>;
}

/**
 * One argument of a spatial predicate is usually a literal repeated on every row
 * of a query: each argument position remembers its last parsed geometry.
 */
function memoParser(): (text: string) => ParsedGeometry {
  let lastText = '';
  let last: ParsedGeometry | undefined;
  return (text) => {
    if (text !== lastText || !last) {
      last = { geometry: JSON.parse(text) as Geometry, rings: null };
      lastText = text;
    }
    return last;
  };
}

const jstsOf = (parsed: ParsedGeometry) => (parsed.jsts ??= toJsts(parsed.geometry));
const ringsOf = (parsed: ParsedGeometry) => (parsed.rings === null ? (parsed.rings = simpleRings(parsed.geometry)) : parsed.rings);

export function geotileKey(lon: number, lat: number, zoom: number): string {
  const n = 2 ** zoom;
  const clampedLat = Math.max(-85.0511287798, Math.min(85.0511287798, lat));
  const x = Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
  const rad = (clampedLat * Math.PI) / 180;
  const y = Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)));
  return `${zoom}/${x}/${y}`;
}

export function registerFunctions(db: DatabaseSync): void {
  const operators = new Set<string>(SPATIAL_OPERATORS);
  const first = memoParser();
  const second = memoParser();
  db.function('meridian_relate', { deterministic: true }, (op, a, b) => {
    if (typeof a !== 'string' || typeof b !== 'string' || typeof op !== 'string' || !operators.has(op)) return null;
    const left = first(a);
    const right = second(b);
    if (op === 's_intersects' || op === 's_disjoint') {
      // Clear cases among polygons are decided without JSTS (see quick-intersects.ts).
      const ra = ringsOf(left);
      const rb = ra && ringsOf(right);
      const quick = ra && rb ? quickIntersects(ra, rb) : undefined;
      if (quick !== undefined) return quick === (op === 's_intersects') ? 1 : 0;
    }
    return relate(op as SpatialOperator, jstsOf(left), jstsOf(right)) ? 1 : 0;
  });
  db.function('meridian_ms', { deterministic: true }, (value) => {
    if (typeof value !== 'string') return typeof value === 'number' ? value : null;
    return parseRfc3339(value) ?? parseDate(value) ?? null;
  });
  db.function('meridian_casei', { deterministic: true }, (value) => casefold(value) as string | number | null);
  db.function('meridian_accenti', { deterministic: true }, (value) => unaccent(value) as string | number | null);
  db.function('meridian_geotile', { deterministic: true }, (lon, lat, zoom) =>
    typeof lon === 'number' && typeof lat === 'number' && typeof zoom === 'number' ? geotileKey(lon, lat, zoom) : null);
}
