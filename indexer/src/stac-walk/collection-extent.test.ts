import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StacItem } from '@meridian/core/stac/stac-types';
import { extentOf } from './collection-extent.ts';

const item = (bbox: number[] | undefined, properties: Record<string, unknown>): StacItem => ({ type: 'Feature', id: 'x', geometry: null, bbox, properties });

test('boxes and times are covered', () => {
  const extent = extentOf([item([10, 40, 12, 42], { datetime: '2020-01-01T00:00:00Z' }), item([-5, 30, 0, 35], { datetime: null, start_datetime: '2019-06-01T00:00:00Z', end_datetime: '2021-01-01T00:00:00Z' })]);
  assert.deepEqual(extent, { spatial: { bbox: [[-5, 30, 12, 42]] }, temporal: { interval: [['2019-06-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z']] } });
});

test('the smallest cover crosses the antimeridian when that is smaller', () => {
  const extent = extentOf([item([175, -20, 179, -10], {}), item([-179, -15, -170, -5], {}), item([170, -18, -175, -12], {})]);
  assert.deepEqual(extent?.spatial.bbox, [[170, -20, -170, -5]]);
});

test('boxes all round the globe cover it whole; none at all leaves the caller its default', () => {
  assert.deepEqual(extentOf([item([-180, -10, -60, 10], {}), item([-60, -10, 60, 10], {}), item([60, -10, 180, 10], {})])?.spatial.bbox, [[-180, -10, 180, 10]]);
  assert.deepEqual(extentOf([item([-180, 0, -170, 5], {})])?.spatial.bbox, [[-180, 0, -170, 5]]);
  assert.equal(extentOf([]), undefined);
});
