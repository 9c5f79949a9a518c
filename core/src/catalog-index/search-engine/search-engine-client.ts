// What SearchEngineCatalogIndex needs from an Elasticsearch or OpenSearch cluster:
// the handful of REST calls it makes, with plain JSON bodies in and out. Both
// engines speak the same query DSL and mapping language, so the only difference
// between the two adapters (opensearch.catalog-index.ts, elasticsearch.catalog-index.ts)
// is how their official clients spell these calls.

export type Json = Record<string, unknown>;

/**
 * `wait_for`: the write returns once a periodic refresh made it searchable; `true`: refresh now;
 * `false`: a bulk load's, which refreshes once at its end (the benchmark's, with refresh_interval -1).
 */
export type RefreshPolicy = 'wait_for' | true | false;

/** The outcome of one bulk operation, in the order they were sent. */
export interface BulkItemResult {
  status: number;
  /** `created`, `updated`, `deleted`, `not_found`, … */
  result?: string;
  error?: { type: string; reason: string; caused_by?: { type?: string; reason?: string } };
}

export interface StoredDocument {
  _id: string;
  _source: Json;
}

export interface SearchResponse {
  /** Milliseconds the engine spent on the search (the benchmark subtracts it from the API's latency). */
  took?: number;
  hits: {
    total: { value: number; relation: 'eq' | 'gte' };
    /** `_version` when the search asks for `version: true`; `_routing` for routed documents. */
    hits: (StoredDocument & { sort?: (string | number | null)[]; _version?: number; _routing?: string })[];
  };
  aggregations?: Record<string, Json>;
}

/** A refusal by the engine (an HTTP error answer), with the engine's own error type and reason. */
export class SearchEngineError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, reason: string) {
    super(`${type}: ${reason}`);
    this.name = 'SearchEngineError';
    this.status = status;
    this.type = type;
  }
}

export interface SearchEngineClient {
  /** Names the engine for messages: `OpenSearch`, `Elasticsearch`. */
  readonly engine: string;
  /** The physical indices an alias points to; empty when there is no such alias. */
  aliasTargets(alias: string): Promise<string[]>;
  /** Creates an index; `exists` when one of that name is already there. */
  createIndex(index: string, body: { settings: Json; mappings: Json; aliases?: Json }): Promise<'created' | 'exists'>;
  /** Deletes indices by exact name; missing ones are ignored. */
  deleteIndices(indices: string[]): Promise<void>;
  /** Applies alias actions in one atomic step. */
  updateAliases(actions: Json[]): Promise<void>;
  /** Adds fields to the mappings of the indices `index` names (an alias or pattern; none is fine). */
  addFields(index: string, properties: Json): Promise<void>;
  /** The `_meta` of an index's mapping. */
  mappingMeta(index: string): Promise<Json>;
  refresh(index: string): Promise<void>;
  /** `operations` alternates action and document lines, as the _bulk API takes them. */
  bulk(operations: Json[], refresh: RefreshPolicy): Promise<BulkItemResult[]>;
  /** `source` lists the fields of `_source` to return (all when absent). */
  get(index: string, id: string, options?: { routing?: string; source?: string[] }): Promise<StoredDocument | undefined>;
  /** One entry per requested document, undefined where there is no such document. */
  mget(index: string, docs: { _id: string; routing?: string; _source?: string[] }[]): Promise<(StoredDocument | undefined)[]>;
  /** `index` may name several, comma-separated; with `ignoreUnavailable`, missing ones are skipped. */
  search(index: string, body: Json, options?: { routing?: string; ignoreUnavailable?: boolean }): Promise<SearchResponse>;
  /** Updates by a painless script every document the query matches; refreshes before returning. */
  updateByQuery(index: string, body: { query: Json; script: Json }): Promise<{ updated: number; failures: unknown[] }>;
  /** Deletes every document the query matches; refreshes before returning. */
  deleteByQuery(index: string, query: Json): Promise<{ deleted: number }>;
  /** Copies documents between indices on the cluster (_reindex); waits for it to finish and refreshes the destination. */
  reindex(body: Json): Promise<{ created: number; updated: number; failures: unknown[] }>;
  close(): Promise<void>;
}
