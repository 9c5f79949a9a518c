// The catalog a test server runs on. SQLite in the server's data directory by
// default; with MERIDIAN_TEST_CATALOG=opensearch, indices of their own (a fresh
// prefix per server, deleted when it closes) on the OpenSearch node at
// MERIDIAN_TEST_SEARCH_URL. The tests in ./opensearch/ run the STAC API's test
// files that way: each starts a node (onOpenSearch) and loads the file unchanged.
import { after } from 'node:test';
import { join } from 'node:path';
import type { CatalogIndex } from '@meridian/core/catalog-index/catalog-index.port';
import { openOpenSearchCatalogIndex } from '@meridian/core/catalog-index/search-engine/opensearch.catalog-index';
import { SqliteCatalogIndex } from '@meridian/core/catalog-index/sqlite/sqlite.catalog-index';
import { deletingOnClose } from '@meridian/core/testing/deleting-on-close';
import { serviceSuite } from '@meridian/core/testing/loopback-server';
import { openSearchMissing, startOpenSearch } from '@meridian/core/testing/opensearch-node';

let servers = 0;

export async function openTestCatalog(dataDir: string, maxLimit: number): Promise<CatalogIndex> {
  const backend = process.env.MERIDIAN_TEST_CATALOG ?? 'sqlite';
  if (backend === 'sqlite') return new SqliteCatalogIndex(join(dataDir, 'catalog.sqlite'));
  const url = process.env.MERIDIAN_TEST_SEARCH_URL;
  if (backend !== 'opensearch' || !url) throw new Error('MERIDIAN_TEST_CATALOG is sqlite (the default) or opensearch with MERIDIAN_TEST_SEARCH_URL');
  return deletingOnClose(await openOpenSearchCatalogIndex(url, { indexPrefix: `api-${process.pid}-${++servers}`, replicas: 0, maxLimit }));
}

/**
 * Runs a test file (loaded by `load`) with every test server on a real OpenSearch
 * node started for this process; skips, or fails under MERIDIAN_REQUIRE_SERVICES=1,
 * when none is installed.
 */
export async function onOpenSearch(name: string, load: () => Promise<unknown>): Promise<void> {
  const missing = openSearchMissing();
  if (missing) {
    serviceSuite(name, missing, () => {});
    return;
  }
  const node = await startOpenSearch();
  process.env.MERIDIAN_TEST_CATALOG = 'opensearch';
  process.env.MERIDIAN_TEST_SEARCH_URL = node.url;
  await load();
  // Registered after the file's own hooks, so that it runs after they have closed their servers.
  after(() => node.stop());
}
