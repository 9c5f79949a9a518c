// The query, sort and keyset paging of one search over the items index or the
// collections index: what SearchEngineCatalogIndex sends as a search body.
import type { CatalogScope, CatalogVisibility } from '../../access/access-rule.ts';
import type { RepositoryState, Visibility } from '../../accounts/accounts.types.ts';
import { ValidationError } from '../../errors.ts';
import type { Cql2Expr } from '../../stac/cql2/cql2-ast.ts';
import type { FreeText } from '../../stac/search/free-text.ts';
import { filtersToCql2 } from '../../stac/search/filters-to-cql2.ts';
import type { SearchFilters, SortKey } from '../../stac/search/search-query.ts';
import { decodeToken, encodeToken } from '../page-token.ts';
import { and, cql2ToQuery, MATCH_ALL, MATCH_NONE, or, term, terms, type FixedField, type Query, type QueryTarget } from './cql2-to-query.ts';
import { propertyField } from './search-documents.ts';
import type { Json, SearchResponse } from './search-engine-client.ts';

export interface SearchTarget extends QueryTarget {
  /** The engine's sort fields for one sortby key, in order. */
  sortFields(field: string): string[];
  /** Fields appended to every sort so that the order is total. */
  tieBreakers: string[];
}

/** A property sorts by its numbers, then its strings: a single-typed property sorts as itself, missing values last. */
function propertySort(field: string): string[] {
  const base = propertyField(field);
  return [`${base}.n`, `${base}.s`];
}

const ITEM_FIELDS: Record<string, FixedField> = {
  id: { kind: 'keyword', field: 'id' },
  collection: { kind: 'keyword', field: 'collection' },
  geometry: { kind: 'geometry', field: 'geometry' },
  // An item with only a range is compared and sorted by its start.
  datetime: { kind: 'time', field: 'datetime', start: 'start', end: 'end' },
};

const stripProperties = (name: string) => name.replace(/^properties\./, '');

const fixedIn = (fields: Record<string, FixedField>, name: string) => (Object.hasOwn(fields, name) ? fields[name] : undefined);

/** Sort fields of a fixed field (a geometry has none: sorting by it means its property of that name). */
function sortFields(fields: Record<string, FixedField>, field: string): string[] {
  const fixed = fixedIn(fields, field);
  return fixed && fixed.kind !== 'geometry' ? [fixed.field] : propertySort(field);
}

export const itemTarget: SearchTarget = {
  fixed: (name) => fixedIn(ITEM_FIELDS, stripProperties(name)),
  property: stripProperties,
  sortFields: (field) => sortFields(ITEM_FIELDS, field),
  tieBreakers: ['id', 'collection'],
};

const COLLECTION_FIELDS: Record<string, FixedField> = {
  id: { kind: 'keyword', field: 'id' },
  geometry: { kind: 'geometry', field: 'geometry' },
  datetime: { kind: 'time', field: 'start', start: 'start', end: 'end' },
};

export const collectionTarget: SearchTarget = {
  fixed: (name) => fixedIn(COLLECTION_FIELDS, name),
  property: (name) => name,
  sortFields: (field) => sortFields(COLLECTION_FIELDS, field),
  tieBreakers: ['id'],
};

const VISIBILITIES: Record<Visibility, true> = { public: true, unlisted: true, restricted: true };
const STATES: Record<RepositoryState, true> = { published: true, draft: true };
const others = <T extends string>(all: Record<T, true>, one: T) => Object.keys(all).filter((value) => value !== one);

/**
 * Public, published and not disabled: what anyone finds. Stated as the absence of
 * every other value (the records above list them all, so a new one cannot be
 * missed) because nearly every item is public and published: three term queries
 * matching almost every document each cost the conjunction an advance per
 * candidate, where excluding the few others costs next to nothing (the A/B in
 * docs/benchmarks.md).
 */
const LISTED: Query = { bool: { must_not: [
  terms('access.visibility', others(VISIBILITIES, 'public')), terms('access.state', others(STATES, 'published')), term('access.disabled', true),
] } };

/**
 * The access filter of access-rule.ts (catalogVisibility) over the access fields
 * every collection and item carries: what the caller may find.
 */
export function visibilityQuery(v: CatalogVisibility): Query {
  if (v.all) return MATCH_ALL;
  const within = (scope: CatalogScope): Query => or([terms('access.account', scope.accounts), terms('access.repository', scope.repositories)]);
  const live = [term('access.state', 'published'), term('access.disabled', false)];
  return or([
    LISTED,
    within(v.owner),
    and([term('access.disabled', false), within(v.writer)]),
    and([term('access.visibility', 'restricted'), ...live, within(v.reader)]),
  ]);
}

const TEXT_FIELDS = ['text.title', 'text.description', 'text.keywords'];

/** Each term is a phrase that must appear, words in order, within one text field (as the contract's oracle reads `q`). */
export function freeTextQuery(node: FreeText): Query {
  switch (node.kind) {
    case 'term': return { multi_match: { query: node.text, type: 'phrase', fields: TEXT_FIELDS } };
    case 'not': return { bool: { must_not: [freeTextQuery(node.arg)] } };
    case 'and': return and(node.args.map(freeTextQuery));
    case 'or': return or(node.args.map(freeTextQuery));
  }
}

export function filterQuery(target: SearchTarget, filters: SearchFilters & { collections?: string[] }, engine: string, decided?: ReadonlyMap<Cql2Expr, Query>): Query {
  const parts: Query[] = [];
  if (filters.visibility) parts.push(visibilityQuery(filters.visibility));
  const cql2 = filtersToCql2(filters);
  if (cql2 !== undefined) parts.push(cql2ToQuery(cql2, target, engine, decided));
  if (filters.q) parts.push(freeTextQuery(filters.q));
  const query = and(parts);
  // Everything is a filter: results are ordered by sortby, never by relevance.
  return query === MATCH_ALL || query === MATCH_NONE ? query : { bool: { filter: [query] } };
}

type SortValue = string | number | null;

export interface PagePlan {
  sort: Json[];
  searchAfter?: SortValue[];
  backwards: boolean;
  /** Names the order a token was issued for; a token carries it as its first value. */
  signature: string;
}

/** A short fingerprint of the sort order (FNV-1a), so a token is only used with the order it was made for. */
function orderSignature(sort: Json[]): string {
  const text = JSON.stringify(sort);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}

function sortClauses(target: SearchTarget, sortby: SortKey[], backwards: boolean): Json[] {
  const last = sortby[sortby.length - 1]?.direction ?? 'asc';
  const keys = [...sortby, ...target.tieBreakers.filter((f) => !sortby.some((k) => k.field === f)).map((field): SortKey => ({ field, direction: last }))];
  return keys.flatMap((key) => target.sortFields(key.field).map((field) => {
    const ascending = (key.direction === 'asc') !== backwards;
    const isProperty = field.startsWith('p.');
    // Backwards paging reads the same order reversed, missing values first.
    return { [field]: isProperty
      ? { order: ascending ? 'asc' : 'desc', missing: backwards ? '_first' : '_last', unmapped_type: field.endsWith('.n') ? 'double' : 'keyword' }
      : { order: ascending ? 'asc' : 'desc' } };
  }));
}

export function pagePlan(target: SearchTarget, sortby: SortKey[], token: string | undefined): PagePlan {
  const forward = sortClauses(target, sortby, false);
  const signature = orderSignature(forward);
  if (!token) return { sort: forward, backwards: false, signature };
  const decoded = decodeToken(token, forward.length + 1);
  const [issuedFor, ...values] = decoded.values;
  if (issuedFor !== signature) throw new ValidationError('token does not match this search (was sortby changed?)');
  const backwards = decoded.direction === 'p';
  return { sort: backwards ? sortClauses(target, sortby, true) : forward, searchAfter: values, backwards, signature };
}

/** Turns the hits read (limit + 1 of them) into one page with its neighbour tokens. */
export function paginate(hits: SearchResponse['hits']['hits'], limit: number, plan: PagePlan, hadToken: boolean) {
  const more = hits.length > limit;
  const page = hits.slice(0, limit);
  if (plan.backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const token = (direction: 'n' | 'p', values: SortValue[] | undefined) => encodeToken({ direction, values: [plan.signature, ...(values ?? [])] });
  const next = (plan.backwards || more) && last ? token('n', last.sort) : undefined;
  const prev = (plan.backwards ? more : hadToken) && first ? token('p', first.sort) : undefined;
  return { page, next, prev };
}
