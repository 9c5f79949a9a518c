// The catalog index the configuration names: the embedded SQLite file, or the
// indices of an OpenSearch or Elasticsearch cluster (created on first use).
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { CatalogIndex } from './catalog-index.port.ts';
import { openElasticsearchCatalogIndex } from './search-engine/elasticsearch.catalog-index.ts';
import { openOpenSearchCatalogIndex } from './search-engine/opensearch.catalog-index.ts';
import { SqliteCatalogIndex } from './sqlite/sqlite.catalog-index.ts';

export async function openCatalogIndex(config: Config): Promise<CatalogIndex> {
  if (config.catalogBackend === 'sqlite') return new SqliteCatalogIndex(join(config.dataDir, 'catalog.sqlite'), { indexedProperties: config.catalogIndexedProperties });
  const { url, indexPrefix, layout, shards, replicas, countLimit, refresh } = config.search;
  // loadConfig requires SEARCH_URL with a search-engine backend.
  const options = { indexPrefix, layout, shards, replicas, countLimit, refresh, maxLimit: config.stac.maxLimit };
  return config.catalogBackend === 'opensearch'
    ? openOpenSearchCatalogIndex((url as URL).href, options)
    : openElasticsearchCatalogIndex((url as URL).href, options);
}
