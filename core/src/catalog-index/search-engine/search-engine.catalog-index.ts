// The scale-out catalog index on Elasticsearch or OpenSearch: one shared mapping
// (index-mapping.ts), one CQL2 → query DSL translation (cql2-to-query.ts), and the
// engine reached through a SearchEngineClient, which is all that differs between
// the two engines.
//
// Indices: `<prefix>-collections` and the items (index-layout.ts), each an alias of
// a physical `<alias>_v<n>`; reindex() builds `_v<n+1>` with the current mapping
// and swaps the alias atomically while searches go on.
//
// Access: collections carry their repository's access fields and each item a copy
// of its collection's, so that a search filters by the caller's visibility inside
// the one query it sends (a terms filter on visible collection ids instead would
// list every public collection for every anonymous search). A repository's change
// of visibility is an update_by_query over its items.
//
// Writes are searchable when they return. By default each write call ends with a
// refresh (`refresh: true`): a bulk load of N items pays N/500 refreshes, each
// writing a small segment that merging later folds in. `wait_for` instead waits
// for the next periodic refresh (up to the index's refresh_interval, 1 s): cheaper
// for the cluster under many concurrent small writes, but a loader that sends one
// bulk after another then waits up to a second per bulk (measured: 0.9-1.0 s per
// call, against 0.03-0.06 s with `true`, on the test node).
import { ValidationError } from '../../errors.ts';
import type { CatalogVisibility, RepositoryRef } from '../../access/access-rule.ts';
import type { CollectionSearch, ItemSearch, SearchFilters } from '../../stac/search/search-query.ts';
import type { ItemRef, StacCollection, StacItem } from '../../stac/stac-types.ts';
import type {
  AggregationDescription, AggregationRequest, AggregationResult, Bucket, BulkError, BulkResult, CatalogIndex, ItemText, Page, QueryableField, Queryables,
} from '../catalog-index.port.ts';
import { itemOfText, itemPage } from '../item-text.ts';
import { toCollectionRecord, toItemRecord, type ItemRecord } from '../index-record.ts';
import { STANDARD_AGGREGATIONS } from '../sqlite/sqlite.catalog-index.ts';
import type { Geometry } from 'geojson';
import { geometryBbox, type Bbox2D } from '../../geo/bbox.ts';
import { relate, toJsts, type SpatialOperator } from '../../geo/spatial-relations.ts';
import type { Cql2Expr, Operation } from '../../stac/cql2/cql2-ast.ts';
import { isOperation } from '../../stac/cql2/cql2-check.ts';
import { and, cql2ToQuery, EXACT_ONLY_RELATIONS, literalGeometry, MATCH_ALL, MATCH_NONE, term, type Query } from './cql2-to-query.ts';
import { aliasOfIndex, perCollectionLayout, singleIndexLayout, type IndexLayoutName, type ItemIndexLayout, type SearchTargetIndex } from './index-layout.ts';
import { indexBody, ITEM_TEXT_FIELDS, type IndexKind } from './index-mapping.ts';
import { collectionTarget, filterQuery, itemTarget, pagePlan, paginate, visibilityQuery, type SearchTarget } from './search-body.ts';
import {
  accessOf, collectionDocument, documentId, itemDocument, itemTextOf, ITEM_TEXT_SOURCE, parseKind, PUBLIC_ACCESS, repositoryOf, sameAccess, withItemText,
  type AccessFields,
} from './search-documents.ts';
import { SearchEngineError, type Json, type RefreshPolicy, type SearchEngineClient, type SearchResponse } from './search-engine-client.ts';

export interface SearchEngineCatalogOptions {
  client: SearchEngineClient;
  /** Lowercase letters, digits, `_` and `-`: every index and alias name starts with it. */
  indexPrefix: string;
  layout?: IndexLayoutName;
  shards?: number;
  replicas?: number;
  /** numberMatched counts exactly when undefined, and up to this many (a lower bound beyond) otherwise. */
  countLimit?: number;
  /** How a write becomes searchable before it returns (see above); `true` by default. */
  refresh?: RefreshPolicy;
  /** The largest `limit` a search may ask for (STAC_MAX_LIMIT). */
  maxLimit?: number;
}

const BULK_CHUNK = 500;
const BUCKET_LIMIT = 100;
/** Footprints a filter's S_TOUCHES, S_OVERLAPS or S_CROSSES may intersect (each is tested in this process). */
const EXACT_CANDIDATE_LIMIT = 10_000;
/** Degrees: well above the engines' coordinate quantisation (about 1e-7). */
const ENVELOPE_MARGIN = 1e-5;
/** Distinct (type, property) pairs a queryables answer reads. */
const KINDS_LIMIT = 10_000;
const INDEX_PREFIX = /^[a-z0-9][a-z0-9_-]{0,99}$/;

function message(error: { type: string; reason: string; caused_by?: { type?: string; reason?: string } }): string {
  const cause = error.caused_by?.reason ? ` (${error.caused_by.reason})` : '';
  return `${error.type}: ${error.reason}${cause}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the engine refuses because of the search itself (a shape it cannot read, a value it cannot parse) is the caller's 400. */
function asValidationError(error: unknown): unknown {
  return error instanceof SearchEngineError && error.status === 400 ? new ValidationError(`search: ${error.message}`) : error;
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Across items and collections: integers with fractions are numbers, date-times with other strings are strings; else the most common type. */
function mergeKinds(seen: { field: QueryableField; count: number }[]): QueryableField {
  const types = new Set(seen.map((s) => (s.field.format ? 'date-time' : s.field.type)));
  if ([...types].every((t) => t === 'integer' || t === 'number')) return { type: types.has('number') ? 'number' : 'integer' };
  if ([...types].every((t) => t === 'string' || t === 'date-time')) return types.has('string') ? { type: 'string' } : { type: 'string', format: 'date-time' };
  return [...seen].sort((a, b) => b.count - a.count || a.field.type.localeCompare(b.field.type))[0].field;
}

export class SearchEngineCatalogIndex implements CatalogIndex {
  readonly #client: SearchEngineClient;
  readonly #collections: string;
  readonly #layout: ItemIndexLayout;
  readonly #settings: { shards: number; replicas: number; maxResultWindow: number };
  readonly #countLimit: number | undefined;
  readonly #refresh: RefreshPolicy;
  /** Writes under way, which a reindex waits for after its alias swap before copying again. */
  readonly #writes = new Set<Promise<unknown>>();

  private constructor(options: SearchEngineCatalogOptions) {
    if (!INDEX_PREFIX.test(options.indexPrefix)) {
      throw new ValidationError(`index prefix ${JSON.stringify(options.indexPrefix)} must be lowercase letters, digits, _ and -, starting with a letter or digit`);
    }
    this.#client = options.client;
    this.#collections = `${options.indexPrefix}-collections`;
    this.#layout = options.layout === 'per-collection'
      ? perCollectionLayout(options.client, options.indexPrefix)
      : singleIndexLayout(options.client, options.indexPrefix);
    this.#settings = { shards: options.shards ?? 1, replicas: options.replicas ?? 1, maxResultWindow: (options.maxLimit ?? 10_000) + 1 };
    this.#countLimit = options.countLimit;
    this.#refresh = options.refresh ?? true;
  }

  /** Connects to the indices of `indexPrefix`, creating them on first use. */
  static async open(options: SearchEngineCatalogOptions): Promise<SearchEngineCatalogIndex> {
    const index = new SearchEngineCatalogIndex(options);
    await index.#ensure(index.#collections, 'collections', []);
    await index.#layout.open((alias, alsoIn) => index.#ensure(alias, 'items', alsoIn));
    // Item indices of mapping 1 take items in the current form too (adding fields
    // is an online change; a no-op once they are there). reindex() rewrites their documents.
    await options.client.addFields(index.#layout.allItems, ITEM_TEXT_FIELDS);
    return index;
  }

  get layout(): IndexLayoutName {
    return this.#layout.name;
  }

  #body(kind: IndexKind) {
    return indexBody(kind, this.#settings);
  }

  /** Creates the first generation of an alias's index unless the alias exists. */
  async #ensure(alias: string, kind: IndexKind, alsoIn: string[]): Promise<void> {
    if ((await this.#client.aliasTargets(alias)).length > 0) return;
    const aliases: Json = { [alias]: { is_write_index: true } };
    for (const other of alsoIn) aliases[other] = {};
    // A fixed first name: two processes starting together create it once.
    await this.#client.createIndex(`${alias}_v1`, { ...this.#body(kind), aliases });
    if ((await this.#client.aliasTargets(alias)).length === 0) {
      throw new Error(`${this.#client.engine}: index ${alias}_v1 exists but is not behind the alias ${alias}`);
    }
  }

  /**
   * Moves every index to a new generation with the current mapping, without
   * downtime: the new index is filled by `_reindex`, the alias swapped in one
   * atomic step, and writes that reached the old index during the copy are copied
   * again (external versions: a newer document is never overwritten by an older
   * one). A delete that reached the old index during the copy is not replayed,
   * nor a write another process still had under way when the alias moved.
   * Returns the new physical indices.
   */
  async reindex(): Promise<string[]> {
    const moves: { alias: string; kind: IndexKind; alsoIn: string[] }[] = [
      { alias: this.#collections, kind: 'collections', alsoIn: [] },
      ...(await this.#layout.itemAliases()).map((a) => ({ ...a, kind: 'items' as const })),
    ];
    const created: string[] = [];
    for (const { alias, kind, alsoIn } of moves) {
      const [current, ...others] = await this.#client.aliasTargets(alias);
      if (!current || others.length > 0) throw new Error(`${this.#client.engine}: alias ${alias} points to ${others.length ? 'several indices' : 'no index'}`);
      const generation = Number(/_v(\d+)$/.exec(current)?.[1] ?? 0) + 1;
      const next = `${aliasOfIndex(current)}_v${generation}`;
      // A second reindex running at the same time fails here: the name is taken.
      if (await this.#client.createIndex(next, this.#body(kind)) === 'exists') throw new Error(`${this.#client.engine}: ${next} already exists (is another reindex running?)`);
      const version = Number((await this.#client.mappingMeta(current)).meridian_mapping_version ?? 1);
      const copy = kind === 'items' && version < 2 ? () => this.#copyWithItemText(current, next) : async () => {
        const copied = await this.#client.reindex({
          source: { index: current },
          dest: { index: next, version_type: 'external' },
          conflicts: 'proceed',
        });
        if (copied.failures.length > 0) throw new Error(`${this.#client.engine}: reindexing ${current} into ${next} failed: ${JSON.stringify(copied.failures.slice(0, 3))}`);
      };
      await copy();
      await this.#client.updateAliases([
        { remove: { index: current, alias } },
        { add: { index: next, alias, is_write_index: true } },
        ...alsoIn.flatMap((other) => [{ remove: { index: current, alias: other } }, { add: { index: next, alias: other } }]),
      ]);
      // Writes of this process that may still have been sent to the old index.
      await Promise.allSettled([...this.#writes]);
      await copy();
      await this.#client.deleteIndices([current]);
      created.push(next);
    }
    return created;
  }

  /**
   * Copies the item documents of `from` (of mapping 1) into `to` through this
   * process, each in the current form (withItemText), with external versions as
   * _reindex copies them. Not by _reindex: its painless script cannot write an
   * item as JSON text.
   */
  async #copyWithItemText(from: string, to: string): Promise<void> {
    const PAGE = 1000;
    for (let after: (string | number | null)[] | undefined; ;) {
      const { hits } = await this.#client.search(from, {
        query: MATCH_ALL, size: PAGE, sort: itemTarget.tieBreakers.map((field) => ({ [field]: 'asc' })), version: true, track_total_hits: false,
        ...(after ? { search_after: after } : {}),
      });
      const operations = hits.hits.flatMap((hit) => [
        { index: { _index: to, _id: hit._id, version: hit._version, version_type: 'external', ...(hit._routing === undefined ? {} : { routing: hit._routing }) } },
        withItemText(hit._source),
      ]);
      const results = operations.length > 0 ? await this.#client.bulk(operations, false) : [];
      // 409: the destination holds that version or a newer one already.
      const failed = results.filter((r) => r.error && r.status !== 409);
      if (failed.length > 0) throw new Error(`${this.#client.engine}: copying ${from} into ${to} failed: ${failed.slice(0, 3).map((r) => r.error ? message(r.error) : r.status).join('; ')}`);
      if (hits.hits.length < PAGE) break;
      after = hits.hits[hits.hits.length - 1].sort;
    }
    await this.#client.refresh(to);
  }

  /** The physical indices of this catalog. */
  async indices(): Promise<string[]> {
    const aliases = [this.#collections, ...(await this.#layout.itemAliases()).map((a) => a.alias)];
    return (await Promise.all(aliases.map((a) => this.#client.aliasTargets(a)))).flat();
  }

  /** Deletes every index of this catalog: for tests, and for taking a catalog down. */
  async destroy(): Promise<void> {
    await this.#client.deleteIndices(await this.indices());
  }

  // ------------------------------------------------------------------ writes

  async #write<T>(run: () => Promise<T>): Promise<T> {
    const promise = run();
    this.#writes.add(promise);
    try {
      return await promise;
    } finally {
      this.#writes.delete(promise);
    }
  }

  /** Access fields of existing collections, by id. */
  async #collectionAccess(ids: string[]): Promise<Map<string, AccessFields>> {
    const found = new Map<string, AccessFields>();
    if (ids.length === 0) return found;
    const docs = await this.#client.mget(this.#collections, ids.map((id) => ({ _id: documentId(id), _source: ['access'] })));
    docs.forEach((doc, i) => {
      if (doc) found.set(ids[i], doc._source.access as AccessFields);
    });
    return found;
  }

  /** Sends index operations in chunks; returns the positions written, and adds an error for each refused one. */
  async #bulkIndex(entries: { index: number; id?: string; collection?: string; target: string; docId: string; routing?: string; doc: Json }[], errors: BulkError[]): Promise<number[]> {
    const written: number[] = [];
    for (const chunk of chunks(entries, BULK_CHUNK)) {
      const operations = chunk.flatMap((e) => [{ index: { _index: e.target, _id: e.docId, ...(e.routing === undefined ? {} : { routing: e.routing }) } }, e.doc]);
      const results = await this.#write(() => this.#client.bulk(operations, this.#refresh));
      results.forEach((result, i) => {
        const e = chunk[i];
        if (result.error) {
          errors.push({ index: e.index, ...(e.id === undefined ? {} : { id: e.id }), ...(e.collection === undefined ? {} : { collection: e.collection }), message: message(result.error) });
        } else {
          written.push(e.index);
        }
      });
    }
    return written;
  }

  async upsertCollections(collections: StacCollection[], repository?: RepositoryRef): Promise<BulkResult> {
    const errors: BulkError[] = [];
    const records = collections.flatMap((value, index) => {
      try {
        return [{ index, record: toCollectionRecord(value) }];
      } catch (error) {
        errors.push({ index, id: (value as { id?: string })?.id, message: errorMessage(error) });
        return [];
      }
    });
    const existing = await this.#collectionAccess([...new Set(records.map((r) => r.record.id))]);
    // Without a repository, a new collection is public and an existing one keeps its access.
    const accessFor = (id: string) => (repository ? accessOf(repository) : existing.get(id) ?? PUBLIC_ACCESS);
    for (const id of new Set(records.map((r) => r.record.id))) {
      await this.#layout.addCollection(id, (alias, alsoIn) => this.#ensure(alias, 'items', alsoIn));
    }
    const written = await this.#bulkIndex(records.map(({ index, record }) => ({
      index, id: record.id, target: this.#collections, docId: documentId(record.id), doc: collectionDocument(record, accessFor(record.id)),
    })), errors);
    const writtenIds = new Set(written.map((i) => records.find((r) => r.index === i)?.record.id));
    for (const [id, before] of existing) {
      if (writtenIds.has(id) && !sameAccess(before, accessFor(id))) await this.#updateItemAccess(term('collection', id), accessFor(id), [id]);
    }
    errors.sort((a, b) => a.index - b.index);
    return { written: written.length, errors };
  }

  /** Gives the matching items (of these collections, when known) new access fields. */
  async #updateItemAccess(query: Query, access: AccessFields, collections?: string[]): Promise<void> {
    await this.#write(() => this.#client.updateByQuery(this.#layout.searchTarget(collections).index, {
      query,
      script: { lang: 'painless', source: 'ctx._source.access = params.access', params: { access } },
    }));
  }

  async updateRepositoryAccess(repository: RepositoryRef): Promise<number> {
    const access = accessOf(repository);
    const byRepository = term('access.repository', access.repository);
    // Collections first: an item write that read the old access re-checks it afterwards (upsertItems).
    const { updated } = await this.#write(() => this.#client.updateByQuery(this.#collections, {
      query: byRepository,
      script: { lang: 'painless', source: 'ctx._source.access = params.access', params: { access } },
    }));
    await this.#updateItemAccess(byRepository, access);
    return updated;
  }

  async collectionRepository(id: string): Promise<RepositoryRef | null | undefined> {
    const access = (await this.#collectionAccess([id])).get(id);
    return access === undefined ? undefined : repositoryOf(access);
  }

  #itemEntry(index: number, record: ItemRecord, access: AccessFields) {
    return {
      index, id: record.id, collection: record.collection,
      target: this.#layout.itemAlias(record.collection), docId: documentId(record.collection, record.id),
      routing: this.#layout.routing(record.collection), doc: itemDocument(record, access),
    };
  }

  async upsertItems(items: StacItem[]): Promise<BulkResult> {
    const errors: BulkError[] = [];
    const records = items.flatMap((value, index) => {
      try {
        return [{ index, record: toItemRecord(value) }];
      } catch (error) {
        const v = value as { id?: string; collection?: string } | null;
        errors.push({ index, ...(typeof v?.id === 'string' ? { id: v.id } : {}), ...(typeof v?.collection === 'string' ? { collection: v.collection } : {}), message: errorMessage(error) });
        return [];
      }
    });
    const collections = [...new Set(records.map((r) => r.record.collection))];
    const access = await this.#collectionAccess(collections);
    const writable = records.filter(({ index, record }) => {
      if (access.has(record.collection)) return true;
      errors.push({ index, id: record.id, collection: record.collection, message: `collection "${record.collection}" does not exist` });
      return false;
    });
    const written = new Set(await this.#bulkIndex(writable.map(({ index, record }) => this.#itemEntry(index, record, access.get(record.collection) as AccessFields)), errors));
    // A repository whose access changed while these were written may have been
    // updated before they landed: read the access again and rewrite what is stale.
    const now = await this.#collectionAccess([...new Set(writable.filter((w) => written.has(w.index)).map((w) => w.record.collection))]);
    const stale = writable.filter(({ index, record }) => written.has(index) && now.has(record.collection) && !sameAccess(now.get(record.collection) as AccessFields, access.get(record.collection) as AccessFields));
    if (stale.length > 0) {
      const rewriteErrors: BulkError[] = [];
      await this.#bulkIndex(stale.map(({ index, record }) => this.#itemEntry(index, record, now.get(record.collection) as AccessFields)), rewriteErrors);
      for (const e of rewriteErrors) {
        written.delete(e.index);
        errors.push(e);
      }
    }
    errors.sort((a, b) => a.index - b.index);
    return { written: written.size, errors };
  }

  async deleteItems(refs: ItemRef[]): Promise<BulkResult> {
    const errors: BulkError[] = [];
    let written = 0;
    const indexed = refs.map((ref, index) => ({ ref, index }));
    for (const chunk of chunks(indexed, BULK_CHUNK)) {
      const operations = chunk.map(({ ref }) => {
        const routing = this.#layout.routing(ref.collection);
        return { delete: { _index: this.#layout.itemAlias(ref.collection), _id: documentId(ref.collection, ref.id), ...(routing === undefined ? {} : { routing }) } };
      });
      const results = await this.#write(() => this.#client.bulk(operations, this.#refresh));
      results.forEach((result, i) => {
        const { ref, index } = chunk[i];
        if (result.status === 404 || result.result === 'not_found') {
          errors.push({ index, id: ref.id, collection: ref.collection, message: `item "${ref.id}" does not exist in collection "${ref.collection}"` });
        } else if (result.error) {
          errors.push({ index, id: ref.id, collection: ref.collection, message: message(result.error) });
        } else {
          written++;
        }
      });
    }
    return { written, errors };
  }

  async deleteCollection(id: string): Promise<boolean> {
    if (!(await this.#collectionAccess([id])).has(id)) return false;
    await this.#write(() => this.#layout.dropCollection(id));
    await this.#write(() => this.#client.bulk([{ delete: { _index: this.#collections, _id: documentId(id) } }], this.#refresh));
    return true;
  }

  // ------------------------------------------------------------------ reads

  async getCollection(id: string): Promise<StacCollection | undefined> {
    const found = await this.#client.get(this.#collections, documentId(id), { source: ['doc'] });
    return found?._source.doc as StacCollection | undefined;
  }

  async getItem(ref: ItemRef): Promise<StacItem | undefined> {
    const found = await this.#client.get(this.#layout.itemAlias(ref.collection), documentId(ref.collection, ref.id), {
      routing: this.#layout.routing(ref.collection), source: ITEM_TEXT_SOURCE,
    });
    return found ? itemOfText(itemTextOf(found._source)) : undefined;
  }

  async #query(index: string, body: Json, options: { routing?: string; ignoreUnavailable?: boolean } = {}): Promise<SearchResponse> {
    try {
      return await this.#client.search(index, body, options);
    } catch (error) {
      throw asValidationError(error);
    }
  }

  /**
   * S_TOUCHES, S_OVERLAPS and S_CROSSES, which no geo_shape relation states, are
   * decided here with JTS (as the SQLite adapter decides every relation) over the
   * documents the engine finds near the literal, since each relation implies
   * intersection; the search then filters by their ids. Up to
   * EXACT_CANDIDATE_LIMIT candidates per relation, beyond which the geometry is too
   * broad to test one by one: a 400 that says so.
   */
  async #decideExactRelations(target: SearchTarget, where: SearchTargetIndex, filter: Cql2Expr | undefined): Promise<Map<Cql2Expr, Query>> {
    const decided = new Map<Cql2Expr, Query>();
    const pending: Operation[] = [];
    const visit = (node: Cql2Expr) => {
      if (!isOperation(node)) return;
      if (EXACT_ONLY_RELATIONS.has(node.op)) pending.push(node);
      else node.args.forEach(visit);
    };
    if (filter !== undefined) visit(filter);
    for (const node of pending) {
      const [a, b] = node.args;
      const literal = literalGeometry(a) ?? literalGeometry(b);
      if (!literal || (literalGeometry(a) && literalGeometry(b))) continue;
      const literalFirst = literalGeometry(a) !== undefined;
      // geo_shape's intersects misses shapes that only share boundary with the literal
      // (measured: a box sharing an edge), which is all S_TOUCHES wants: candidates are
      // what meets its envelope grown by a hair.
      const [w, south, e, n] = geometryBbox(literal) as Bbox2D;
      const grown = [Math.max(-180, w - ENVELOPE_MARGIN), Math.max(-90, south - ENVELOPE_MARGIN), Math.min(180, e + ENVELOPE_MARGIN), Math.min(90, n + ENVELOPE_MARGIN)];
      const candidates = cql2ToQuery({ op: 's_intersects', args: [literalFirst ? b : a, { bbox: grown }] }, target, this.#client.engine);
      const shape = toJsts(literal);
      const ids: string[] = [];
      let after: (string | number | null)[] | undefined;
      for (let seen = 0; ;) {
        const { hits } = await this.#query(where.index, {
          query: candidates, size: 1000, sort: target.tieBreakers.map((field) => ({ [field]: 'asc' })), _source: ['geometry'], track_total_hits: false,
          ...(after ? { search_after: after } : {}),
        }, where);
        for (const hit of hits.hits) {
          const geometry = toJsts(hit._source.geometry as Geometry);
          if (literalFirst ? relate(node.op as SpatialOperator, shape, geometry) : relate(node.op as SpatialOperator, geometry, shape)) ids.push(hit._id);
        }
        seen += hits.hits.length;
        if (seen > EXACT_CANDIDATE_LIMIT) throw new ValidationError(`filter: ${node.op.toUpperCase()} with a geometry that intersects more than ${EXACT_CANDIDATE_LIMIT} footprints; use a smaller one`);
        if (hits.hits.length < 1000) break;
        after = hits.hits[hits.hits.length - 1].sort;
      }
      decided.set(node, ids.length === 0 ? MATCH_NONE : { ids: { values: ids } });
    }
    return decided;
  }

  /** `read` makes a result of a hit's `_source`, of which the engine returns the fields `source` names. */
  async #search<T>(target: SearchTarget, search: ItemSearch | CollectionSearch, source: string[], read: (source: Json) => T): Promise<Page<T>> {
    const plan = pagePlan(target, search.sortby, search.token);
    const where = target === itemTarget ? this.#layout.searchTarget((search as ItemSearch).collections) : { index: this.#collections };
    const decided = await this.#decideExactRelations(target, where, search.filter);
    const response = await this.#query(where.index, {
      query: filterQuery(target, search, this.#client.engine, decided),
      sort: plan.sort,
      size: search.limit + 1,
      track_total_hits: this.#countLimit ?? true,
      _source: source,
      ...(plan.searchAfter ? { search_after: plan.searchAfter } : {}),
    }, where);
    const { page, next, prev } = paginate(response.hits.hits, search.limit, plan, search.token !== undefined);
    return { features: page.map((hit) => read(hit._source)), numberMatched: response.hits.total.value, next, prev };
  }

  async searchItems(search: ItemSearch): Promise<Page<StacItem>> {
    return itemPage(await this.searchItemTexts(search));
  }

  async searchItemTexts(search: ItemSearch): Promise<Page<ItemText>> {
    return this.#search(itemTarget, search, ITEM_TEXT_SOURCE, itemTextOf);
  }

  async searchCollections(search: CollectionSearch): Promise<Page<StacCollection>> {
    return this.#search(collectionTarget, search, ['doc'], (source) => source.doc as StacCollection);
  }

  async queryables(collectionId?: string, visibility?: CatalogVisibility): Promise<Queryables> {
    const where = this.#layout.searchTarget(collectionId === undefined ? undefined : [collectionId]);
    const query = and([collectionId === undefined ? MATCH_ALL : term('collection', collectionId), visibility ? visibilityQuery(visibility) : MATCH_ALL]);
    const response = await this.#query(where.index, {
      size: 0, track_total_hits: false, query, aggs: { kinds: { terms: { field: 'kinds', size: KINDS_LIMIT } } },
    }, where);
    const buckets = (response.aggregations?.kinds as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? [];
    const byName = new Map<string, { field: QueryableField; count: number }[]>();
    for (const bucket of buckets) {
      const parsed = parseKind(bucket.key);
      if (!parsed) continue;
      byName.set(parsed.name, [...(byName.get(parsed.name) ?? []), { field: parsed.field, count: bucket.doc_count }]);
    }
    const properties: Record<string, QueryableField> = {};
    for (const name of [...byName.keys()].sort()) properties[name] = mergeKinds(byName.get(name) as { field: QueryableField; count: number }[]);
    return { properties };
  }

  async aggregations(collectionId?: string, visibility?: CatalogVisibility): Promise<AggregationDescription[]> {
    const { properties } = await this.queryables(collectionId, visibility);
    return [...STANDARD_AGGREGATIONS, ...Object.entries(properties)
      .filter(([, field]) => field.format !== 'date-time' && field.type !== 'object' && field.type !== 'number')
      .map(([name]): AggregationDescription => ({ name: `${name}_frequency`, data_type: 'frequency_distribution' }))];
  }

  async aggregate(filters: SearchFilters & { collections?: string[] }, requests: AggregationRequest[]): Promise<AggregationResult[]> {
    const standard = new Set(STANDARD_AGGREGATIONS.map((a) => a.name));
    const needsQueryables = requests.some((r) => !standard.has(r.name));
    const properties = needsQueryables ? (await this.queryables()).properties : {};
    const aggs: Json = {};
    const decode: ((aggregation: Json, total: number) => AggregationResult)[] = [];
    const frequencies = (name: string, buckets: { key: unknown; key_as_string?: string; doc_count: number }[], overflow: number, keyOf = (k: unknown) => String(k)) => {
      const kept = buckets.slice(0, BUCKET_LIMIT);
      const rest = buckets.slice(BUCKET_LIMIT).reduce((sum, b) => sum + b.doc_count, 0);
      return { name, data_type: 'frequency_distribution' as const, buckets: kept.map((b): Bucket => ({ key: b.key_as_string ?? keyOf(b.key), frequency: b.doc_count })), overflow: overflow + rest };
    };
    requests.forEach((request, i) => {
      const key = `a${i}`;
      const { name } = request;
      type Buckets = { buckets: { key: unknown; key_as_string?: string; doc_count: number }[]; sum_other_doc_count?: number };
      switch (name) {
        case 'total_count':
          decode.push((_, total) => ({ name, data_type: 'integer', value: total }));
          return;
        case 'datetime_min':
        case 'datetime_max':
          aggs[key] = name === 'datetime_min' ? { min: { field: 'start' } } : { max: { field: 'end' } };
          decode.push((a) => ({ name, data_type: 'datetime', value: typeof a.value === 'number' ? new Date(a.value).toISOString() : null }));
          return;
        case 'collection_frequency':
          aggs[key] = { terms: { field: 'collection', size: BUCKET_LIMIT } };
          decode.push((a) => frequencies(name, (a as Buckets).buckets, (a as Buckets).sum_other_doc_count ?? 0));
          return;
        case 'datetime_frequency': {
          const interval = request.interval ?? 'month';
          const format = { year: 'yyyy', month: 'yyyy-MM', day: 'yyyy-MM-dd' }[interval];
          aggs[key] = { date_histogram: { field: 'datetime', calendar_interval: interval, format, min_doc_count: 1 } };
          decode.push((a) => frequencies(name, (a as Buckets).buckets, 0));
          return;
        }
        case 'centroid_geotile_grid_frequency': {
          aggs[key] = { geotile_grid: { field: 'centroid', precision: request.precision ?? 3, size: BUCKET_LIMIT + 1 } };
          decode.push((a, total) => {
            const buckets = (a as Buckets).buckets;
            const counted = buckets.slice(0, BUCKET_LIMIT).reduce((sum, b) => sum + b.doc_count, 0);
            return { ...frequencies(name, buckets.slice(0, BUCKET_LIMIT), 0), overflow: buckets.length > BUCKET_LIMIT ? Math.max(0, total - counted) : 0 };
          });
          return;
        }
        default: {
          const property = name.endsWith('_frequency') ? name.slice(0, -'_frequency'.length) : undefined;
          const field = property === undefined || !Object.hasOwn(properties, property) ? undefined : properties[property];
          if (!field || property === undefined || field.type === 'object' || field.type === 'number' || field.format === 'date-time') {
            throw new ValidationError(`aggregation "${name}" is not available; GET /aggregations lists those that are`);
          }
          const base = itemTarget.sortFields(property)[0].slice(0, -'.n'.length);
          const typedField = field.type === 'array' ? `${base}.ae` : field.type === 'integer' ? `${base}.n` : field.type === 'boolean' ? `${base}.b` : `${base}.s`;
          aggs[key] = { terms: { field: typedField, size: BUCKET_LIMIT } };
          // Array elements are indexed as their JSON text.
          const keyOf = field.type === 'array' ? (k: unknown) => { const v = JSON.parse(String(k)); return typeof v === 'string' ? v : JSON.stringify(v); } : (k: unknown) => String(k);
          decode.push((a) => frequencies(name, (a as Buckets).buckets, (a as Buckets).sum_other_doc_count ?? 0, keyOf));
        }
      }
    });
    const where = this.#layout.searchTarget(filters.collections);
    const decided = await this.#decideExactRelations(itemTarget, where, filters.filter);
    const response = await this.#query(where.index, {
      size: 0, track_total_hits: true, query: filterQuery(itemTarget, filters, this.#client.engine, decided), aggs,
    }, where);
    const total = response.hits.total.value;
    return decode.map((read, i) => read((response.aggregations?.[`a${i}`] ?? {}) as Json, total));
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
