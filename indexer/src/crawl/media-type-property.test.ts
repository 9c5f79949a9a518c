import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StacItem } from '@meridian/core/stac/stac-types';
import { MEDIA_TYPE_PROPERTY, withMediaType } from './media-type-property.ts';

const COG = 'image/tiff; application=geotiff; profile=cloud-optimized';
const item = (assets: Record<string, object>, properties: Record<string, unknown> = {}): StacItem => ({
  type: 'Feature', stac_version: '1.1.0', id: 'a', geometry: null, properties: { datetime: '2024-01-01T00:00:00Z', ...properties }, links: [], assets,
} as unknown as StacItem);

test('the data asset names the media type, ahead of thumbnails listed first', () => {
  const out = withMediaType(item({ thumbnail: { href: 't.png', type: 'image/png', roles: ['thumbnail'] }, data: { href: 'a.tif', type: COG, roles: ['data'] } }));
  assert.equal(out.properties[MEDIA_TYPE_PROPERTY], COG);
});

test('without a data role, the first typed asset does; untyped assets are passed over', () => {
  const out = withMediaType(item({ a: { href: 'a' }, b: { href: 'b.parquet', type: ' application/vnd.apache.parquet ' } }));
  assert.equal(out.properties[MEDIA_TYPE_PROPERTY], 'application/vnd.apache.parquet');
});

test('an item with no typed data asset, or one that states the property already, is returned unchanged', () => {
  const untyped = item({ a: { href: 'a' }, thumbnail: { href: 't.png', type: 'image/png', roles: ['thumbnail'] }, meta: { href: 'm.json', type: 'application/json', roles: ['metadata'] } });
  assert.equal(withMediaType(untyped), untyped);
  const stated = item({ data: { href: 'a.tif', type: COG, roles: ['data'] } }, { [MEDIA_TYPE_PROPERTY]: 'text/csv' });
  assert.equal(withMediaType(stated).properties[MEDIA_TYPE_PROPERTY], 'text/csv');
});

test('the input item is not modified', () => {
  const input = item({ data: { href: 'a.tif', type: COG, roles: ['data'] } });
  withMediaType(input);
  assert.equal(input.properties[MEDIA_TYPE_PROPERTY], undefined);
});
