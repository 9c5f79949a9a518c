// The catalog index contract on a real OpenSearch node (from Maven Central, see
// scripts/opensearch.sh), started once for this file on a free loopback port; every
// case gets indices of its own under a fresh prefix, deleted when it closes. Then
// what only the search-engine adapter promises: reindexing through aliases while
// searches go on, per-item bulk errors from the engine, a bounded numberMatched.
// The contract runs on both index layouts (one index routed by collection, the
// default, and an index per collection). Without the node installed the suite is
// skipped, unless MERIDIAN_REQUIRE_SERVICES=1 (CI), which fails.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { catalogIndexContract } from '../src/catalog-index/catalog-index.contract.ts';
import type { CatalogIndex } from '../src/catalog-index/catalog-index.port.ts';
import { openCatalogIndex } from '../src/catalog-index/open-catalog-index.ts';
import { openOpenSearchCatalogIndex } from '../src/catalog-index/search-engine/opensearch.catalog-index.ts';
import type { SearchEngineCatalogIndex, SearchEngineCatalogOptions } from '../src/catalog-index/search-engine/search-engine.catalog-index.ts';
import { loadConfig } from '../src/config/config.ts';
import { searchEngineAdapterCases } from '../src/catalog-index/search-engine/search-engine.adapter-cases.ts';
import { serviceSuite } from '../src/testing/loopback-server.ts';
import { openSearchMissing, startOpenSearch, type OpenSearchNode } from '../src/testing/opensearch-node.ts';
import { deletingOnClose } from '../src/testing/deleting-on-close.ts';

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
});
