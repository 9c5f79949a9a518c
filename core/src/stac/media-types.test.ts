// The one table of media types, as the data proxy serves files and the indexer lists them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MEDIA_TYPES, mediaTypeOf, OCTET_STREAM } from './media-types.ts';

test('geospatial formats get their STAC best-practice type, whatever the case of the name', () => {
  const expected: Record<string, string> = {
    'scenes/2024/a.tif': MEDIA_TYPES.geotiff, 'b.TIFF': MEDIA_TYPES.geotiff, 'c.gtiff': MEDIA_TYPES.geotiff,
    'd.parquet': 'application/vnd.apache.parquet', 'e.geoparquet': 'application/vnd.apache.parquet',
    'f.fgb': 'application/vnd.flatgeobuf', 'g.pmtiles': 'application/vnd.pmtiles', 'h.geojson': 'application/geo+json',
    'i.gpkg': 'application/geopackage+sqlite3', 'j.nc4': 'application/x-netcdf', 'k.grib2': 'application/wmo-grib',
    'cube.zarr/.zarray': 'application/json',
  };
  for (const [key, type] of Object.entries(expected)) assert.equal(mediaTypeOf(key), type, key);
});

test('a name never makes a GeoTIFF cloud-optimised: only its bytes can', () => {
  assert.equal(mediaTypeOf('cog.tif'), 'image/tiff; application=geotiff');
  assert.notEqual(mediaTypeOf('cog.tif'), MEDIA_TYPES.cog);
});

test('the longest suffix wins: a COPC point cloud is not plain LAZ', () => {
  assert.equal(mediaTypeOf('clouds/a.copc.laz'), 'application/vnd.laszip+copc');
  assert.equal(mediaTypeOf('clouds/a.laz'), 'application/vnd.laszip');
});

test('other names go to the mime table; only the last path segment counts; unknown is bytes', () => {
  assert.equal(mediaTypeOf('docs/readme.md'), 'text/markdown');
  assert.equal(mediaTypeOf('table.csv'), 'text/csv');
  assert.equal(mediaTypeOf('a.tif/notes'), OCTET_STREAM);
  assert.equal(mediaTypeOf('blob.unknownext'), OCTET_STREAM);
});
