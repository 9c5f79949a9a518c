// Item search (/search, /collections/{id}/items), collection search (/collections)
// and single resources.
import { Router, type Request, type Response } from 'express';
import { NotFoundError, ValidationError } from '@meridian/core/errors';
import { applyFields } from '@meridian/core/stac/search/fields';
import { parseCollectionSearch, parseItemSearch, type SearchMethod } from '@meridian/core/stac/search/search-request';
import type { StacLink } from '@meridian/core/stac/stac-types';
import { itemCollectionText } from './item-page.ts';
import { GEOJSON, JSON_TYPE } from './links.ts';
import { linksFor, pathParam, requestUrl, requireReadableCollection, visibilityOf, type StacDeps } from './stac-context.ts';

function params(req: Request, method: SearchMethod): Record<string, unknown> {
  if (method === 'GET') return req.query as Record<string, unknown>;
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw new ValidationError('the request body must be a JSON object');
  }
  return req.body as Record<string, unknown>;
}

/** next/prev links: GET links repeat the query with the new token; POST links carry the body. */
function pageLinks(req: Request, deps: StacDeps, method: SearchMethod, type: string, tokens: { next?: string; prev?: string }): StacLink[] {
  const links: StacLink[] = [];
  for (const rel of ['next', 'prev'] as const) {
    const token = tokens[rel];
    if (!token) continue;
    const url = requestUrl(req, deps);
    if (method === 'GET') {
      url.searchParams.set('token', token);
      links.push({ rel, href: url.href, type, method: 'GET' });
    } else {
      links.push({ rel, href: url.href, type, method: 'POST', body: { ...(req.body as object), token }, merge: false });
    }
  }
  return links;
}

export function searchRoutes(deps: StacDeps): Router {
  const router = Router();
  const limits = deps.config.stac;

  async function searchItems(req: Request, res: Response, method: SearchMethod, collectionId?: string) {
    const input = params(req, method);
    if (collectionId !== undefined) await requireReadableCollection(req, deps, collectionId);
    const { search, fields } = parseItemSearch(input, method, limits);
    // A collection read by its id needs only the read check above; search across
    // collections finds what the caller may list.
    if (collectionId !== undefined) search.collections = [collectionId];
    else search.visibility = visibilityOf(req);
    const links = linksFor(req, deps);
    const collectionLinks = (page: { next?: string; prev?: string }): StacLink[] => [
      { rel: 'self', href: requestUrl(req, deps).href, type: GEOJSON },
      links.rootLink(),
      ...(collectionId === undefined ? [] : [
        { rel: 'parent', href: links.collectionUrl(collectionId), type: JSON_TYPE },
        { rel: 'collection', href: links.collectionUrl(collectionId), type: JSON_TYPE },
      ]),
      ...pageLinks(req, deps, method, GEOJSON, page),
    ];
    if (fields === undefined) {
      // Items as stored, copied into the page as text (item-page.ts).
      const page = await deps.catalog.searchItemTexts(search);
      res.type(GEOJSON).send(itemCollectionText({ features: page.features, links: collectionLinks(page), numberMatched: page.numberMatched }, links));
      return;
    }
    const page = await deps.catalog.searchItems(search);
    res.type(GEOJSON).json({
      type: 'FeatureCollection',
      features: page.features.map((item) => applyFields(links.item(item), fields)),
      links: collectionLinks(page),
      numberMatched: page.numberMatched,
      numberReturned: page.features.length,
    });
  }

  router.get('/search', (req, res) => searchItems(req, res, 'GET'));
  router.post('/search', (req, res) => searchItems(req, res, 'POST'));
  router.get('/collections/:collectionId/items', (req, res) => searchItems(req, res, 'GET', pathParam(req, 'collectionId')));

  router.get('/collections/:collectionId/items/:itemId', async (req, res) => {
    const ref = { collection: pathParam(req, 'collectionId'), id: pathParam(req, 'itemId') };
    await requireReadableCollection(req, deps, ref.collection);
    const item = await deps.catalog.getItem(ref);
    if (!item) throw new NotFoundError(`item "${ref.id}" does not exist in collection "${ref.collection}"`);
    res.type(GEOJSON).json(linksFor(req, deps).item(item));
  });

  async function searchCollections(req: Request, res: Response, method: SearchMethod) {
    const { search, fields } = parseCollectionSearch(params(req, method), method, limits);
    const page = await deps.catalog.searchCollections({ ...search, visibility: visibilityOf(req) });
    const links = linksFor(req, deps);
    res.type(JSON_TYPE).json({
      collections: page.features.map((collection) => applyFields(links.collection(collection), fields)),
      links: [
        { rel: 'self', href: requestUrl(req, deps).href, type: JSON_TYPE },
        links.rootLink(),
        { rel: 'parent', href: `${links.root}/`, type: JSON_TYPE },
        ...pageLinks(req, deps, method, JSON_TYPE, page),
      ],
      numberMatched: page.numberMatched,
      numberReturned: page.features.length,
    });
  }

  router.get('/collections', (req, res) => searchCollections(req, res, 'GET'));

  router.get('/collections/:collectionId', async (req, res) => {
    const collection = await requireReadableCollection(req, deps, pathParam(req, 'collectionId'));
    res.type(JSON_TYPE).json(linksFor(req, deps).collection(collection));
  });

  return router;
}
