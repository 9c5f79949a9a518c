import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketKeys, bucketLabel, bucketRange, formatName, intervalFor } from './facets.ts';

test('histogram buckets are whole years, months or days, gaps included', () => {
  assert.deepEqual(bucketRange('2024'), { from: '2024-01-01', to: '2024-12-31' });
  assert.deepEqual(bucketRange('2024-02'), { from: '2024-02-01', to: '2024-02-29' });
  assert.deepEqual(bucketRange('2023-02'), { from: '2023-02-01', to: '2023-02-28' });
  assert.deepEqual(bucketRange('2024-05-31'), { from: '2024-05-31', to: '2024-05-31' });
  assert.deepEqual(bucketKeys('2023-11', '2024-02', 'month'), ['2023-11', '2023-12', '2024-01', '2024-02']);
  assert.deepEqual(bucketKeys('2024-02-27', '2024-03-01', 'day'), ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
  assert.deepEqual(bucketKeys('1999', '2001', 'year'), ['1999', '2000', '2001']);
  assert.equal(bucketLabel('2024-05'), 'May 2024');
  assert.equal(bucketLabel('2024-05-07'), '7 May 2024');
});

test('the interval keeps the bars countable', () => {
  assert.equal(intervalFor('2024-04-01T00:00:00Z', '2024-04-30T00:00:00Z'), 'day');
  assert.equal(intervalFor('2022-01-01T00:00:00Z', '2024-12-31T00:00:00Z'), 'month');
  assert.equal(intervalFor('2000-01-01T00:00:00Z', '2024-12-31T00:00:00Z'), 'year');
});

test('file types show by the names people know, whatever the spacing and case of the media type; others as they are', () => {
  assert.equal(formatName('image/tiff; application=geotiff; profile=cloud-optimized'), 'Cloud-optimised GeoTIFF');
  assert.equal(formatName('image/tiff;application=GeoTIFF'), 'GeoTIFF');
  assert.equal(formatName('application/x-custom'), 'application/x-custom');
});
