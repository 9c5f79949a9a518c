import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lonLatBox, wgs84Footprint } from './footprint.ts';

test('points on both sides of the antimeridian give a crossing box', () => {
  assert.deepEqual(lonLatBox([[178, 1], [-178, 1], [-178, 3], [178, 3]]), [178, 1, -178, 3]);
  assert.deepEqual(lonLatBox([[-170, 1], [170, 1], [170, 3], [-170, 3]], { north: false, south: false }), [170, 1, -170, 3]);
  assert.deepEqual(lonLatBox([[-100, 1], [0, 1], [100, 1]]), [-100, 1, 100, 1]);
  assert.deepEqual(lonLatBox([[0, 80], [90, 80], [180, 80], [-90, 80]], { north: true, south: false }), [-180, 80, 180, 90]);
  assert.equal(lonLatBox([[NaN, NaN]]), undefined);
});

test('an unknown EPSG code gives no footprint', async () => {
  assert.equal(await wgs84Footprint([0, 0, 1, 1], 999_998), undefined);
  assert.equal(await wgs84Footprint([0, 0, 1, 1], -1), undefined);
  assert.deepEqual((await wgs84Footprint([10, 20, 11, 21], 4326))?.bbox, [10, 20, 11, 21]);
});
