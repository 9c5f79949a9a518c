// Queryables (filter extension) and sortables (sort extension v1.1), both JSON
// Schemas derived from what the catalog holds.
import { Router, type Request } from 'express';
import type { Queryables } from '@meridian/core/catalog-index/catalog-index.port';
import { SCHEMA_JSON } from './links.ts';
import { pathParam, requestUrl, requireReadableCollection, visibilityOf, type StacDeps } from './stac-context.ts';

const CORE_QUERYABLES = {
  id: { title: 'Item ID', type: 'string' },
  collection: { title: 'Collection ID', type: 'string' },
  geometry: { title: 'Footprint', $ref: 'https://geojson.org/schema/Geometry.json' },
  datetime: { title: 'Acquisition time (or start of the acquisition range)', type: 'string', format: 'date-time' },
};

function schemaId(req: Request, deps: StacDeps): string {
  const url = requestUrl(req, deps);
  url.search = '';
  return url.href;
}

export function queryablesRoutes(deps: StacDeps): Router {
  const router = Router();

  async function derived(req: Request): Promise<{ scope: string; queryables: Queryables }> {
    const collectionId = req.params.collectionId === undefined ? undefined : pathParam(req, 'collectionId');
    if (collectionId !== undefined) {
      await requireReadableCollection(req, deps, collectionId);
      return { scope: `collection ${collectionId}`, queryables: await deps.catalog.queryables(collectionId) };
    }
    // Only the collections the caller may find: others' property names stay hidden.
    return { scope: 'all collections', queryables: await deps.catalog.queryables(undefined, visibilityOf(req)) };
  }

  const queryables = async (req: Request, res: import('express').Response) => {
    const { scope, queryables: q } = await derived(req);
    res.type(SCHEMA_JSON).json({
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      $id: schemaId(req, deps),
      type: 'object',
      title: `Queryables of ${scope}`,
      properties: { ...q.properties, ...CORE_QUERYABLES },
      additionalProperties: true,
    });
  };

  const sortables = async (req: Request, res: import('express').Response) => {
    const { scope, queryables: q } = await derived(req);
    const scalar = Object.fromEntries(Object.entries(q.properties).filter(([, f]) => f.type !== 'array' && f.type !== 'object'));
    const { geometry: _geometry, ...core } = CORE_QUERYABLES;
    res.type(SCHEMA_JSON).json({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: schemaId(req, deps),
      type: 'object',
      title: `Sortables of ${scope}`,
      properties: { ...scalar, ...core },
      additionalProperties: true,
    });
  };

  router.get('/queryables', queryables);
  router.get('/collections/:collectionId/queryables', queryables);
  router.get('/sortables', sortables);
  router.get('/collections/:collectionId/sortables', sortables);
  return router;
}
