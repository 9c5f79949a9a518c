// The catalog index contract on a real OpenSearch node (from Maven Central, see
// scripts/opensearch.sh), started once for this file on a free loopback port; every
// case gets indices of its own under a fresh prefix, deleted when it closes. Then
// what only the search-engine adapter promises: reindexing through aliases while
// searches go on, per-item bulk errors from the engine, a bounded numberMatched.
// The contract runs on both index layouts (one index routed by collection, the
// default, and an index per collection). Without the node installed the suite is
// skipped, unless MERIDIAN_REQUIRE_SERVICES=1 (CI), which fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { catalogIndexContract } from '../src/catalog-index/catalog-index.contract.ts';
import { syntheticCorpus } from '../src/catalog-index/contract/corpus.ts';
import type { CatalogIndex } from '../src/catalog-index/catalog-index.port.ts';
import { openCatalogIndex } from '../src/catalog-index/open-catalog-index.ts';
import { openOpenSearchCatalogIndex } from '../src/catalog-index/search-engine/opensearch.catalog-index.ts';
import type { SearchEngineCatalogIndex, SearchEngineCatalogOptions } from '../src/catalog-index/search-engine/search-engine.catalog-index.ts';
import { loadConfig } from '../src/config/config.ts';
import { searchEngineAdapterCases } from '../src/catalog-index/search-engine/search-engine.adapter-cases.ts';
import { serviceSuite } from '../src/testing/loopback-server.ts';
import { openSearchMissing, startOpenSearch, type OpenSearchNode } from '../src/testing/opensearch-node.ts';
import { deletingOnClose } from '../src/testing/deleting-on-close.ts';
import { toItemRecord } from '../src/catalog-index/index-record.ts';
import { indexBody, MAPPING_VERSION } from '../src/catalog-index/search-engine/index-mapping.ts';
import { documentId, itemDocument, PUBLIC_ACCESS } from '../src/catalog-index/search-engine/search-documents.ts';
import { parseItemSearch } from '../src/stac/search/search-request.ts';
import type { StacItem } from '../src/stac/stac-types.ts';

serviceSuite('catalog index contract: OpenSearch', openSearchMissing(), () => {
  let node: OpenSearchNode | undefined;
  before(async () => {
    node = await startOpenSearch();
  }, { timeout: 200_000 });
  after(() => node?.stop());

  let cases = 0;
  const open = async (options: Partial<Omit<SearchEngineCatalogOptions, 'client'>> = {}) => deletingOnClose(await openOpenSearchCatalogIndex(
    (node as OpenSearchNode).url, { indexPrefix: `case-${++cases}`, replicas: 0, ...options },
  ));

  catalogIndexContract('OpenSearch', (): Promise<CatalogIndex> => open());
  catalogIndexContract('OpenSearch, an index per collection', (): Promise<CatalogIndex> => open({ layout: 'per-collection' }));
  searchEngineAdapterCases('OpenSearch', open);

  test('openCatalogIndex opens the configured cluster with the configured prefix, shards and replicas', async () => {
    const config = loadConfig({
      DATA_DIR: tmpdir(), CATALOG_BACKEND: 'opensearch', SEARCH_URL: (node as OpenSearchNode).url,
      SEARCH_INDEX_PREFIX: 'from-config', SEARCH_SHARDS: '2', SEARCH_REPLICAS: '0',
    });
    const index = deletingOnClose(await openCatalogIndex(config) as SearchEngineCatalogIndex);
    try {
      assert.deepEqual((await index.indices()).sort(), ['from-config-collections_v1', 'from-config-items_v1']);
      const settings = await (await fetch(`${config.search.url?.href}from-config-items/_settings`)).json() as Record<string, { settings: { index: Record<string, string> } }>;
      const { number_of_shards: shards, number_of_replicas: replicas } = settings['from-config-items_v1'].settings.index;
      assert.deepEqual({ shards, replicas }, { shards: '2', replicas: '0' });
    } finally {
      await index.close();
    }
  });

  test('items indexed with mapping 1 (the item in `doc`) are read, written and searched after the upgrade; reindex rewrites them as text', async () => {
    const url = (node as OpenSearchNode).url;
    const engine = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/x-ndjson' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
      return response.json() as Promise<Record<string, any>>;
    };
    // The items index as mapping 1 made it, holding documents of that form.
    const current = indexBody('items', { shards: 2, replicas: 0, maxResultWindow: 10_001 });
    const { json: _json, links: _links, ...properties } = current.mappings.properties as Record<string, unknown>;
    await engine('PUT', '/legacy-items_v1', {
      settings: current.settings, aliases: { 'legacy-items': { is_write_index: true } },
      mappings: { ...current.mappings, _meta: { meridian_mapping_version: 1, kind: 'items' }, properties },
    });
    const { collections, items } = syntheticCorpus();
    const old = items.slice(0, 30);
    const lines = old.flatMap((item) => {
      const { json: _j, links: _l, ...document } = itemDocument(toItemRecord(item), PUBLIC_ACCESS);
      return [JSON.stringify({ index: { _id: documentId(item.collection as string, item.id), routing: item.collection } }), JSON.stringify({ ...document, doc: item })];
    });
    const bulk = await engine('POST', '/legacy-items/_bulk?refresh=true', `${lines.join('\n')}\n`);
    assert.equal(bulk.errors, false);

    const index = deletingOnClose(await openOpenSearchCatalogIndex(url, { indexPrefix: 'legacy', replicas: 0 }));
    try {
      await index.upsertCollections(collections);
      const fresh = items.slice(30, 40);
      assert.deepEqual(await index.upsertItems(fresh), { written: fresh.length, errors: [] }, 'the new form is written into the old index');
      const everything = parseItemSearch({ limit: 1000, sortby: 'id' }, 'POST', { defaultLimit: 10, maxLimit: 10_000 }).search;
      const check = async (when: string) => {
        for (const item of [...old, ...fresh]) assert.deepEqual(await index.getItem({ collection: item.collection as string, id: item.id }), item, `${when}: ${item.id}`);
        const page = await index.searchItemTexts(everything);
        assert.equal(page.numberMatched, old.length + fresh.length);
        for (const text of page.features) {
          const { links, ...rest } = [...old, ...fresh].find((i) => i.id === text.id && i.collection === text.collection) as StacItem;
          assert.deepEqual([JSON.parse(text.json), text.links], [rest, links], `${when}: ${text.id} as text`);
        }
      };
      await check('before the reindex');
      assert.deepEqual(await index.reindex(), ['legacy-collections_v2', 'legacy-items_v2']);
      await check('after the reindex');
      const stored = await engine('POST', '/legacy-items/_search', { size: 1000, _source: ['doc', 'json'] });
      assert.equal(stored.hits.hits.length, old.length + fresh.length);
      for (const hit of stored.hits.hits) assert.deepEqual(Object.keys(hit._source), ['json'], 'every document holds its item as text, none in `doc`');
      assert.equal((await engine('GET', '/legacy-items/_mapping'))['legacy-items_v2'].mappings._meta.meridian_mapping_version, MAPPING_VERSION);
    } finally {
      await index.close();
    }
  });

  test('npm run reindex:search moves the configured catalog to its next generation', async () => {
    const env = { ...process.env, DATA_DIR: tmpdir(), CATALOG_BACKEND: 'opensearch', SEARCH_URL: (node as OpenSearchNode).url, SEARCH_INDEX_PREFIX: 'cli', SEARCH_REPLICAS: '0', LOG_LEVEL: 'silent' };
    const index = deletingOnClose(await openCatalogIndex(loadConfig(env)) as SearchEngineCatalogIndex);
    try {
      const { collections, items } = syntheticCorpus();
      await index.upsertCollections(collections);
      await index.upsertItems(items.slice(0, 5));
      const cli = fileURLToPath(new URL('../src/catalog-index/search-engine/reindex-cli.ts', import.meta.url));
      const { stdout } = await promisify(execFile)(process.execPath, [cli], { env });
      assert.match(stdout, /^reindexed into cli-collections_v2, cli-items_v2 in \d+\.\d s\n$/);
      assert.deepEqual((await index.indices()).sort(), ['cli-collections_v2', 'cli-items_v2']);
      assert.deepEqual(await index.getItem({ collection: items[3].collection as string, id: items[3].id }), items[3]);
    } finally {
      await index.close();
    }
  });
});
