// Turns the parameters of a STAC search (GET query string or POST body) into a
// validated ItemSearch / CollectionSearch. Every rule about what a client may send
// lives here, so each backend receives only well-formed searches.
import { ValidationError } from '../../errors.ts';
import { parseBbox } from '../../geo/bbox.ts';
import { assertGeometry } from '../../geo/geometry-validation.ts';
import type { Cql2Expr } from '../cql2/cql2-ast.ts';
import { checkCql2 } from '../cql2/cql2-check.ts';
import { Cql2SyntaxError, parseCql2Text } from '../cql2/cql2-text-parser.ts';
import { parseDatetimeParameter } from '../datetime.ts';
import { parseFieldsParameter, type FieldsSelection } from './fields.ts';
import { parseFreeText } from './free-text.ts';
import { queryToCql2 } from './query-extension.ts';
import type { CollectionSearch, ItemSearch, SearchFilters } from './search-query.ts';
import { DEFAULT_COLLECTION_SORT, DEFAULT_ITEM_SORT } from './search-query.ts';
import { parseSortby } from './sort.ts';

export interface SearchLimits {
  defaultLimit: number;
  maxLimit: number;
}

export type SearchMethod = 'GET' | 'POST';

const CRS84 = new Set(['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'https://www.opengis.net/def/crs/OGC/1.3/CRS84']);
const ID_LIST_MAX = 1000;

type Params = Record<string, unknown>;

/** GET parameters given twice arrive as arrays; none of ours may repeat. */
function single(params: Params, name: string, method: SearchMethod): unknown {
  const value = params[name];
  if (method === 'GET' && Array.isArray(value)) throw new ValidationError(`${name} is given more than once`);
  return value;
}

function jsonParameter(value: unknown, name: string, method: SearchMethod): unknown {
  if (method === 'POST' || typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new ValidationError(`${name} must be JSON`);
  }
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw new ValidationError(`${name} must be a list of strings`);
  const clean = list.map((v) => v.trim()).filter(Boolean);
  if (clean.length > ID_LIST_MAX) throw new ValidationError(`${name} lists more than ${ID_LIST_MAX} values`);
  return clean.length > 0 ? clean : undefined;
}

export function parseLimit(value: unknown, limits: SearchLimits): number {
  if (value === undefined || value === '') return limits.defaultLimit;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ValidationError('limit must be a positive integer');
  // OGC API Features: a limit above the maximum is served as the maximum.
  return Math.min(n, limits.maxLimit);
}

function parseFilter(params: Params, method: SearchMethod): Cql2Expr | undefined {
  const filter = single(params, 'filter', method);
  if (filter === undefined || filter === '') return undefined;
  const crs = single(params, 'filter-crs', method);
  if (crs !== undefined && (typeof crs !== 'string' || !CRS84.has(crs))) {
    throw new ValidationError('filter-crs must be http://www.opengis.net/def/crs/OGC/1.3/CRS84, the only CRS supported');
  }
  const lang = single(params, 'filter-lang', method) ?? (method === 'GET' || typeof filter === 'string' ? 'cql2-text' : 'cql2-json');
  if (lang === 'cql2-text') {
    if (typeof filter !== 'string') throw new ValidationError('filter must be a string when filter-lang is cql2-text');
    try {
      return checkCql2(parseCql2Text(filter));
    } catch (error) {
      if (error instanceof Cql2SyntaxError) throw new ValidationError(`filter: ${error.message}`);
      throw error;
    }
  }
  if (lang === 'cql2-json') {
    const json = jsonParameter(filter, 'filter', method);
    if (typeof json !== 'object' && typeof json !== 'boolean') throw new ValidationError('filter must be a CQL2 JSON object when filter-lang is cql2-json');
    return checkCql2(json);
  }
  throw new ValidationError('filter-lang must be cql2-text or cql2-json');
}

function and(parts: (Cql2Expr | undefined)[]): Cql2Expr | undefined {
  const present = parts.filter((p): p is Cql2Expr => p !== undefined);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : { op: 'and', args: present };
}

function parseFilters(params: Params, method: SearchMethod): SearchFilters {
  const filters: SearchFilters = {};
  const bbox = single(params, 'bbox', method);
  const intersects = single(params, 'intersects', method);
  if (bbox !== undefined && bbox !== '' && intersects !== undefined && intersects !== '') {
    throw new ValidationError('bbox and intersects cannot be used together');
  }
  // A POST body carries bbox as a JSON array; only the query string spells it as text.
  if (method === 'POST' && typeof bbox === 'string') throw new ValidationError('bbox must be a JSON array of 4 or 6 numbers in a POST body');
  if (bbox !== undefined && bbox !== '') filters.bbox = parseBbox(bbox);
  if (intersects !== undefined && intersects !== '') filters.intersects = assertGeometry(jsonParameter(intersects, 'intersects', method), 'intersects');
  const datetime = single(params, 'datetime', method);
  if (datetime !== undefined && datetime !== '') filters.datetime = parseDatetimeParameter(datetime);
  filters.ids = stringList(single(params, 'ids', method), 'ids');
  const q = single(params, 'q', method);
  if (q !== undefined && q !== '') filters.q = parseFreeText(q);
  const query = single(params, 'query', method);
  filters.filter = and([parseFilter(params, method), query === undefined || query === '' ? undefined : checkCql2(queryToCql2(jsonParameter(query, 'query', method)))]);
  return filters;
}

function parseToken(params: Params, method: SearchMethod): string | undefined {
  const token = single(params, 'token', method);
  if (token === undefined || token === '') return undefined;
  if (typeof token !== 'string' || token.length > 4096) throw new ValidationError('token must be the string from a next or prev link');
  return token;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function parseItemSearch(params: Params, method: SearchMethod, limits: SearchLimits): { search: ItemSearch; fields?: FieldsSelection } {
  if (method === 'POST' && 'fields' in params && params.fields === null) throw new ValidationError('fields must be an object, not null');
  const search: ItemSearch = withoutUndefined({
    ...parseFilters(params, method),
    collections: stringList(single(params, 'collections', method), 'collections'),
    sortby: parseSortby(single(params, 'sortby', method)) ?? DEFAULT_ITEM_SORT,
    limit: parseLimit(single(params, 'limit', method), limits),
    token: parseToken(params, method),
  });
  return { search, fields: parseFieldsParameter(single(params, 'fields', method)) };
}

export function parseCollectionSearch(params: Params, method: SearchMethod, limits: SearchLimits): { search: CollectionSearch; fields?: FieldsSelection } {
  if ('intersects' in params) throw new ValidationError('collection search does not take intersects; use bbox or a filter with S_INTERSECTS');
  const search: CollectionSearch = withoutUndefined({
    ...parseFilters(params, method),
    sortby: parseSortby(single(params, 'sortby', method)) ?? DEFAULT_COLLECTION_SORT,
    limit: parseLimit(single(params, 'limit', method), limits),
    token: parseToken(params, method),
  });
  return { search, fields: parseFieldsParameter(single(params, 'fields', method)) };
}
