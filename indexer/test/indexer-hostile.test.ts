// Hostile input through a real crawl (support/indexer-stack.ts, an indexer
// process): malformed JSON, a 1 GB "catalog.json", a link cycle, links to another
// repository, to an outside host and to an internal address, GeoTIFFs with broken
// headers. Each is reported with its path, the good files beside them are
// indexed, the indexer process lives on, and no request leaves for a linked host.
import assert from 'node:assert/strict';
import { mkdirSync, openSync, closeSync, ftruncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { redisServerMissing } from '@meridian/core/testing/redis-server';
import { assertStatus, Browser } from '../../api/test/http-client.ts';
import { gdal, gdalMissing } from './support/gdal.ts';
import { startIndexerStack, type IndexerStack, type IndexerWorker } from './support/indexer-stack.ts';

const stac = (fields: Record<string, unknown>) => JSON.stringify({ stac_version: '1.0.0', links: [], ...fields });
const catalog = (id: string, links: { rel: string; href: string }[]) => stac({ type: 'Catalog', id, description: id, links });

serviceSuite('indexer: hostile input is reported, and none of it stops the indexer', redisServerMissing() ?? await gdalMissing(), () => {
  let stack: IndexerStack;
  let worker: IndexerWorker;
  let owner: Browser;
  let outside: Server;
  let outsideRequests = 0;

  before(async () => {
    stack = await startIndexerStack();
    worker = await stack.startWorker();
    owner = await new Browser(stack.url).as('olive');
    outside = createServer((_req, res) => {
      outsideRequests++;
      res.end(stac({ type: 'Catalog', id: 'bait', description: 'never fetched' }));
    });
    await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
  }, { timeout: 120_000 });
  after(async () => {
    await new Promise((resolve) => outside?.close(resolve));
    await stack?.close();
  });

  test('each hostile file is a problem with its path; the rest is indexed; the indexer lives on', async () => {
    for (const id of ['hostile', 'neighbour']) {
      assertStatus(await owner.post('/api/v1/accounts/olive/repositories', { id, title: id, dataConnectionId: 'local', visibility: 'public', state: 'published' }), 201);
    }
    const root = join(stack.filesDir, 'olive', 'hostile');
    const at = (key: string) => {
      mkdirSync(join(root, key, '..'), { recursive: true });
      return join(root, key);
    };
    const outsideUrl = `http://127.0.0.1:${(outside.address() as AddressInfo).port}/catalog.json`;
    writeFileSync(at('broken/not-json.json'), '{"type": "Catalog", "stac_version": "1.0.0", "id": ');
    // 1 GB, sparse: its size alone refuses it.
    const big = openSync(at('huge/catalog.json'), 'w');
    ftruncateSync(big, 1024 ** 3);
    closeSync(big);
    writeFileSync(at('cycle/a/catalog.json'), catalog('a', [{ rel: 'child', href: '../b/catalog.json' }]));
    writeFileSync(at('cycle/b/catalog.json'), catalog('b', [{ rel: 'child', href: '../a/catalog.json' }, { rel: 'item', href: './item.json' }]));
    writeFileSync(at('cycle/b/item.json'), stac({
      type: 'Feature', id: 'in-the-cycle', geometry: { type: 'Point', coordinates: [1, 2] }, bbox: [1, 2, 1, 2], properties: { datetime: '2024-01-01T00:00:00Z' }, assets: {},
    }));
    writeFileSync(at('links/catalog.json'), catalog('links', [
      { rel: 'child', href: `${stack.url}/data/olive/neighbour/catalog.json` },
      { rel: 'child', href: '../../neighbour/catalog.json' },
      { rel: 'child', href: outsideUrl },
      { rel: 'child', href: 'http://169.254.169.254/latest/meta-data/catalog.json' },
      { rel: 'item', href: 'file:///etc/passwd' },
      { rel: 'item', href: './missing.json' },
    ]));
    await gdal('gdal_create', '-of', 'GTiff', '-outsize', '64', '64', '-bands', '1', '-a_srs', 'EPSG:4326', '-a_ullr', '10', '50', '11', '49', at('rasters/good.tif'));
    copyFileSync(at('rasters/good.tif'), at('rasters/truncated.tif'));
    const truncated = openSync(at('rasters/truncated.tif'), 'r+');
    ftruncateSync(truncated, 100);
    closeSync(truncated);
    writeFileSync(at('rasters/garbage.tif'), Buffer.concat([Buffer.from('II*\0'), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(4096, 0xab)]));
    writeFileSync(at('rasters/not-a-tiff.tif'), 'plain text with a .tif name');

    const since = new Date().toISOString();
    assertStatus(await owner.post('/api/v1/repositories/olive/hostile/reindex', {}), 202);
    const status = await stack.crawled('olive', 'hostile', since, (s) => s.counts.seen === 10);
    const problems = (await owner.get('/api/v1/repositories/olive/hostile/index')).body.problems as { path: string; message: string }[];
    const about = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message).join(' | ');

    assert.match(about('broken/not-json.json'), /not JSON/);
    assert.match(about('huge/catalog.json'), /1073741824 bytes is larger than/);
    assert.match(about('links/catalog.json'), /another repository or path on the server/);
    assert.match(about('links/catalog.json'), /link to another host is not followed|link to an internal address is not followed/);
    assert.match(about('links/catalog.json'), /internal address is not followed: http:\/\/169\.254\.169\.254/);
    assert.match(about('links/catalog.json'), /file: URL is not followed/);
    assert.match(about('links/catalog.json'), /broken link: links\/missing\.json/);
    for (const tif of ['rasters/truncated.tif', 'rasters/garbage.tif', 'rasters/not-a-tiff.tif']) assert.notEqual(about(tif), '', `${tif} is reported`);
    assert.equal(outsideRequests, 0, 'no request to a linked host');

    // The cycle was walked once: its item is indexed once; the good raster too.
    const items = await (await fetch(`${stack.url}/stac/search?collections=olive.hostile&limit=100`)).json() as { features: { id: string }[] };
    assert.deepEqual(items.features.map((f) => f.id).sort(), ['in-the-cycle', 'rasters~good.tif']);
    assert.equal(status.counts.failed, 3, JSON.stringify(problems));
    assert.equal(worker.child.exitCode, null, 'the indexer process is still running');
    assert.doesNotMatch(worker.output(), /"level":60/, 'nothing fatal was logged');
  });
});
