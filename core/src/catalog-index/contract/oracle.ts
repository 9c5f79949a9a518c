// Brute-force answers for the catalog index contract: plain JavaScript over the
// in-memory items, written independently of any backend, so that a search result
// can be compared with what it should have been.
//
// Geometry is planar lon/lat, as OGC API Features and every STAC API treat it.
import type { Geometry, Position } from 'geojson';
import type { FreeText } from '../../stac/search/free-text.ts';
import type { StacCollection, StacItem } from '../../stac/stac-types.ts';

// ------------------------------------------------------------------ geometry

type Pt = [number, number];
type Seg = [Pt, Pt];
type Ring = Pt[];

interface Parts {
  points: Pt[];
  segments: Seg[];
  /** Each polygon as its rings (outer first, then holes). */
  polygons: Ring[][];
}

const pt = (p: Position): Pt => [p[0], p[1]];

function ringSegments(ring: Ring): Seg[] {
  const out: Seg[] = [];
  for (let i = 0; i + 1 < ring.length; i++) out.push([ring[i], ring[i + 1]]);
  return out;
}

function decompose(geometry: Geometry, into: Parts = { points: [], segments: [], polygons: [] }): Parts {
  switch (geometry.type) {
    case 'Point': into.points.push(pt(geometry.coordinates)); break;
    case 'MultiPoint': geometry.coordinates.forEach((p) => into.points.push(pt(p))); break;
    case 'LineString': {
      const line = geometry.coordinates.map(pt);
      into.points.push(...line);
      into.segments.push(...ringSegments(line));
      break;
    }
    case 'MultiLineString':
      for (const l of geometry.coordinates) decompose({ type: 'LineString', coordinates: l }, into);
      break;
    case 'Polygon': {
      const rings = geometry.coordinates.map((r) => r.map(pt));
      into.polygons.push(rings);
      for (const r of rings) {
        into.points.push(...r);
        into.segments.push(...ringSegments(r));
      }
      break;
    }
    case 'MultiPolygon':
      for (const p of geometry.coordinates) decompose({ type: 'Polygon', coordinates: p }, into);
      break;
    case 'GeometryCollection':
      for (const g of geometry.geometries) decompose(g, into);
      break;
  }
  return into;
}

function orientation(a: Pt, b: Pt, c: Pt): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(p: Pt, [a, b]: Seg): boolean {
  return orientation(a, b, p) === 0
    && Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0])
    && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

function segmentsIntersect(s: Seg, t: Seg): boolean {
  const [a, b] = s;
  const [c, d] = t;
  const o1 = orientation(a, b, c), o2 = orientation(a, b, d), o3 = orientation(c, d, a), o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return onSegment(c, s) || onSegment(d, s) || onSegment(a, t) || onSegment(b, t);
}

/** Even-odd point in polygon over all rings (holes included); points on the boundary count as inside. */
function inPolygon(p: Pt, rings: Ring[]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      if (onSegment(p, [ring[j], ring[i]])) return true;
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > p[1]) !== (yj > p[1]) && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Whether two geometries share at least one point (the DE-9IM "intersects"). */
export function intersects(a: Geometry, b: Geometry): boolean {
  const A = decompose(a);
  const B = decompose(b);
  for (const p of A.points) {
    if (B.points.some((q) => q[0] === p[0] && q[1] === p[1])) return true;
    if (B.segments.some((s) => onSegment(p, s))) return true;
    if (B.polygons.some((poly) => inPolygon(p, poly))) return true;
  }
  for (const p of B.points) {
    if (A.segments.some((s) => onSegment(p, s))) return true;
    if (A.polygons.some((poly) => inPolygon(p, poly))) return true;
  }
  for (const s of A.segments) if (B.segments.some((t) => segmentsIntersect(s, t))) return true;
  return false;
}

/** A box as a polygon, split in two when it crosses the antimeridian (west > east). */
export function boxGeometry([w, s, e, n]: number[]): Geometry {
  const rect = (x0: number, x1: number): Position[][] => [[[x0, s], [x1, s], [x1, n], [x0, n], [x0, s]]];
  return w <= e ? { type: 'Polygon', coordinates: rect(w, e) } : { type: 'MultiPolygon', coordinates: [rect(w, 180), rect(-180, e)] };
}

/** Every vertex of the geometry inside a (non-crossing) box: "within" for a convex container. */
export function withinBox(geometry: Geometry, [w, s, e, n]: number[]): boolean {
  const { points } = decompose(geometry);
  return points.length > 0 && points.every(([x, y]) => x >= w && x <= e && y >= s && y <= n);
}

/** A polygonal geometry containing a point (not on its boundary, which the tests avoid). */
export function containsPoint(geometry: Geometry, p: [number, number]): boolean {
  return decompose(geometry).polygons.some((poly) => inPolygon(p, poly));
}

/** The centre of the [w, s, e, n] envelope of a geometry (none here crosses the antimeridian). */
export function envelopeCentre(geometry: Geometry): [number, number] {
  const { points } = decompose(geometry);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}

/** Web-Mercator tile `zoom/x/y` holding a point, as the geotile_grid aggregation names it. */
export function geotile(lon: number, lat: number, zoom: number): string {
  const n = 2 ** zoom;
  const x = Math.min(n - 1, Math.floor(((lon + 180) / 360) * n));
  const rad = (lat * Math.PI) / 180;
  const y = Math.min(n - 1, Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n));
  return `${zoom}/${x}/${y}`;
}

// ------------------------------------------------------------------ time

export function ms(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const v = Date.parse(text);
  return Number.isNaN(v) ? undefined : v;
}

/** The time an item covers: [start_datetime, end_datetime] when given, else the instant `datetime`. */
export function itemInterval(item: StacItem): [number, number] {
  const p = item.properties;
  const dt = ms(p.datetime);
  const start = ms(p.start_datetime) ?? dt;
  const end = ms(p.end_datetime) ?? dt;
  if (start === undefined || end === undefined) throw new Error(`item ${item.id} has no time`);
  return [start, end];
}

/** What `sortby=datetime` orders by: datetime, or start_datetime for an item with only a range. */
export function itemSortTime(item: StacItem): number {
  return ms(item.properties.datetime) ?? itemInterval(item)[0];
}

export function collectionInterval(collection: StacCollection): [number, number] {
  const [start, end] = collection.extent.temporal.interval[0];
  return [ms(start) ?? -Infinity, ms(end) ?? Infinity];
}

/** Closed intervals overlap. */
export function overlaps([a0, a1]: [number, number], [b0, b1]: [number, number]): boolean {
  return a0 <= b1 && a1 >= b0;
}

// ------------------------------------------------------------------ free text

export function tokens(text: string): string[] {
  return text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function words(value: unknown): string {
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(' ') : typeof value === 'string' ? value : '';
}

/**
 * The text fields free-text search reads, each tokenised: a phrase must match inside one field.
 * Whether ids are searchable is left to each backend: the contract's queries use no word of an id.
 */
export function itemTextFields(item: StacItem): string[][] {
  const p = item.properties;
  return [
    words(p.title),
    words(p.description),
    [item.collection, p.keywords, p.platform, p.constellation, p.instruments, p.mission].map(words).join(' '),
  ].map(tokens);
}

export function collectionTextFields(collection: StacCollection): string[][] {
  return [words(collection.title), words(collection.description), words(collection.keywords)].map(tokens);
}

function phraseIn(phrase: string[], field: string[]): boolean {
  if (phrase.length === 0) return false;
  for (let i = 0; i + phrase.length <= field.length; i++) {
    if (phrase.every((w, j) => field[i + j] === w)) return true;
  }
  return false;
}

/** Evaluates a parsed `q` over tokenised fields: a term is a phrase that must appear in one field. */
export function matchesFreeText(q: FreeText, fields: string[][]): boolean {
  switch (q.kind) {
    case 'term': {
      const phrase = tokens(q.text);
      return fields.some((field) => phraseIn(phrase, field));
    }
    case 'not': return !matchesFreeText(q.arg, fields);
    case 'and': return q.args.every((arg) => matchesFreeText(arg, fields));
    case 'or': return q.args.some((arg) => matchesFreeText(arg, fields));
  }
}

// ------------------------------------------------------------------ sorting

export type SortValue = string | number | undefined;

/** Compares two sort values in one direction, missing values last whatever the direction. */
export function compareSortValues(a: SortValue, b: SortValue, direction: 'asc' | 'desc'): number {
  const missingA = a === undefined;
  const missingB = b === undefined;
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  const c = a < b ? -1 : a > b ? 1 : 0;
  return direction === 'asc' ? c : -c;
}
