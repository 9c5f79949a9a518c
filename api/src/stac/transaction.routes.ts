// The transaction extension for items and collections. Responses follow the
// extension: 201 + Location on create, 204 on update and delete.
import express, { Router, type Request } from 'express';
import { decide, type RepositoryAction } from '@meridian/core/access/access-rule';
import type { BulkError, BulkResult } from '@meridian/core/catalog-index/catalog-index.port';
import { ConflictError, NotFoundError, ValidationError } from '@meridian/core/errors';
import type { StacCollection, StacItem } from '@meridian/core/stac/stac-types';
import { requireAdminToken, type AccessRuleCheck } from '../http/admin-auth.ts';
import { mergePatch } from './json-merge-patch.ts';
import { GEOJSON, JSON_TYPE } from './links.ts';
import { linksFor, pathParam, requireCollection, type StacDeps } from './stac-context.ts';

const MAX_BODY = '64mb';

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(`the request body must be ${what}`);
  return value as Record<string, unknown>;
}

/** The body's id (and collection) must match the URL; absent ones are taken from it. */
function matchUrl(doc: Record<string, unknown>, field: 'id' | 'collection', expected: string): Record<string, unknown> {
  if (doc[field] === undefined) return { ...doc, [field]: expected };
  if (doc[field] !== expected) throw new ValidationError(`the body's ${field} "${String(doc[field])}" does not match the URL's "${expected}"`);
  return doc;
}

function firstError(result: BulkResult): void {
  if (result.errors.length > 0) throw new ValidationError(result.errors[0].message);
}

export function transactionRoutes(deps: StacDeps): Router {
  const router = Router();
  const { catalog } = deps;
  /**
   * A collection of a repository takes writes from whoever the access rule lets
   * do `action` on the repository, besides the admin token; a collection of no
   * repository, and creating a collection, only from the admin token.
   */
  const onRepository = (action: RepositoryAction): AccessRuleCheck => async (req, caller) => {
    const id = pathParam(req, 'collectionId');
    const repository = await catalog.collectionRepository(id);
    if (repository === undefined) return { allowed: false, status: 404, reason: `collection "${id}" does not exist` };
    if (repository === null) return { allowed: false, status: 403, reason: `collection "${id}" belongs to no repository: only the admin token writes to it` };
    return decide(caller, action, repository);
  };
  // Only writes are guarded, so reads and unknown paths keep their own answers.
  const json = express.json({ limit: MAX_BODY, type: ['application/json', 'application/geo+json', 'application/merge-patch+json'] });
  const write = (action?: RepositoryAction) => [requireAdminToken(deps.adminToken, action && onRepository(action)), json];

  router.post('/collections', ...write(), async (req, res) => {
    const doc = object(req.body, 'a STAC Collection');
    if (typeof doc.id === 'string' && (await catalog.getCollection(doc.id))) throw new ConflictError(`collection "${doc.id}" already exists`);
    firstError(await catalog.upsertCollections([doc as StacCollection]));
    const links = linksFor(req, deps);
    res.status(201).location(links.collectionUrl(String(doc.id))).type(JSON_TYPE).json(links.collection(doc as StacCollection));
  });

  router.put('/collections/:collectionId', ...write('repository:update'), async (req, res) => {
    const id = pathParam(req, 'collectionId');
    await requireCollection(deps, id);
    firstError(await catalog.upsertCollections([matchUrl(object(req.body, 'a STAC Collection'), 'id', id) as StacCollection]));
    res.status(204).end();
  });

  router.patch('/collections/:collectionId', ...write('repository:update'), async (req, res) => {
    const id = pathParam(req, 'collectionId');
    const current = await requireCollection(deps, id);
    const patched = object(mergePatch(current, object(req.body, 'a JSON merge patch')), 'a STAC Collection');
    firstError(await catalog.upsertCollections([matchUrl(patched, 'id', id) as StacCollection]));
    res.status(204).end();
  });

  router.delete('/collections/:collectionId', ...write('repository:update'), async (req, res) => {
    await catalog.deleteCollection(pathParam(req, 'collectionId'));
    res.status(204).end();
  });

  router.post('/collections/:collectionId/items', ...write('repository:write_data'), async (req, res) => {
    const collection = pathParam(req, 'collectionId');
    await requireCollection(deps, collection);
    const body = object(req.body, 'a STAC Item or an ItemCollection');
    const links = linksFor(req, deps);
    if (body.type === 'FeatureCollection') {
      if (!Array.isArray(body.features)) throw new ValidationError('an ItemCollection needs a "features" array');
      const errors: BulkError[] = [];
      const accepted: { index: number; item: StacItem }[] = [];
      body.features.forEach((feature: unknown, index: number) => {
        if (typeof feature !== 'object' || feature === null || Array.isArray(feature)) {
          errors.push({ index, message: `features[${index}] is not a STAC Item object` });
          return;
        }
        const item = feature as Record<string, unknown>;
        if (item.collection !== undefined && item.collection !== collection) {
          errors.push({ index, id: String(item.id), message: `item ${String(item.id)}: its collection "${String(item.collection)}" does not match the URL's "${collection}"` });
          return;
        }
        accepted.push({ index, item: { ...item, collection } as StacItem });
      });
      const result = await catalog.upsertItems(accepted.map((a) => a.item));
      errors.push(...result.errors.map((e) => ({ ...e, index: accepted[e.index].index })));
      errors.sort((a, b) => a.index - b.index);
      res.status(errors.length === 0 ? 201 : 400).type(JSON_TYPE).json({
        ...(errors.length === 0 ? {} : { code: 'InvalidParameterValue', description: `${errors.length} of ${body.features.length} items were not written` }),
        written: result.written,
        errors,
      });
      return;
    }
    const item = matchUrl(body, 'collection', collection) as StacItem;
    if (typeof item.id === 'string' && (await catalog.getItem({ collection, id: item.id }))) {
      throw new ConflictError(`item "${item.id}" already exists in collection "${collection}"`);
    }
    firstError(await catalog.upsertItems([item]));
    res.status(201).location(links.itemUrl(collection, item.id)).type(GEOJSON).json(links.item(item));
  });

  async function existingItem(req: Request) {
    const ref = { collection: pathParam(req, 'collectionId'), id: pathParam(req, 'itemId') };
    await requireCollection(deps, ref.collection);
    const item = await catalog.getItem(ref);
    if (!item) throw new NotFoundError(`item "${ref.id}" does not exist in collection "${ref.collection}"`);
    return { ref, item };
  }

  router.put('/collections/:collectionId/items/:itemId', ...write('repository:write_data'), async (req, res) => {
    const { ref } = await existingItem(req);
    const item = matchUrl(matchUrl(object(req.body, 'a STAC Item'), 'id', ref.id), 'collection', ref.collection);
    firstError(await catalog.upsertItems([item as StacItem]));
    res.status(204).end();
  });

  router.patch('/collections/:collectionId/items/:itemId', ...write('repository:write_data'), async (req, res) => {
    const { ref, item } = await existingItem(req);
    const patched = object(mergePatch(item, object(req.body, 'a JSON merge patch')), 'a STAC Item');
    firstError(await catalog.upsertItems([matchUrl(matchUrl(patched, 'id', ref.id), 'collection', ref.collection) as StacItem]));
    res.status(204).end();
  });

  router.delete('/collections/:collectionId/items/:itemId', ...write('repository:write_data'), async (req, res) => {
    // Deleting what is already gone succeeds: DELETE is idempotent.
    await catalog.deleteItems([{ collection: pathParam(req, 'collectionId'), id: pathParam(req, 'itemId') }]);
    res.status(204).end();
  });

  return router;
}
