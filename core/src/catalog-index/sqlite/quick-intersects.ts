// A cheap exact answer to "do these two polygonal geometries intersect?" for the
// clear cases, so that the per-row spatial filter rarely needs JSTS. It answers
// only when every decision it takes is clear by more than EPS degrees (a
// vertex well inside or outside a ring, two edges crossing well apart from their
// ends, edges well apart); anything closer, and any geometry other than
// polygons without holes, is left to JSTS (undefined).
import type { Geometry, Position } from 'geojson';

const EPS = 1e-7;
const MAX_VERTICES = 256;

type Ring = Position[];

/** Outer rings of a Polygon or MultiPolygon without holes, or undefined. */
export function simpleRings(geometry: Geometry): Ring[] | undefined {
  let rings: Ring[];
  if (geometry.type === 'Polygon') {
    if (geometry.coordinates.length !== 1) return undefined;
    rings = [geometry.coordinates[0]];
  } else if (geometry.type === 'MultiPolygon') {
    if (!geometry.coordinates.every((polygon) => polygon.length === 1)) return undefined;
    rings = geometry.coordinates.map((polygon) => polygon[0]);
  } else {
    return undefined;
  }
  let vertices = 0;
  for (const ring of rings) {
    if (ring.length < 4) return undefined;
    vertices += ring.length;
  }
  return vertices <= MAX_VERTICES && isSimple(rings) ? rings : undefined;
}

function distanceToSegment(p: Position, a: Position, b: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  let t = length2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const x = a[0] + t * dx - p[0];
  const y = a[1] + t * dy - p[1];
  return Math.sqrt(x * x + y * y);
}

/** Signed distance of c from the line through a and b (NaN for a degenerate segment). */
function side(a: Position, b: Position, c: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  return (dx * (c[1] - a[1]) - dy * (c[0] - a[0])) / Math.sqrt(dx * dx + dy * dy);
}

const CROSS = 1;
const APART = 0;
const UNCLEAR = -1;

/** Whether segments ab and cd cross, are apart, or are too close to tell cheaply. */
function segments(a: Position, b: Position, c: Position, d: Position): number {
  if (Math.min(distanceToSegment(c, a, b), distanceToSegment(d, a, b), distanceToSegment(a, c, d), distanceToSegment(b, c, d)) <= EPS) return UNCLEAR;
  const s1 = side(a, b, c);
  const s2 = side(a, b, d);
  const s3 = side(c, d, a);
  const s4 = side(c, d, b);
  if (!(Math.abs(s1) > EPS && Math.abs(s2) > EPS && Math.abs(s3) > EPS && Math.abs(s4) > EPS)) return UNCLEAR;
  return (s1 > 0) !== (s2 > 0) && (s3 > 0) !== (s4 > 0) ? CROSS : APART;
}

/** Rings whose edges, but for neighbours, all stay clearly apart: valid, simple rings. */
function isSimple(rings: Ring[]): boolean {
  const edges: [Position, Position, number, number][] = [];
  rings.forEach((ring, r) => {
    for (let i = 0; i < ring.length - 1; i++) edges.push([ring[i], ring[i + 1], r, i]);
  });
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 1; j < edges.length; j++) {
      const [a, b, ra, ia] = edges[i];
      const [c, d, rc, ic] = edges[j];
      if (ra === rc) {
        const n = rings[ra].length - 1;
        if (ic === ia + 1 || (ia === 0 && ic === n - 1)) continue;
      }
      if (segments(a, b, c, d) !== APART) return false;
    }
  }
  return true;
}

const INSIDE = 1;
const OUTSIDE = 0;

/** Whether p is inside one of the rings, outside all, or too near an edge to tell cheaply. */
function locate(p: Position, rings: Ring[]): number {
  let inside = false;
  for (const ring of rings) {
    let crossings = false;
    for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
      const a = ring[i];
      const b = ring[j];
      if (distanceToSegment(p, a, b) <= EPS) return UNCLEAR;
      if ((a[1] > p[1]) !== (b[1] > p[1]) && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) crossings = !crossings;
    }
    if (crossings) inside = true;
  }
  return inside ? INSIDE : OUTSIDE;
}

/** true or false when clear, undefined when JSTS has to decide. */
export function quickIntersects(a: Ring[], b: Ring[]): boolean | undefined {
  // A vertex of one well inside the other is the common case among candidates.
  let unclear = false;
  for (const ring of a) {
    for (let i = 0; i < ring.length - 1; i++) {
      const where = locate(ring[i], b);
      if (where === INSIDE) return true;
      if (where === UNCLEAR) unclear = true;
    }
  }
  for (const ring of b) {
    for (let i = 0; i < ring.length - 1; i++) {
      const where = locate(ring[i], a);
      if (where === INSIDE) return true;
      if (where === UNCLEAR) unclear = true;
    }
  }
  for (const ra of a) {
    for (let i = 0; i < ra.length - 1; i++) {
      for (const rb of b) {
        for (let j = 0; j < rb.length - 1; j++) {
          const result = segments(ra[i], ra[i + 1], rb[j], rb[j + 1]);
          if (result === CROSS) return true;
          if (result === UNCLEAR) unclear = true;
        }
      }
    }
  }
  // No vertex inside the other and no boundaries meeting: neither contains the
  // other nor overlaps it, so they are disjoint.
  return unclear ? undefined : false;
}
