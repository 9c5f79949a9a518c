// The catalog index contract on Elasticsearch, when MERIDIAN_ELASTICSEARCH_URL names
// a cluster to use (an Elasticsearch 9 node: the 9.x client speaks only to 9.x).
// Tests cannot start one here: none can be provisioned from the registries this
// project reaches. Maven Central has the 9.x server jar but not the modules a node
// needs (lang-painless, analysis-common, reindex, x-pack spatial for geo_shape);
// codelibs' elasticsearch-cluster-runner there stops at 7.10.2, which starts but
// refuses geo_shape ("No handler for type [geo_shape]") and the 9.x client
// ("Content-Type header [application/vnd.elasticsearch+json; compatible-with=9] is
// not supported"), as OpenSearch does. So, unlike OpenSearch, this suite is
// skipped even when MERIDIAN_REQUIRE_SERVICES=1: the shared code is proven on
// OpenSearch, and only the client calls of elasticsearch.catalog-index.ts wait here.
import { test } from 'node:test';
import { catalogIndexContract } from '../src/catalog-index/catalog-index.contract.ts';
import type { CatalogIndex } from '../src/catalog-index/catalog-index.port.ts';
import { openElasticsearchCatalogIndex } from '../src/catalog-index/search-engine/elasticsearch.catalog-index.ts';
import { searchEngineAdapterCases } from '../src/catalog-index/search-engine/search-engine.adapter-cases.ts';
import type { SearchEngineCatalogIndex, SearchEngineCatalogOptions } from '../src/catalog-index/search-engine/search-engine.catalog-index.ts';
import { deletingOnClose } from '../src/testing/deleting-on-close.ts';

const url = process.env.MERIDIAN_ELASTICSEARCH_URL;

if (!url) {
  test('catalog index contract: Elasticsearch', {
    skip: 'no Elasticsearch 9 node can be provisioned from the registries here (see this file); set MERIDIAN_ELASTICSEARCH_URL to run it against one',
  }, () => {});
} else {
  // A prefix of its own per run, so that a shared cluster keeps other data apart.
  const run = `es-${process.pid}-${Date.now().toString(36)}`;
  let cases = 0;
  const open = async (options: Partial<Omit<SearchEngineCatalogOptions, 'client'>> = {}): Promise<SearchEngineCatalogIndex> =>
    deletingOnClose(await openElasticsearchCatalogIndex(url, { indexPrefix: `${run}-${++cases}`, replicas: 0, ...options }));
  catalogIndexContract('Elasticsearch', (): Promise<CatalogIndex> => open());
  searchEngineAdapterCases('Elasticsearch', open);
}
