// Vector files and tile archives to STAC Items: FlatGeobuf written by GDAL's
// ogr2ogr, GeoParquet written by GeoPandas (GDAL 3.6 on Debian has no Parquet
// driver), PMTiles written by the pmtiles Python package, GeoJSON stream-parsed;
// each also truncated and corrupted, which must give problems, not crashes. The
// file listing entry (size, type, checksum) comes with every file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { fileByteSource } from '../src/extract/file.byte-source.ts';
import { extractFile } from '../src/extract/file-extractor.ts';
import { createStacValidator } from '../src/validate/stac-validator.ts';
import { gdal, gdalMissing } from './support/gdal.ts';

const dir = mkdtempSync(join(tmpdir(), 'meridian-vector-'));
const at = (name: string) => join(dir, name);
const lastModified = new Date('2024-05-01T12:00:00Z');
const python = process.env.MERIDIAN_PYTHON || new URL('../../.venv/bin/python', import.meta.url).pathname;

async function extract(name: string, options = {}) {
  const source = await fileByteSource(at(name), name);
  return { source, ...(await extractFile({ key: `v/${name}`, source, href: `https://data.example/v/${name}`, lastModified }, options)) };
}

function close(actual: number[] | undefined, expected: number[], tolerance = 1e-6) {
  assert.ok(actual, 'no bbox');
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `bbox ${JSON.stringify(actual)} differs from ${JSON.stringify(expected)}`));
}

const features = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { name: 'a' }, geometry: { type: 'Point', coordinates: [10, 50] } },
    { type: 'Feature', properties: { name: 'b' }, geometry: { type: 'LineString', coordinates: [[11, 51], [12, 49]] } },
    { type: 'Feature', properties: { name: 'c' }, geometry: { type: 'Polygon', coordinates: [[[11, 49.5], [11.5, 49.5], [11.5, 50], [11, 49.5]]] } },
  ],
};

/** A copy of `name` cut short, and one with bytes overwritten in the middle of its header. */
function damaged(name: string, cut: number, at_: number): [string, string] {
  const bytes = readFileSync(at(name));
  const truncated = `truncated-${name}`;
  const corrupted = `corrupted-${name}`;
  writeFileSync(at(truncated), bytes.subarray(0, cut));
  const broken = Buffer.from(bytes);
  broken.fill(0xff, at_, at_ + 16);
  writeFileSync(at(corrupted), broken);
  return [truncated, corrupted];
}

/** A problem matching `pattern` is recorded; unless `itemAllowed` (garbage a format's parser reads as valid), no item. */
async function assertProblemOnly(name: string, pattern: RegExp, itemAllowed = false) {
  const { item, problems, entry } = await extract(name);
  if (!itemAllowed) assert.equal(item, undefined, `${name} gave an item`);
  assert.ok(problems.length >= 1, `${name} gave no problem`);
  assert.equal(problems[0].path, `v/${name}`);
  assert.match(problems[0].message, pattern, name);
  assert.equal(entry.size, readFileSync(at(name)).length);
}

test('GeoJSON: bbox and feature count, streamed; a legacy EPSG crs is reprojected', async () => {
  writeFileSync(at('places.geojson'), JSON.stringify(features));
  const { item, problems, entry } = await extract('places.geojson');
  assert.deepEqual(problems, []);
  assert.deepEqual(item?.bbox, [10, 49, 12, 51]);
  assert.equal(item?.properties['table:row_count'], 3);
  assert.deepEqual(item?.properties['geojson:geometry_types'], ['LineString', 'Point', 'Polygon']);
  assert.equal(item?.id, 'v~places.geojson');
  assert.deepEqual(entry, { key: 'v/places.geojson', size: readFileSync(at('places.geojson')).length, type: 'application/geo+json', checksum: entry.checksum });
  assert.match(entry.checksum ?? '', /^1220[0-9a-f]{64}$/);

  writeFileSync(at('mercator.geojson'), JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } }, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1113194.9, 6446275.8] } }] }));
  const mercator = await extract('mercator.geojson');
  close(mercator.item?.bbox, [10, 50, 10, 50], 1e-5);
  assert.equal(mercator.item?.properties['proj:epsg'], 3857);
});

test('GeoJSON: a declared bbox crossing the antimeridian is kept', async () => {
  writeFileSync(at('pacific.geojson'), JSON.stringify({ type: 'FeatureCollection', bbox: [170, -20, -170, -10], features: [] }));
  const { item } = await extract('pacific.geojson');
  assert.deepEqual(item?.bbox, [170, -20, -170, -10]);
  assert.equal(item?.geometry?.type, 'MultiPolygon');
});

test('GeoJSON: malformed, truncated, not GeoJSON, and over the cap', async () => {
  writeFileSync(at('bad.geojson'), '{"type": "FeatureCollection", "features": [ {"type": "Feature", ');
  await assertProblemOnly('bad.geojson', /not valid JSON/);
  writeFileSync(at('junk.geojson'), '{"type": "Feature"} trailing garbage');
  await assertProblemOnly('junk.geojson', /not valid JSON/);
  writeFileSync(at('other.geojson'), '{"type": "Topology", "objects": {}}');
  await assertProblemOnly('other.geojson', /not GeoJSON: "type" is "Topology"/);
  writeFileSync(at('large.geojson'), JSON.stringify(features));
  const source = await fileByteSource(at('large.geojson'));
  const { item, problems } = await extractFile({ key: 'large.geojson', source, href: 'x', lastModified, etag: '"abc"' }, { readCap: 100 });
  assert.equal(item, undefined);
  assert.match(problems[0].message, /larger than the 100-byte limit/);
  assert.equal(source.stats.requests, 0);
});

test('other files keep size, type and checksum; an ETag spares reading them', async () => {
  writeFileSync(at('notes.csv'), 'a,b\n1,2\n');
  const { item, problems, entry } = await extract('notes.csv');
  assert.equal(item, undefined);
  assert.deepEqual(problems, []);
  assert.equal(entry.type, 'text/csv');
  assert.equal(entry.checksum, `1220${createHash('sha256').update('a,b\n1,2\n').digest('hex')}`);
  const source = await fileByteSource(at('notes.csv'));
  const withEtag = await extractFile({ key: 'notes.csv', source, href: 'x', lastModified, etag: '"e1"' });
  assert.deepEqual(withEtag.entry, { key: 'notes.csv', size: 8, type: 'text/csv', etag: '"e1"' });
  assert.equal(source.stats.requests, 0);
  writeFileSync(at('blob.unknownext'), Buffer.alloc(2 * 1024 * 1024));
  const big = await extract('blob.unknownext');
  assert.deepEqual(big.entry, { key: 'v/blob.unknownext', size: 2 * 1024 * 1024, type: 'application/octet-stream' });
  assert.equal(big.source.stats.requests, 0);
});

serviceSuite('FlatGeobuf extraction (GDAL writes the files)', await gdalMissing(), () => {
  before(async () => {
    writeFileSync(at('places.json'), JSON.stringify(features));
    await gdal('ogr2ogr', '-f', 'FlatGeobuf', at('places.fgb'), at('places.json'));
    await gdal('ogr2ogr', '-f', 'FlatGeobuf', '-t_srs', 'EPSG:3857', at('places-3857.fgb'), at('places.json'));
  });

  test('header: envelope, CRS, feature count; only the header is read', async () => {
    const { item, problems, source } = await extract('places.fgb');
    assert.deepEqual(problems, []);
    assert.deepEqual(item?.bbox, [10, 49, 12, 51]);
    assert.equal(item?.properties['table:row_count'], 3);
    assert.equal(item?.properties['proj:epsg'], 4326);
    assert.equal((item?.assets?.data as { type: string }).type, 'application/vnd.flatgeobuf');
    const [validation] = await createStacValidator().validate([{ path: 'fgb', document: item }]);
    assert.deepEqual(validation.problems, []);
    // The listing checksum reads the small file whole; the header alone is what the extractor needs.
    assert.ok(source.stats.requests >= 2);
  });

  test('a projected FlatGeobuf is reprojected to WGS84', async () => {
    const { item } = await extract('places-3857.fgb');
    close(item?.bbox, [10, 49, 12, 51], 1e-6);
    assert.equal(item?.properties['proj:code'], 'EPSG:3857');
  });

  test('truncated and corrupted FlatGeobuf files are problems', async () => {
    const [truncated, corrupted] = damaged('places.fgb', 40, 12);
    await assertProblemOnly(truncated, /FlatGeobuf header/);
    // FlatBuffers reads overwritten header bytes as other values: the envelope is lost.
    await assertProblemOnly(corrupted, /FlatGeobuf header|no footprint/, true);
    writeFileSync(at('fake.fgb'), 'not flatgeobuf at all');
    await assertProblemOnly('fake.fgb', /magic bytes/);
  });
});

const pythonMissing = await promisify(execFile)(python, ['-c', 'import geopandas, pyarrow, pmtiles']).then(() => undefined, () => `${python} cannot import geopandas, pyarrow and pmtiles (run: bash scripts/python-env.sh)`);
serviceSuite('GeoParquet and PMTiles extraction (GeoPandas and pmtiles write the files)', pythonMissing, () => {
  before(async () => {
    await promisify(execFile)(python, ['-c', `
import geopandas as gpd
from shapely.geometry import Point, Polygon
g = gpd.GeoDataFrame({'name': ['a', 'b', 'c']}, geometry=[Point(10, 50), Point(12, 51), Polygon([(11, 49), (11.5, 49), (11.5, 49.5), (11, 49)])], crs='EPSG:4326')
g.to_parquet('${at('places.parquet')}')
g.to_crs('EPSG:32633').to_parquet('${at('places-utm.parquet')}')
from pmtiles.writer import Writer
from pmtiles.tile import zxy_to_tileid, TileType, Compression
with open('${at('tiles.pmtiles')}', 'wb') as f:
    w = Writer(f)
    for z in range(0, 4):
        w.write_tile(zxy_to_tileid(z, 0, 0), b'tile %d' % z)
    w.finalize({'tile_type': TileType.MVT, 'tile_compression': Compression.NONE, 'min_lon_e7': -100000000, 'min_lat_e7': 400000000, 'max_lon_e7': 200000000, 'max_lat_e7': 550000000, 'center_zoom': 2, 'center_lon_e7': 50000000, 'center_lat_e7': 470000000}, {'name': 'test'})
`]);
  }, { timeout: 60_000 });

  test('GeoParquet: bbox, CRS, geometry types and row count from the footer', async () => {
    const { item, problems } = await extract('places.parquet');
    assert.deepEqual(problems, []);
    assert.deepEqual(item?.bbox, [10, 49, 12, 51]);
    assert.equal(item?.properties['table:row_count'], 3);
    assert.equal(item?.properties['table:primary_geometry'], 'geometry');
    assert.deepEqual(item?.properties['geoparquet:geometry_types'], ['Point', 'Polygon']);
    assert.equal(item?.properties['proj:epsg'], 4326);
    const [validation] = await createStacValidator().validate([{ path: 'parquet', document: item }]);
    assert.deepEqual(validation.problems, []);
  });

  test('GeoParquet in UTM: the PROJJSON CRS names EPSG:32633 and the box is reprojected', async () => {
    const { item } = await extract('places-utm.parquet');
    assert.equal(item?.properties['proj:epsg'], 32633);
    const [w, s, e, n] = item?.bbox ?? [];
    // The projected box of the points, reprojected, holds the original box.
    assert.ok(w <= 10 && s <= 49 && e >= 12 && n >= 51 - 1e-6 && e - w < 3, JSON.stringify(item?.bbox));
  });

  test('PMTiles: bounds, zooms and tile type from the 127-byte header', async () => {
    const { item, problems, source } = await extract('tiles.pmtiles');
    assert.deepEqual(problems, []);
    assert.deepEqual(item?.bbox, [-10, 40, 20, 55]);
    assert.equal(item?.properties['pmtiles:tile_type'], 'mvt');
    assert.equal(item?.properties['pmtiles:min_zoom'], 0);
    assert.equal(item?.properties['pmtiles:max_zoom'], 3);
    assert.ok(source.stats.bytes >= 127);
    const [validation] = await createStacValidator().validate([{ path: 'pmtiles', document: item }]);
    assert.deepEqual(validation.problems, []);
  });

  test('truncated and corrupted GeoParquet and PMTiles files are problems', async () => {
    const bytes = readFileSync(at('places.parquet'));
    const footer = bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8);
    const [truncated, corrupted] = damaged('places.parquet', bytes.length - 100, footer);
    await assertProblemOnly(truncated, /Parquet footer/);
    await assertProblemOnly(corrupted, /Parquet footer|not GeoParquet|"geo"/);
    const [cut, broken] = damaged('tiles.pmtiles', 60, 0);
    await assertProblemOnly(cut, /PMTiles/);
    await assertProblemOnly(broken, /not a PMTiles archive/);
    writeFileSync(at('plain.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(10), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('PAR1')]));
    await assertProblemOnly('plain.parquet', /Parquet footer/);
  });
});
