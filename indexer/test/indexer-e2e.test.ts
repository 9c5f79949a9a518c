// End to end on the scale-out stack (support/indexer-stack.ts): a real Redis, the
// api with BullMQ, an indexer process as `npm run indexer` starts it. An owner
// creates a repository through the management API and uploads, with the AWS SDK
// through the S3 endpoint as users do, a real STAC catalog (the official STAC
// 1.1.0 examples, from ../shared/fixtures) plus a COG made by GDAL and a GeoParquet made
// by GeoPandas; the items become searchable through pystac-client; then files
// are edited and deleted, and the catalog follows. The index status API and its
// events are checked along the way.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { redisServerMissing } from '@meridian/core/testing/redis-server';
import { assertStatus, Browser } from '../../api/test/http-client.ts';
import { gdal, gdalMissing } from './support/gdal.ts';
import { startIndexerStack, type IndexerStack, type IndexerWorker } from './support/indexer-stack.ts';

const run = promisify(execFile);
const PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));
const CATALOG = fileURLToPath(new URL('fixtures/stac-examples-1.1.0/', import.meta.url));

async function missing(): Promise<string | undefined> {
  const python = await run(PYTHON, ['-c', 'import geopandas, pyarrow, pystac_client']).then(() => undefined, () => `${PYTHON} cannot import geopandas, pyarrow and pystac_client (run: bash scripts/python-env.sh)`);
  return redisServerMissing() ?? (await gdalMissing()) ?? python;
}

/** Every file under `dir`, as [key, path]. */
function filesUnder(dir: string): [string, string][] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name)).map((path) => [relative(dir, path).split('\\').join('/'), path]);
}

/** pystac-client's search of the STAC API: ids of the items it finds, page after page. */
async function pystacSearch(url: string, args: Record<string, unknown>): Promise<string[]> {
  const script = `
import json, sys
from pystac_client import Client
client = Client.open(sys.argv[1])
search = client.search(**json.loads(sys.argv[2]), limit=2)
print(json.dumps(sorted(item.id for item in search.items())))`;
  const { stdout } = await run(PYTHON, ['-c', script, `${url}/stac`, JSON.stringify(args)]);
  return JSON.parse(stdout) as string[];
}

serviceSuite('indexer end to end: Redis, the api, an indexer process, the S3 endpoint and pystac-client', await missing(), () => {
  let stack: IndexerStack;
  let worker: IndexerWorker;
  let owner: Browser;
  let s3: S3Client;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
    stack = await startIndexerStack();
    worker = await stack.startWorker();
    owner = await new Browser(stack.url).as('olive');
    const key = await owner.post('/api/v1/accounts/olive/api-keys', { name: 'uploads' });
    assertStatus(key, 201);
    s3 = new S3Client({
      endpoint: `${stack.url}/data`, forcePathStyle: true, region: 'us-east-1',
      credentials: { accessKeyId: key.body.accessKeyId, secretAccessKey: key.body.secretAccessKey },
    });
    // A COG in UTM 33N and a GeoParquet of three places, made here.
    await gdal('gdal_create', '-of', 'GTiff', '-outsize', '512', '512', '-bands', '1', '-burn', '7', '-ot', 'Byte',
      '-a_srs', 'EPSG:32633', '-a_ullr', '500000', '5300000', '510240', '5289760', join(work, 'plain.tif'));
    await gdal('gdal_translate', '-of', 'COG', '-co', 'BLOCKSIZE=256', join(work, 'plain.tif'), join(work, 'scene.tif'));
    await run(PYTHON, ['-c', `
import geopandas as gpd
from shapely.geometry import Point
gpd.GeoDataFrame({'name': ['a', 'b', 'c']}, geometry=[Point(10, 50), Point(12, 51), Point(11, 49)], crs='EPSG:4326').to_parquet('${join(work, 'places.parquet')}')`]);
  }, { timeout: 180_000 });

  after(async () => {
    s3?.destroy();
    await stack?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const put = (key: string, body: Buffer | string) => s3.send(new PutObjectCommand({ Bucket: 'olive', Key: `coast/${key}`, Body: body }));

  test('a published repository\'s STAC catalog, COG and GeoParquet become searchable; edits and deletes follow', async () => {
    assertStatus(await owner.post('/api/v1/accounts/olive/repositories', { id: 'coast', title: 'Coast', dataConnectionId: 'local', visibility: 'public', state: 'published' }), 201);
    const empty = await stack.crawled('olive', 'coast');
    assert.deepEqual(empty.counts, { seen: 0, indexed: 0, invalid: 0, failed: 0 });

    let since = new Date().toISOString();
    for (const [key, path] of filesUnder(CATALOG)) await put(`stac/${key}`, readFileSync(path));
    await put('rasters/scene.tif', readFileSync(join(work, 'scene.tif')));
    await put('vectors/places.parquet', readFileSync(join(work, 'places.parquet')));
    await put('README.txt', 'about this repository');
    // Uploads queue crawls as they land: wait for the one that has seen them all.
    const first = await stack.crawled('olive', 'coast', since, (s) => s.counts.seen === 14);
    // 10 STAC documents and the fixture's README, the COG, the GeoParquet and the text file.
    assert.equal(first.counts.seen, 14);
    // 4 collections and 3 items from the catalog, one item per spatial file.
    assert.equal(first.counts.indexed, 9, JSON.stringify(first.problems));
    assert.equal(first.counts.failed, 0, JSON.stringify(first.problems));
    // Two examples reuse the simple item's id in its collection: each is reported, with its path.
    assert.deepEqual(first.problems.map((p) => [p.path, p.kind]), [['stac/core-item.json', 'invalid'], ['stac/extended-item.json', 'invalid']]);
    assert.match(first.problems[0].message, /already used in collection olive\.coast\.simple-collection/);

    assert.deepEqual(await pystacSearch(stack.url, { collections: ['olive.coast.simple-collection'] }), ['20201211_223832_CS2']);
    assert.deepEqual(await pystacSearch(stack.url, { collections: ['olive.coast.extensions-collection'] }), ['proj-example']);
    assert.deepEqual(await pystacSearch(stack.url, { collections: ['olive.coast'] }), ['CS3-20160503_132131_08', 'rasters~scene.tif', 'vectors~places.parquet']);
    // The COG's footprint, in WGS84, is where UTM 33N puts it (about 15°E, 47.8°N).
    assert.deepEqual(await pystacSearch(stack.url, { bbox: [14.9, 47.7, 15.2, 47.9], collections: ['olive.coast'] }), ['rasters~scene.tif']);
    const scene = await (await fetch(`${stack.url}/stac/collections/olive.coast/items/rasters~scene.tif`)).json() as { properties: Record<string, unknown>; assets: { data: { href: string } } };
    assert.equal(scene.properties['proj:epsg'], 32633);
    // Every indexed item names its data's media type, so searches count and filter by file type.
    assert.equal(scene.properties['meridian:media_type'], 'image/tiff; application=geotiff; profile=cloud-optimized');
    const byType = await (await fetch(`${stack.url}/stac/aggregate?collections=olive.coast&aggregations=meridian:media_type_frequency`)).json() as
      { aggregations: { name: string; buckets: { key: string; frequency: number }[] }[] };
    assert.deepEqual(Object.fromEntries(byType.aggregations[0].buckets.map((b) => [b.key, b.frequency])), {
      'image/tiff; application=geotiff; profile=cloud-optimized': 1, 'application/vnd.apache.parquet': 1,
    }, 'the catalog\'s scene has a thumbnail and metadata typed, not its data: no file type');
    assert.equal(scene.assets.data.href, `${stack.url}/data/olive/coast/rasters/scene.tif`);
    // Its asset downloads through the data proxy.
    assert.equal((await fetch(scene.assets.data.href, { headers: { range: 'bytes=0-3' } })).status, 206);
    // The repository's collection covers its contents — the examples in California and by the antimeridian, the files in Europe.
    const collection = await (await fetch(`${stack.url}/stac/collections/olive.coast`)).json() as { extent: { spatial: { bbox: number[][] } } };
    const [west, south, east, north] = collection.extent.spatial.bbox[0];
    const covers = (lon: number, lat: number) => lat >= south && lat <= north && (west <= east ? lon >= west && lon <= east : lon >= west || lon <= east);
    assert.ok(covers(172.92, 1.35) && covers(15.07, 47.8) && covers(11, 49), JSON.stringify(collection.extent));

    // The status, for anyone who may read it (no report), and for the owner (the report).
    const anonymous = await new Browser(stack.url).get('/api/v1/repositories/olive/coast/index');
    assertStatus(anonymous, 200);
    assert.equal(anonymous.body.state, 'indexed');
    assert.equal(anonymous.body.problemCount, 2);
    assert.equal(anonymous.body.problems, undefined);
    const mine = await owner.get('/api/v1/repositories/olive/coast/index');
    assert.deepEqual(mine.body.counts, first.counts);
    assert.equal(mine.body.problems.length, 2);

    // Edit an item, replace the COG by one elsewhere, delete an item the catalog links to and the GeoParquet.
    since = new Date().toISOString();
    const item = JSON.parse(readFileSync(join(CATALOG, 'simple-item.json'), 'utf8'));
    item.properties.platform = 'edited-by-the-test';
    await put('stac/simple-item.json', JSON.stringify(item));
    await gdal('gdal_translate', '-of', 'COG', '-a_ullr', '600000', '5300000', '610240', '5289760', join(work, 'plain.tif'), join(work, 'moved.tif'));
    await put('rasters/scene.tif', readFileSync(join(work, 'moved.tif')));
    await s3.send(new DeleteObjectCommand({ Bucket: 'olive', Key: 'coast/stac/collectionless-item.json' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'olive', Key: 'coast/vectors/places.parquet' }));
    const second = await stack.crawled('olive', 'coast', since, (s) => s.counts.seen === 12);
    assert.equal(second.counts.indexed, 7);
    assert.deepEqual(await pystacSearch(stack.url, { collections: ['olive.coast'] }), ['rasters~scene.tif']);
    assert.deepEqual(await pystacSearch(stack.url, { filter: "platform = 'edited-by-the-test'", filter_lang: 'cql2-text' }), ['20201211_223832_CS2']);
    assert.deepEqual(await pystacSearch(stack.url, { bbox: [14.9, 47.7, 15.2, 47.9], collections: ['olive.coast'] }), []);
    assert.deepEqual(await pystacSearch(stack.url, { bbox: [16.2, 47.7, 16.5, 47.9], collections: ['olive.coast'] }), ['rasters~scene.tif']);
    // The catalog's link to the deleted item is now broken, and says so.
    assert.ok(second.problems.some((p) => p.path === 'stac/catalog.json' && /broken link/.test(p.message)), JSON.stringify(second.problems));
    assert.match(worker.output(), /crawled repository/);
  });

  test('a reindex request reads every file again; a reader may not ask for one; the events stream the status live', async () => {
    const reader = await new Browser(stack.url).as('rita');
    assertStatus(await reader.post('/api/v1/repositories/olive/coast/reindex', {}), 403);
    const events = new AbortController();
    const response = await fetch(`${stack.url}/api/v1/repositories/olive/coast/index/events`, { headers: { cookie: owner.cookie ?? '' }, signal: events.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const seen: { state: string; startedAt?: string }[] = [];
    const since = new Date().toISOString();
    const reading: Promise<void> = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          buffer = buffer.slice(end + 2);
          if (data) seen.push(JSON.parse(data));
        }
        if (seen.length > 1 && seen.at(-1)?.state === 'indexed' && (seen.at(-1)?.startedAt ?? '') > since) break;
      }
    })();
    const asked = await owner.post('/api/v1/repositories/olive/coast/reindex', {});
    assertStatus(asked, 202);
    assert.equal(asked.body.repository, 'olive/coast');
    const done = await stack.crawled('olive', 'coast', since);
    await reading.finally(() => events.abort());
    assert.equal(done.reindexRequested, undefined, 'the request is taken by the crawl');
    assert.equal(done.counts.indexed, 7);
    // The first event is the status as it stood; later ones follow the reindex (queued, perhaps crawling — a crawl this small may
    // start and end between two polls — and indexed), without a new request.
    assert.equal(seen[0].state, 'indexed');
    assert.ok((seen[0].startedAt ?? '') < since);
    assert.equal(seen.at(-1)?.state, 'indexed');
    assert.equal(seen.at(-1)?.startedAt, done.startedAt);
  });
});
