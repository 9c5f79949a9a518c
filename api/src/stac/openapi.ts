// The service description (OpenAPI 3.0) of the STAC API, served at /stac/api.
const ref = (name: string) => ({ $ref: `#/components/${name}` });
const json = (schema: object, type = 'application/json') => ({ content: { [type]: { schema } } });
const ok = (description: string, schema: object = { type: 'object' }, type = 'application/json') => ({ description, ...json(schema, type) });
const errors = {
  400: { description: 'The request is malformed; the body says what was wrong.', ...json(ref('schemas/Error')) },
  404: { description: 'No such resource.', ...json(ref('schemas/Error')) },
};
const writeErrors = { ...errors, 401: { description: 'No valid admin bearer token.', ...json(ref('schemas/Error')) } };
const query = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

const searchParameters = [
  ref('parameters/bbox'), ref('parameters/intersects'), ref('parameters/datetime'), ref('parameters/limit'), ref('parameters/ids'),
  ref('parameters/collections'), ref('parameters/filter'), ref('parameters/filter-lang'), ref('parameters/filter-crs'), ref('parameters/sortby'),
  ref('parameters/fields'), ref('parameters/query'), ref('parameters/q'), ref('parameters/token'),
];

const aggregateParameters = [
  query('aggregations', 'Comma-separated aggregation names (see /aggregations)'), query('datetime_frequency_interval', 'year, month or day'),
  query('centroid_geotile_grid_frequency_precision', 'Tile zoom 0-24', { type: 'integer', minimum: 0, maximum: 24 }),
];

export function openApiDocument(serverUrl: string, title: string, description: string) {
  const itemCollection = ok('A page of items, with next/prev links.', ref('schemas/ItemCollection'), 'application/geo+json');
  return {
    openapi: '3.0.3',
    info: { title, description, version: '1.0.0', license: { name: 'Apache-2.0' } },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'Core' }, { name: 'Collections' }, { name: 'Item Search' }, { name: 'Filter' }, { name: 'Aggregation' }, { name: 'Transaction' },
    ],
    paths: {
      '/': { get: { tags: ['Core'], summary: 'Landing page', operationId: 'getLandingPage', responses: { 200: ok('The landing page') } } },
      '/conformance': { get: { tags: ['Core'], summary: 'Conformance classes', operationId: 'getConformance', responses: { 200: ok('Conformance classes') } } },
      '/api': { get: { tags: ['Core'], summary: 'This document', operationId: 'getOpenApi', responses: { 200: ok('OpenAPI 3.0', {}, 'application/vnd.oai.openapi+json;version=3.0') } } },
      '/collections': {
        get: {
          tags: ['Collections'], summary: 'Search collections', operationId: 'getCollections',
          parameters: [ref('parameters/bbox'), ref('parameters/datetime'), ref('parameters/limit'), ref('parameters/ids'), ref('parameters/filter'),
            ref('parameters/filter-lang'), ref('parameters/sortby'), ref('parameters/fields'), ref('parameters/query'), ref('parameters/q'), ref('parameters/token')],
          responses: { 200: ok('A page of collections', ref('schemas/Collections')), ...errors },
        },
        post: { tags: ['Transaction'], summary: 'Create a collection', operationId: 'postCollection', security: [{ admin: [] }],
          requestBody: { required: true, ...json(ref('schemas/Collection')) },
          responses: { 201: ok('Created', ref('schemas/Collection')), 409: { description: 'It exists already' }, ...writeErrors } },
      },
      '/collections/{collectionId}': {
        parameters: [path('collectionId')],
        get: { tags: ['Collections'], summary: 'A collection', operationId: 'getCollection', responses: { 200: ok('The collection', ref('schemas/Collection')), ...errors } },
        put: { tags: ['Transaction'], summary: 'Replace a collection', operationId: 'putCollection', security: [{ admin: [] }],
          requestBody: { required: true, ...json(ref('schemas/Collection')) }, responses: { 204: { description: 'Replaced' }, ...writeErrors } },
        patch: { tags: ['Transaction'], summary: 'Update a collection (JSON merge patch)', operationId: 'patchCollection', security: [{ admin: [] }],
          requestBody: { required: true, ...json({ type: 'object' }, 'application/merge-patch+json') }, responses: { 204: { description: 'Updated' }, ...writeErrors } },
        delete: { tags: ['Transaction'], summary: 'Delete a collection and its items', operationId: 'deleteCollection', security: [{ admin: [] }],
          responses: { 204: { description: 'Deleted' }, ...writeErrors } },
      },
      '/collections/{collectionId}/items': {
        parameters: [path('collectionId')],
        get: { tags: ['Collections'], summary: 'Items of a collection', operationId: 'getFeatures',
          parameters: searchParameters.filter((p) => p.$ref !== '#/components/parameters/collections'), responses: { 200: itemCollection, ...errors } },
        post: { tags: ['Transaction'], summary: 'Create an item, or create/replace the items of an ItemCollection', operationId: 'postFeature',
          security: [{ admin: [] }], requestBody: { required: true, ...json({ oneOf: [ref('schemas/Item'), ref('schemas/ItemCollection')] }, 'application/geo+json') },
          responses: { 201: ok('Created', ref('schemas/Item'), 'application/geo+json'), 409: { description: 'It exists already' }, ...writeErrors } },
      },
      '/collections/{collectionId}/items/{itemId}': {
        parameters: [path('collectionId'), path('itemId')],
        get: { tags: ['Collections'], summary: 'An item', operationId: 'getFeature', responses: { 200: ok('The item', ref('schemas/Item'), 'application/geo+json'), ...errors } },
        put: { tags: ['Transaction'], summary: 'Replace an item', operationId: 'putFeature', security: [{ admin: [] }],
          requestBody: { required: true, ...json(ref('schemas/Item'), 'application/geo+json') }, responses: { 204: { description: 'Replaced' }, ...writeErrors } },
        patch: { tags: ['Transaction'], summary: 'Update an item (JSON merge patch)', operationId: 'patchFeature', security: [{ admin: [] }],
          requestBody: { required: true, ...json({ type: 'object' }, 'application/merge-patch+json') }, responses: { 204: { description: 'Updated' }, ...writeErrors } },
        delete: { tags: ['Transaction'], summary: 'Delete an item', operationId: 'deleteFeature', security: [{ admin: [] }],
          responses: { 204: { description: 'Deleted (or already absent)' }, ...writeErrors } },
      },
      '/search': {
        get: { tags: ['Item Search'], summary: 'Search items', operationId: 'getItemSearch', parameters: searchParameters, responses: { 200: itemCollection, ...errors } },
        post: { tags: ['Item Search'], summary: 'Search items', operationId: 'postItemSearch', requestBody: { required: true, ...json(ref('schemas/SearchBody')) },
          responses: { 200: itemCollection, ...errors } },
      },
      '/queryables': { get: { tags: ['Filter'], summary: 'Queryables of all collections', operationId: 'getQueryables', responses: { 200: ok('JSON Schema', {}, 'application/schema+json') } } },
      '/collections/{collectionId}/queryables': { parameters: [path('collectionId')],
        get: { tags: ['Filter'], summary: 'Queryables of a collection', operationId: 'getCollectionQueryables', responses: { 200: ok('JSON Schema', {}, 'application/schema+json'), ...errors } } },
      '/sortables': { get: { tags: ['Item Search'], summary: 'Sortable fields', operationId: 'getSortables', responses: { 200: ok('JSON Schema', {}, 'application/schema+json') } } },
      '/collections/{collectionId}/sortables': { parameters: [path('collectionId')],
        get: { tags: ['Item Search'], summary: 'Sortable fields of a collection', operationId: 'getCollectionSortables', responses: { 200: ok('JSON Schema', {}, 'application/schema+json'), ...errors } } },
      '/aggregate': {
        get: { tags: ['Aggregation'], summary: 'Aggregate the items matching a search', operationId: 'getAggregate',
          parameters: [...aggregateParameters, ...searchParameters], responses: { 200: ok('AggregationCollection'), ...errors } },
        post: { tags: ['Aggregation'], summary: 'Aggregate the items matching a search', operationId: 'postAggregate', requestBody: { required: true, ...json(ref('schemas/SearchBody')) },
          responses: { 200: ok('AggregationCollection'), ...errors } },
      },
      '/aggregations': { get: { tags: ['Aggregation'], summary: 'Available aggregations', operationId: 'getAggregations', responses: { 200: ok('Aggregations') } } },
      '/collections/{collectionId}/aggregate': { parameters: [path('collectionId')],
        get: { tags: ['Aggregation'], summary: 'Aggregate the items of a collection', operationId: 'getCollectionAggregate',
          parameters: [...aggregateParameters, ...searchParameters.filter((p) => p.$ref !== '#/components/parameters/collections')],
          responses: { 200: ok('AggregationCollection'), ...errors } },
        post: { tags: ['Aggregation'], summary: 'Aggregate the items of a collection', operationId: 'postCollectionAggregate',
          requestBody: { required: true, ...json(ref('schemas/SearchBody')) }, responses: { 200: ok('AggregationCollection'), ...errors } } },
      '/collections/{collectionId}/aggregations': { parameters: [path('collectionId')],
        get: { tags: ['Aggregation'], summary: 'Aggregations of a collection', operationId: 'getCollectionAggregations', responses: { 200: ok('Aggregations'), ...errors } } },
    },
    components: {
      securitySchemes: { admin: { type: 'http', scheme: 'bearer', description: 'The admin token (ADMIN_TOKEN, or the file admin-token in DATA_DIR).' } },
      parameters: {
        bbox: query('bbox', 'west,south,east,north (or 6 numbers with elevation); west > east crosses the antimeridian', { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 6 }),
        intersects: query('intersects', 'A GeoJSON geometry, as JSON'),
        datetime: query('datetime', 'An RFC 3339 date-time, or an interval start/end with ".." or empty for an open end'),
        limit: query('limit', 'Items per page; values above the maximum are served as the maximum', { type: 'integer', minimum: 1 }),
        ids: query('ids', 'Comma-separated item ids', { type: 'array', items: { type: 'string' } }),
        collections: query('collections', 'Comma-separated collection ids', { type: 'array', items: { type: 'string' } }),
        filter: query('filter', 'A CQL2 filter (text, or JSON with filter-lang=cql2-json)'),
        'filter-lang': query('filter-lang', 'cql2-text (default for GET) or cql2-json', { type: 'string', enum: ['cql2-text', 'cql2-json'] }),
        'filter-crs': query('filter-crs', 'Only http://www.opengis.net/def/crs/OGC/1.3/CRS84'),
        sortby: query('sortby', 'Comma-separated fields, each prefixed by + (ascending, default) or - (descending)'),
        fields: query('fields', 'Comma-separated fields to include, or to exclude when prefixed by -'),
        query: query('query', 'The query extension object, as JSON'),
        q: query('q', 'Free text: comma-separated terms, or quoted phrases with AND, OR, +required and -excluded terms'),
        token: query('token', 'The page token from a next or prev link'),
      },
      schemas: {
        Error: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'string' }, description: { type: 'string' } } },
        Item: { type: 'object', required: ['type', 'id', 'geometry', 'properties'], properties: { type: { enum: ['Feature'] }, id: { type: 'string' }, collection: { type: 'string' }, geometry: { nullable: true }, bbox: { type: 'array', items: { type: 'number' } }, properties: { type: 'object' }, assets: { type: 'object' }, links: { type: 'array' } } },
        ItemCollection: { type: 'object', required: ['type', 'features'], properties: { type: { enum: ['FeatureCollection'] }, features: { type: 'array', items: ref('schemas/Item') }, links: { type: 'array' }, numberMatched: { type: 'integer' }, numberReturned: { type: 'integer' } } },
        Collection: { type: 'object', required: ['type', 'id', 'description', 'license', 'extent'], properties: { type: { enum: ['Collection'] }, id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, license: { type: 'string' }, extent: { type: 'object' }, links: { type: 'array' } } },
        Collections: { type: 'object', required: ['collections', 'links'], properties: { collections: { type: 'array', items: ref('schemas/Collection') }, links: { type: 'array' }, numberMatched: { type: 'integer' }, numberReturned: { type: 'integer' } } },
        SearchBody: { type: 'object', properties: {
          bbox: { type: 'array', items: { type: 'number' } }, intersects: { type: 'object' }, datetime: { type: 'string' }, limit: { type: 'integer', minimum: 1 },
          ids: { type: 'array', items: { type: 'string' } }, collections: { type: 'array', items: { type: 'string' } }, filter: {}, 'filter-lang': { type: 'string' },
          sortby: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, direction: { enum: ['asc', 'desc'] } } } },
          fields: { type: 'object', properties: { include: { type: 'array', items: { type: 'string' } }, exclude: { type: 'array', items: { type: 'string' } } } },
          query: { type: 'object' }, q: {}, token: { type: 'string' }, aggregations: { type: 'array', items: { type: 'string' } } } },
      },
    },
  };
}
