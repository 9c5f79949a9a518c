// The catalog index contract on a real OpenSearch node (from Maven Central, see
// scripts/opensearch.sh), started once for this file on a free loopback port; every
// case gets indices of its own under a fresh prefix, deleted when it closes. Then
// what only the search-engine adapter promises: reindexing through aliases while
// searches go on, per-item bulk errors from the engine, a bounded numberMatched.
// The contract runs on both index layouts (one index routed by collection, the
// default, and an index per collection). Without the node installed the suite is
// skipped, unless MERIDIAN_REQUIRE_SERVICES=1 (CI), which fails.
import { after, before } from 'node:test';
import { catalogIndexContract } from '../src/catalog-index/catalog-index.contract.ts';
import type { CatalogIndex } from '../src/catalog-index/catalog-index.port.ts';
import { openOpenSearchCatalogIndex } from '../src/catalog-index/search-engine/opensearch.catalog-index.ts';
import type { SearchEngineCatalogOptions } from '../src/catalog-index/search-engine/search-engine.catalog-index.ts';
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
});
