// `npm run reindex:search`: moves the search-engine catalog (CATALOG_BACKEND opensearch or
// elasticsearch, SEARCH_URL…) to new indices with the current mapping, behind its
// aliases, while the api keeps serving from the old ones until the swap. Run it
// after an upgrade that changes the mapping, or to apply new SEARCH_SHARDS.
import { ConfigError, loadConfig } from '../../config/config.ts';
import { openCatalogIndex } from '../open-catalog-index.ts';
import { SearchEngineCatalogIndex } from './search-engine.catalog-index.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`meridian reindex: configuration error: ${error.message}`);
  process.exit(78);
}
if (config.catalogBackend === 'sqlite') {
  console.error('meridian reindex: CATALOG_BACKEND is sqlite; reindexing is for opensearch and elasticsearch');
  process.exit(78);
}
const catalog = await openCatalogIndex(config);
if (!(catalog instanceof SearchEngineCatalogIndex)) throw new Error('openCatalogIndex gave no search-engine catalog');
try {
  const started = Date.now();
  const indices = await catalog.reindex();
  console.log(`reindexed into ${indices.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await catalog.close();
}
