// The catalog index: where STAC collections and items are stored for search.
// Every adapter (SQLite embedded, Elasticsearch/OpenSearch scale-out) passes the
// one contract suite in catalog-index.contract.ts.
import type { CatalogVisibility, RepositoryRef } from '../access/access-rule.ts';
import type { ItemRef, StacCollection, StacItem, StacLink } from '../stac/stac-types.ts';
import type { CollectionSearch, ItemSearch, SearchFilters } from '../stac/search/search-query.ts';

/** The outcome of a bulk write: every input is either written or listed with why not. */
export interface BulkResult {
  written: number;
  errors: BulkError[];
}

export interface BulkError {
  /** Position of the failed entry in the input. */
  index: number;
  id?: string;
  collection?: string;
  message: string;
}

export interface Page<T> {
  features: T[];
  numberMatched: number;
  /** Tokens for the neighbouring pages, when there are any. */
  next?: string;
  prev?: string;
}

/**
 * A found item as JSON text, so that an API writes a page of items without parsing
 * and re-serialising each one: the item's members but its links as the JSON text
 * of one object, and its stored links apart, since an API replaces those with
 * links of its own on every request.
 */
export interface ItemText {
  id: string;
  collection: string;
  /** The item without `links`: a JSON object text, `{…}`. */
  json: string;
  /** The item's stored links, when it has them. */
  links?: StacLink[];
}

/** JSON Schema of the properties one can filter by, derived from the indexed data. */
export interface Queryables {
  properties: Record<string, QueryableField>;
}

export interface QueryableField {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  format?: 'date-time';
  title?: string;
}

export type AggregationName = string;

export interface AggregationRequest {
  name: AggregationName;
  /** datetime_frequency: year | month | day; centroid_geotile_grid_frequency: zoom 0–24. */
  interval?: 'year' | 'month' | 'day';
  precision?: number;
}

export interface Bucket {
  key: string;
  frequency: number;
}

export type AggregationResult =
  | { name: string; data_type: 'integer'; value: number }
  | { name: string; data_type: 'datetime'; value: string | null }
  | { name: string; data_type: 'frequency_distribution'; buckets: Bucket[]; overflow: number };

export interface AggregationDescription {
  name: AggregationName;
  data_type: 'integer' | 'datetime' | 'frequency_distribution';
}

export interface CatalogIndex {
  /**
   * Creates or replaces collections. Their items are kept. With `repository`, the
   * collections (and their items) take that repository's access attributes, which
   * searches filter by (SearchFilters.visibility); without, new collections are
   * public and existing ones keep theirs.
   */
  upsertCollections(collections: StacCollection[], repository?: RepositoryRef): Promise<BulkResult>;
  /** Gives every collection of the repository its new visibility, state or disabled flag; returns how many. */
  updateRepositoryAccess(repository: RepositoryRef): Promise<number>;
  /** The repository a collection belongs to; null when it belongs to none (public), undefined when it does not exist. */
  collectionRepository(id: string): Promise<RepositoryRef | null | undefined>;
  /** Creates or replaces items; each must name an existing collection in `collection`. */
  upsertItems(items: StacItem[]): Promise<BulkResult>;
  /** Deletes items; absent ones count as not written, with an error. */
  deleteItems(refs: ItemRef[]): Promise<BulkResult>;
  /** Deletes a collection and all of its items; false when it did not exist. */
  deleteCollection(id: string): Promise<boolean>;

  getCollection(id: string): Promise<StacCollection | undefined>;
  getItem(ref: ItemRef): Promise<StacItem | undefined>;

  searchItems(search: ItemSearch): Promise<Page<StacItem>>;
  /** The same page as searchItems, each item as text (ItemText). */
  searchItemTexts(search: ItemSearch): Promise<Page<ItemText>>;
  searchCollections(search: CollectionSearch): Promise<Page<StacCollection>>;

  /**
   * Queryables of one collection, or of all when no id is given; with a
   * visibility, of only the collections it lets the caller find (as searches do).
   */
  queryables(collectionId?: string, visibility?: CatalogVisibility): Promise<Queryables>;
  /** The aggregations `aggregate` can compute for one collection, or for all (that `visibility` lets the caller find). */
  aggregations(collectionId?: string, visibility?: CatalogVisibility): Promise<AggregationDescription[]>;
  aggregate(filters: SearchFilters & { collections?: string[] }, requests: AggregationRequest[]): Promise<AggregationResult[]>;

  close(): Promise<void>;
}
