// Conformance classes declared on the landing page and /conformance. Clients
// match these as exact strings, so each is the URI of the release implemented.
// Pre-final CQL2 names are declared too: stac-api-validator and older clients
// only recognise those, and the operators behind them are the same.
export const CONFORMANCE = [
  'https://api.stacspec.org/v1.0.0/core',
  'https://api.stacspec.org/v1.0.0/collections',
  'https://api.stacspec.org/v1.0.0/ogcapi-features',
  'https://api.stacspec.org/v1.0.0/item-search',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',

  'https://api.stacspec.org/v1.0.0/item-search#filter',
  'https://api.stacspec.org/v1.0.0/ogcapi-features#filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison',
  'http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/array-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/property-property',
  'http://www.opengis.net/spec/cql2/1.0/conf/arithmetic',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/spatial-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/temporal-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/array-operators',

  'https://api.stacspec.org/v1.0.0/item-search#fields',
  'https://api.stacspec.org/v1.0.0/ogcapi-features#fields',
  'https://api.stacspec.org/v1.0.0/item-search#query',
  'https://api.stacspec.org/v1.0.0/ogcapi-features#query',
  // pystac-client only enables sorting for a v1.0.x URI; v1.1.0 adds sortables.
  'https://api.stacspec.org/v1.0.0/item-search#sort',
  'https://api.stacspec.org/v1.1.0/item-search#sort',
  'https://api.stacspec.org/v1.1.0/ogcapi-features#sort',
  'https://api.stacspec.org/v1.1.0/collection-search#sort',
  'https://api.stacspec.org/v1.1.0/item-search#sortables',
  'http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables',

  'https://api.stacspec.org/v1.0.0-rc.1/item-search#free-text',
  'https://api.stacspec.org/v1.0.0-rc.1/item-search#advanced-free-text',
  'https://api.stacspec.org/v1.0.0-rc.1/ogcapi-features#free-text',
  'https://api.stacspec.org/v1.0.0-rc.1/ogcapi-features#advanced-free-text',
  'https://api.stacspec.org/v1.0.0-rc.1/collection-search#free-text',
  'https://api.stacspec.org/v1.0.0-rc.1/collection-search#advanced-free-text',

  'https://api.stacspec.org/v1.0.0-rc.1/collection-search',
  'https://api.stacspec.org/v1.0.0-rc.1/collection-search#filter',
  'https://api.stacspec.org/v1.0.0-rc.1/collection-search#fields',
  'https://api.stacspec.org/v1.0.0-rc.1/collection-search#query',
  'http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/simple-query',

  'https://api.stacspec.org/v0.3.0/aggregation',
  'https://api.stacspec.org/v0.3.0/aggregation#query',
  'https://api.stacspec.org/v0.3.0/aggregation#filter',

  'https://api.stacspec.org/v1.0.0/ogcapi-features/extensions/transaction',
  'https://api.stacspec.org/v1.0.0/collections/extensions/transaction',
];
