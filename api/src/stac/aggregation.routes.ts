// The aggregation extension: counts and distributions over a search's matches.
import { Router, type Request, type Response } from 'express';
import type { AggregationRequest } from '@meridian/core/catalog-index/catalog-index.port';
import { ValidationError } from '@meridian/core/errors';
import { parseItemSearch, type SearchMethod } from '@meridian/core/stac/search/search-request';
import { JSON_TYPE } from './links.ts';
import { linksFor, pathParam, requestUrl, requireReadableCollection, visibilityOf, type StacDeps } from './stac-context.ts';

const INTERVALS = new Set(['year', 'month', 'day']);

function list(value: unknown): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter(Boolean);
  throw new ValidationError('aggregations must be a comma-separated list (GET) or an array (POST) of aggregation names');
}

function requests(params: Record<string, unknown>): AggregationRequest[] {
  if (params.aggregations === undefined) throw new ValidationError('aggregations is required: name the aggregations to compute (GET /aggregations lists them)');
  const names = list(params.aggregations);
  if (names.length === 0) throw new ValidationError('aggregations must name at least one aggregation');
  const interval = params.datetime_frequency_interval ?? 'month';
  if (typeof interval !== 'string' || !INTERVALS.has(interval)) throw new ValidationError('datetime_frequency_interval must be year, month or day');
  // An integer (POST) or its digits (GET); Number() alone would take "", "0x10", true or [5].
  const rawPrecision = params.centroid_geotile_grid_frequency_precision ?? 3;
  const precision = typeof rawPrecision === 'string' && /^\d{1,2}$/.test(rawPrecision) ? Number(rawPrecision) : rawPrecision;
  if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 0 || precision > 24) {
    throw new ValidationError('centroid_geotile_grid_frequency_precision must be an integer from 0 to 24');
  }
  return names.map((name) => ({
    name,
    ...(name === 'datetime_frequency' ? { interval: interval as 'year' | 'month' | 'day' } : {}),
    ...(name === 'centroid_geotile_grid_frequency' ? { precision } : {}),
  }));
}

export function aggregationRoutes(deps: StacDeps): Router {
  const router = Router();

  async function aggregate(req: Request, res: Response, method: SearchMethod) {
    const collectionId = req.params.collectionId === undefined ? undefined : pathParam(req, 'collectionId');
    if (collectionId !== undefined) await requireReadableCollection(req, deps, collectionId);
    const input = (method === 'GET' ? req.query : req.body) as Record<string, unknown>;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('the request body must be a JSON object');
    const { aggregations: _names, datetime_frequency_interval: _i, centroid_geotile_grid_frequency_precision: _p, ...searchParams } = input;
    const { search } = parseItemSearch(searchParams, method, deps.config.stac);
    if (collectionId !== undefined) search.collections = [collectionId];
    else search.visibility = visibilityOf(req);
    const wanted = requests(input);
    const available = new Set((await deps.catalog.aggregations(collectionId, search.visibility)).map((a) => a.name));
    const unknown = wanted.filter((r) => !available.has(r.name)).map((r) => r.name);
    if (unknown.length > 0) throw new ValidationError(`unknown aggregation(s): ${unknown.join(', ')}; available: ${[...available].join(', ')}`);
    const links = linksFor(req, deps);
    res.type(JSON_TYPE).json({
      type: 'AggregationCollection',
      aggregations: await deps.catalog.aggregate(search, wanted),
      links: [links.rootLink(), { rel: 'self', href: requestUrl(req, deps).href, type: JSON_TYPE }],
    });
  }

  async function describe(req: Request, res: Response) {
    const collectionId = req.params.collectionId === undefined ? undefined : pathParam(req, 'collectionId');
    if (collectionId !== undefined) await requireReadableCollection(req, deps, collectionId);
    const links = linksFor(req, deps);
    res.type(JSON_TYPE).json({
      aggregations: await deps.catalog.aggregations(collectionId, collectionId === undefined ? visibilityOf(req) : undefined),
      links: [
        links.rootLink(),
        { rel: 'self', href: requestUrl(req, deps).href, type: JSON_TYPE },
        ...(collectionId === undefined ? [] : [{ rel: 'collection', href: links.collectionUrl(collectionId), type: JSON_TYPE }]),
      ],
    });
  }

  router.get('/aggregate', (req, res) => aggregate(req, res, 'GET'));
  router.post('/aggregate', (req, res) => aggregate(req, res, 'POST'));
  router.get('/collections/:collectionId/aggregate', (req, res) => aggregate(req, res, 'GET'));
  router.post('/collections/:collectionId/aggregate', (req, res) => aggregate(req, res, 'POST'));
  router.get('/aggregations', describe);
  router.get('/collections/:collectionId/aggregations', describe);
  return router;
}
