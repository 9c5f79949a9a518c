// Only what changed is read again. The indexer process reaches the api through
// a forwarding HTTP server of this test's that records every request it makes
// (support/indexer-stack.ts runs the rest); after each change, the requests for
// files are exactly the changed ones — a GeoJSON file, a STAC item — none after
// a delete, and all of them after a reindex request.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { redisServerMissing } from '@meridian/core/testing/redis-server';
import { assertStatus, Browser } from '../../api/test/http-client.ts';
import { startIndexerStack, type IndexerStack } from './support/indexer-stack.ts';

const point = (n: number) => JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { n }, geometry: { type: 'Point', coordinates: [n, n] } }] });
const item = (id: string, cloud: number) => JSON.stringify({
  type: 'Feature', stac_version: '1.0.0', id, geometry: { type: 'Point', coordinates: [5, 5] }, bbox: [5, 5, 5, 5],
  properties: { datetime: '2024-01-01T00:00:00Z', 'eo:cloud_cover': cloud }, links: [], assets: {},
});

serviceSuite('indexer: a crawl reads only the objects whose ETag changed', redisServerMissing(), () => {
  let stack: IndexerStack;
  let forwarder: Server;
  let owner: Browser;
  const requested: string[] = [];
  let root: string;

  before(async () => {
    stack = await startIndexerStack();
    // Every request the indexer makes, recorded, then passed on to the api unchanged.
    forwarder = createServer(async (req, res) => {
      requested.push(`${req.method} ${req.url}`);
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req) as ReadableStream;
      const answer = await fetch(stack.url + req.url, { method: req.method, headers: req.headers as Record<string, string>, body, duplex: 'half', redirect: 'manual' } as RequestInit);
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve));
    await stack.startWorker({ INDEXER_API_URL: `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}` });
    owner = await new Browser(stack.url).as('olive');
    root = join(stack.filesDir, 'olive', 'steady');
    mkdirSync(join(root, 'points'), { recursive: true });
    mkdirSync(join(root, 'stac'), { recursive: true });
    for (let n = 0; n < 5; n++) writeFileSync(join(root, 'points', `p${n}.geojson`), point(n));
    writeFileSync(join(root, 'stac', 'catalog.json'), JSON.stringify({
      type: 'Catalog', stac_version: '1.0.0', id: 'steady', description: 'steady', links: [{ rel: 'item', href: './a.json' }, { rel: 'item', href: './b.json' }],
    }));
    writeFileSync(join(root, 'stac', 'a.json'), item('a', 10));
    writeFileSync(join(root, 'stac', 'b.json'), item('b', 20));
  }, { timeout: 120_000 });
  after(async () => {
    await new Promise((resolve) => forwarder?.close(resolve));
    await stack?.close();
  });

  /** Runs a crawl asked for by `trigger`; answers the files it read (GETs under /data/olive/steady/), sorted. */
  async function crawlAfter(trigger: () => Promise<void>, seen: number): Promise<string[]> {
    const since = new Date().toISOString();
    requested.length = 0;
    await trigger();
    await stack.crawled('olive', 'steady', since, (s) => s.counts.seen === seen);
    return requested.filter((r) => r.startsWith('GET /data/olive/steady/')).map((r) => r.slice('GET /data/olive/steady/'.length)).sort();
  }
  const touch = (description: string) => async () => assertStatus(await owner.patch('/api/v1/repositories/olive/steady', { description }), 200);
  const ids = async () => ((await (await fetch(`${stack.url}/stac/search?collections=olive.steady,olive.steady&limit=100`)).json()) as { features: { id: string }[] })
    .features.map((f) => f.id).sort();

  test('first crawl reads everything; then only a changed GeoJSON file, only a changed STAC item, nothing after a delete; a reindex reads all', async () => {
    const first = await crawlAfter(async () => {
      assertStatus(await owner.post('/api/v1/accounts/olive/repositories', { id: 'steady', title: 'Steady', dataConnectionId: 'local', visibility: 'public', state: 'published' }), 201);
    }, 8);
    assert.deepEqual(first, ['points/p0.geojson', 'points/p1.geojson', 'points/p2.geojson', 'points/p3.geojson', 'points/p4.geojson', 'stac/a.json', 'stac/b.json', 'stac/catalog.json']);
    assert.deepEqual(await ids(), ['a', 'b', 'points~p0.geojson', 'points~p1.geojson', 'points~p2.geojson', 'points~p3.geojson', 'points~p4.geojson']);

    assert.deepEqual(await crawlAfter(touch('nothing changed'), 8), [], 'nothing changed: nothing read');

    writeFileSync(join(root, 'points', 'p2.geojson'), point(22));
    assert.deepEqual(await crawlAfter(touch('one file'), 8), ['points/p2.geojson']);
    const moved = await (await fetch(`${stack.url}/stac/collections/olive.steady/items/points~p2.geojson`)).json() as { bbox: number[] };
    assert.deepEqual(moved.bbox, [22, 22, 22, 22]);

    writeFileSync(join(root, 'stac', 'b.json'), item('b', 99));
    assert.deepEqual(await crawlAfter(touch('one item'), 8), ['stac/b.json'], 'the walk runs again on cached documents');
    const b = await (await fetch(`${stack.url}/stac/search?ids=b`)).json() as { features: { properties: Record<string, unknown> }[] };
    assert.equal(b.features[0].properties['eo:cloud_cover'], 99);

    rmSync(join(root, 'points', 'p4.geojson'));
    assert.deepEqual(await crawlAfter(touch('one deleted'), 7), []);
    assert.deepEqual(await ids(), ['a', 'b', 'points~p0.geojson', 'points~p1.geojson', 'points~p2.geojson', 'points~p3.geojson']);

    const all = await crawlAfter(async () => assertStatus(await owner.post('/api/v1/repositories/olive/steady/reindex', {}), 202), 7);
    assert.deepEqual(all, ['points/p0.geojson', 'points/p1.geojson', 'points/p2.geojson', 'points/p3.geojson', 'stac/a.json', 'stac/b.json', 'stac/catalog.json']);
  });
});
