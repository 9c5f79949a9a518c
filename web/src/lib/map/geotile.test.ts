import assert from 'node:assert/strict';
import { test } from 'node:test';
import { geotileKey } from '@meridian/core/catalog-index/sqlite/sqlite-functions';
import { seededRandom } from '@meridian/core/testing/seeded-random';
import { densityPoints, densityPrecision, tileBounds } from './geotile.ts';

test('the tile the catalog counts a point in holds that point', () => {
  const random = seededRandom(7);
  for (let i = 0; i < 500; i++) {
    const lon = random() * 359.8 - 179.9;
    const lat = random() * 170 - 85;
    const zoom = Math.floor(random() * 16);
    const [z, x, y] = geotileKey(lon, lat, zoom).split('/').map(Number);
    const [w, s, e, n] = tileBounds(z, x, y);
    assert.ok(w <= lon && lon <= e && s <= lat && lat <= n, `${lon},${lat} at zoom ${zoom} is in ${[w, s, e, n]}`);
  }
});

test('buckets become weighted points at their tiles\' centres; odd keys are skipped', () => {
  const points = densityPoints([{ key: '1/0/0', frequency: 5 }, { key: 'nonsense', frequency: 1 }]);
  assert.equal(points.features.length, 1);
  assert.deepEqual(points.features[0].properties, { count: 5 });
  const [lon, lat] = points.features[0].geometry.coordinates;
  assert.equal(lon, -90);
  assert.ok(lat > 40 && lat < 45);
  assert.equal(densityPrecision(0.5), 2);
  assert.equal(densityPrecision(20), 14);
});
