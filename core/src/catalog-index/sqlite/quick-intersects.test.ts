// The quick polygon test decides most candidate pairs without JSTS; wherever it
// answers, it must answer as JSTS does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Polygon, Position } from 'geojson';
import { relate, toJsts } from '../../geo/spatial-relations.ts';
import { seededRandom } from '../../testing/seeded-random.ts';
import { quickIntersects, simpleRings } from './quick-intersects.ts';

const random = seededRandom(0x9e0);

/** A star-shaped (so simple) polygon of 3–9 vertices around a centre. */
function polygon(cx: number, cy: number, radius: number): Polygon {
  const n = 3 + Math.floor(random() * 7);
  const angles = Array.from({ length: n }, () => random() * 2 * Math.PI).sort((a, b) => a - b);
  const ring: Position[] = angles.map((a) => [cx + Math.cos(a) * radius * (0.3 + random()), cy + Math.sin(a) * radius * (0.3 + random())]);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

test('agrees with JSTS on every pair it decides, and decides most of them', () => {
  let decided = 0;
  let intersecting = 0;
  const pairs = 5000;
  for (let i = 0; i < pairs; i++) {
    const a = polygon(random() * 4, random() * 4, 0.2 + random() * 2);
    // Half the pairs share a vertex or an edge, where only JSTS may decide.
    const b = i % 2 === 0 ? polygon(random() * 4, random() * 4, 0.2 + random() * 2)
      : { type: 'Polygon' as const, coordinates: [[a.coordinates[0][0], [a.coordinates[0][0][0] + 1, a.coordinates[0][0][1] + random()], [a.coordinates[0][0][0], a.coordinates[0][0][1] + 1], a.coordinates[0][0]]] };
    const ra = simpleRings(a);
    const rb = simpleRings(b);
    if (!ra || !rb) continue;
    const quick = quickIntersects(ra, rb);
    if (quick === undefined) continue;
    decided++;
    if (quick) intersecting++;
    assert.equal(quick, relate('s_intersects', toJsts(a), toJsts(b)), `pair ${i}: ${JSON.stringify([a, b])}`);
  }
  assert.ok(decided > pairs / 3, `decided ${decided} of ${pairs}`);
  assert.ok(intersecting > 0 && intersecting < decided, 'both answers occur');
});

test('leaves touching polygons, holes and other geometry types to JSTS', () => {
  const square = (x: number): Polygon => ({ type: 'Polygon', coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] });
  assert.equal(quickIntersects(simpleRings(square(0))!, simpleRings(square(1))!), undefined, 'shared edge');
  assert.equal(simpleRings({ type: 'Polygon', coordinates: [square(0).coordinates[0], [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.2]]] }), undefined, 'a hole');
  assert.equal(simpleRings({ type: 'Point', coordinates: [0, 0] }), undefined, 'a point');
});
