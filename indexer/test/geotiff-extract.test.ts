// GeoTIFF/COG extraction against rasters GDAL makes here: footprints in UTM,
// Web Mercator, a polar stereographic CRS around the South Pole and two CRSs
// whose rasters cross the antimeridian, each compared with gdalinfo's
// wgs84Extent; the COG check against GDAL's own COG and non-COG layouts; a 50 MB
// COG read over HTTP ranges from a loopback server, of which only headers are
// fetched; and broken headers, each a problem, none a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { fileByteSource } from '../src/extract/file.byte-source.ts';
import { extractGeotiff } from '../src/extract/geotiff.extractor.ts';
import { httpByteSource } from '../src/extract/http.byte-source.ts';
import { createStacValidator } from '../src/validate/stac-validator.ts';
import { gdal, gdalMissing, gdalWgs84Corners } from './support/gdal.ts';
import { startRangeServer, type RangeServer } from './support/range-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'meridian-geotiff-'));
const at = (name: string) => join(dir, name);
const lastModified = new Date('2024-05-01T12:00:00Z');

async function extract(name: string) {
  const source = await fileByteSource(at(name), name);
  return { source, ...(await extractGeotiff({ key: `rasters/${name}`, source, href: `https://data.example/rasters/${name}`, lastModified })) };
}

function close(actual: number[] | undefined, expected: number[], tolerance = 1e-6) {
  assert.ok(actual, 'no bbox');
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `bbox ${JSON.stringify(actual)} differs from ${JSON.stringify(expected)} at ${i}`));
}

/** GDAL's corners as a box; `crossing` when the raster spans the antimeridian. */
async function gdalBox(name: string, crossing = false): Promise<number[]> {
  const corners = await gdalWgs84Corners(at(name));
  const lats = corners.map(([, y]) => y);
  const lons = corners.map(([x]) => x);
  if (!crossing) return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  return [Math.min(...lons.filter((x) => x > 0)), Math.min(...lats), Math.max(...lons.filter((x) => x < 0)), Math.max(...lats)];
}

const missing = await gdalMissing();
serviceSuite('GeoTIFF extraction against GDAL', missing, () => {
  let server: RangeServer;
  before(async () => {
    const create = (name: string, srs: string, size: [number, number], ullr: number[], ...more: string[]) =>
      gdal('gdal_create', '-q', '-of', 'GTiff', '-outsize', String(size[0]), String(size[1]), '-a_srs', srs, '-a_ullr', ...ullr.map(String), ...more, at(name));
    await create('utm.tif', 'EPSG:32633', [2000, 1500], [400000, 5600000, 460000, 5555000], '-bands', '3', '-ot', 'UInt16', '-a_nodata', '0');
    await gdal('gdal_translate', '-q', '-of', 'COG', at('utm.tif'), at('utm-cog.tif'));
    await gdal('gdal_translate', '-q', '-co', 'TILED=NO', at('utm.tif'), at('utm-strips.tif'));
    await create('mercator.tif', 'EPSG:3857', [512, 512], [1000000, 6000000, 1100000, 5900000], '-ot', 'Int16', '-co', 'TILED=YES');
    await create('polar.tif', 'EPSG:3031', [400, 400], [-1000000, 1000000, 1000000, -1000000], '-ot', 'Float32', '-a_nodata', '-9999');
    await create('utm60.tif', 'EPSG:32660', [400, 200], [700000, 5600000, 900000, 5500000]);
    await create('pacific.tif', 'EPSG:3832', [400, 200], [2500000, -1000000, 4500000, -2000000]);
    // 5000 × 5000 × 2 bands of bytes, uncompressed: a 50 MB COG.
    await create('big.tif', 'EPSG:32633', [5000, 5000], [300000, 5700000, 450000, 5550000], '-bands', '2');
    await gdal('gdal_translate', '-q', '-of', 'COG', '-co', 'COMPRESS=NONE', at('big.tif'), at('big-cog.tif'));
    // The main IFD moved after the data: GDAL's GTiff driver writes a tiled file with overviews added later.
    await gdal('gdal_translate', '-q', '-co', 'TILED=YES', at('utm.tif'), at('late-overviews.tif'));
    await gdal('gdaladdo', '-q', at('late-overviews.tif'), '2', '4');
    server = await startRangeServer(dir, '/data/ada/rasters/');
  }, { timeout: 120_000 });
  after(() => server?.close());

  test('a UTM COG: footprint as GDAL computes it, projection, raster bands, overviews, a valid COG', async () => {
    const { item, problems, details } = await extract('utm-cog.tif');
    assert.deepEqual(problems, []);
    assert.ok(item);
    close(item.bbox, await gdalBox('utm-cog.tif'));
    assert.equal(item.id, 'rasters~utm-cog.tif');
    assert.equal(item.geometry?.type, 'Polygon');
    assert.equal(item.properties['proj:epsg'], 32633);
    assert.equal(item.properties['proj:code'], 'EPSG:32633');
    assert.deepEqual(item.properties['proj:shape'], [1500, 2000]);
    assert.deepEqual(item.properties['proj:transform'], [30, 0, 400000, 0, -30, 5600000]);
    assert.deepEqual(item.properties['proj:bbox'], [400000, 5555000, 460000, 5600000]);
    assert.equal(item.properties.datetime, lastModified.toISOString());
    const data = item.assets?.data as Record<string, unknown>;
    assert.equal(data.type, 'image/tiff; application=geotiff; profile=cloud-optimized');
    assert.equal(data.href, 'https://data.example/rasters/utm-cog.tif');
    assert.equal(data['file:size'], readFileSync(at('utm-cog.tif')).length);
    assert.deepEqual(data['raster:bands'], Array(3).fill({ data_type: 'uint16', nodata: 0, spatial_resolution: 30 }));
    assert.deepEqual(details?.overviews, [{ width: 1000, height: 750 }, { width: 500, height: 375 }]);
    assert.deepEqual(details?.cog, { valid: true, errors: [], warnings: [] });
    const [validation] = await createStacValidator().validate([{ path: 'utm-cog', document: item }]);
    assert.deepEqual(validation.problems, []);
  });

  test('a striped GeoTIFF is not a COG, and says why as GDAL would', async () => {
    const { item, details } = await extract('utm-strips.tif');
    assert.equal((item?.assets?.data as { type: string }).type, 'image/tiff; application=geotiff');
    assert.equal(details?.cog.valid, false);
    assert.deepEqual(details?.cog.errors, ['The file is greater than 512xH or 512xW, but is not tiled']);
    assert.match(details?.cog.warnings[0] ?? '', /recommended to include internal overviews/);
  });

  test('overviews added after the image data break the COG layout', async () => {
    const { details } = await extract('late-overviews.tif');
    assert.equal(details?.overviews.length, 2);
    assert.equal(details?.cog.valid, false);
    assert.ok(details?.cog.errors.some((e) => /IFD|first block/.test(e)), JSON.stringify(details?.cog.errors));
  });

  test('Web Mercator', async () => {
    const { item, problems } = await extract('mercator.tif');
    assert.deepEqual(problems, []);
    close(item?.bbox, await gdalBox('mercator.tif'));
    assert.equal(item?.properties['proj:epsg'], 3857);
    assert.deepEqual((item?.assets?.data as { 'raster:bands': unknown[] })['raster:bands'][0], { data_type: 'int16', spatial_resolution: 195.3125 });
  });

  test('a polar raster around the South Pole covers every longitude down to -90', async () => {
    const { item } = await extract('polar.tif');
    const gdalNorth = (await gdalBox('polar.tif'))[3];
    close(item?.bbox, [-180, -90, 180, gdalNorth]);
    assert.deepEqual((item?.assets?.data as { 'raster:bands': unknown[] })['raster:bands'][0], { data_type: 'float32', nodata: -9999, spatial_resolution: 5000 });
  });

  for (const [name, crs] of [['utm60.tif', 'EPSG:32660'], ['pacific.tif', 'EPSG:3832']]) {
    test(`a raster crossing the antimeridian (${crs}): west > east and a geometry split at ±180`, async () => {
      const { item } = await extract(name);
      close(item?.bbox, await gdalBox(name, true));
      assert.ok(item?.bbox && item.bbox[0] > item.bbox[2]);
      assert.equal(item?.geometry?.type, 'MultiPolygon');
      const [validation] = await createStacValidator().validate([{ path: name, document: item }]);
      assert.deepEqual(validation.problems, []);
    });
  }

  test('a COG of over 50 MB over HTTP ranges: only its headers are read', async () => {
    const size = readFileSync(at('big-cog.tif')).length;
    const source = await httpByteSource(`${server.url}/data/ada/rasters/big-cog.tif`, { headers: { authorization: 'Bearer t' } });
    assert.equal(source.size, size);
    const { item, problems, details } = await extractGeotiff({ key: 'big-cog.tif', source, href: 'x', lastModified });
    assert.deepEqual(problems, []);
    assert.equal(details?.cog.valid, true);
    assert.ok(details && details.overviews.length >= 3);
    close(item?.bbox, await gdalBox('big-cog.tif'));
    assert.ok(size > 50_000_000);
    assert.ok(source.stats.bytes < size / 100, `read ${source.stats.bytes} of ${size} bytes in ${source.stats.requests} requests`);
    console.log(`# COG of ${size} bytes: ${source.stats.bytes} of ${size} bytes read (${((100 * source.stats.bytes) / size).toFixed(3)} %) in ${source.stats.requests} requests`);
  });

  test('broken headers are problems, never crashes', async () => {
    const cog = readFileSync(at('utm-cog.tif'));
    const le = (buffer: Buffer) => buffer.readUInt32LE(4);
    const cases: [string, Buffer, RegExp][] = [];
    cases.push(['truncated.tif', cog.subarray(0, 300), /GeoTIFF/]);
    cases.push(['empty.tif', Buffer.alloc(0), /GeoTIFF/]);
    cases.push(['not-a-tiff.tif', Buffer.from('PK\u0003\u0004 this is a zip, really'), /GeoTIFF header cannot be read/]);
    const badMagic = Buffer.from(cog);
    badMagic.writeUInt16LE(99, 2);
    cases.push(['bad-magic.tif', badMagic, /magic/i]);
    const loop = Buffer.from(cog);
    const first = le(loop);
    loop.writeUInt32LE(first, first + 2 + 12 * loop.readUInt16LE(first));
    cases.push(['ifd-loop.tif', loop, /loops back/]);
    const hugeTag = Buffer.from(cog);
    // The first entry's count (ImageWidth is eager) set to two billion values.
    hugeTag.writeUInt16LE(4, first + 2 + 2);
    hugeTag.writeUInt32LE(2_000_000_000, first + 2 + 4);
    cases.push(['huge-tag.tif', hugeTag, /larger than|cannot be read|broken/]);
    const noGeo = join(dir, 'plain.tif');
    await gdal('gdal_translate', '-q', '-co', 'PROFILE=BASELINE', at('mercator.tif'), noGeo);
    for (const [name, bytes, expected] of cases) {
      writeFileSync(at(name), bytes);
      const { item, problems } = await extract(name);
      assert.equal(item, undefined, name);
      assert.equal(problems.length, 1, name);
      assert.equal(problems[0].path, `rasters/${name}`);
      assert.match(problems[0].message, expected, name);
    }
    const plain = await extract('plain.tif');
    assert.equal(plain.item?.geometry, null);
    assert.match(plain.problems.map((p) => p.message).join(), /no footprint/);
  });

});
