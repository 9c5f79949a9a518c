import type { Geometry } from 'geojson';
import type { CatalogVisibility } from '../../access/access-rule.ts';
import type { Bbox2D } from '../../geo/bbox.ts';
import type { Cql2Expr } from '../cql2/cql2-ast.ts';
import type { TimeInterval } from '../datetime.ts';
import type { FreeText } from './free-text.ts';

export interface SortKey {
  /** A queryable name: `datetime`, `id`, `collection`, or a property such as `eo:cloud_cover`. */
  field: string;
  direction: 'asc' | 'desc';
}

/** What both item search and collection search filter by, already validated. */
export interface SearchFilters {
  ids?: string[];
  bbox?: Bbox2D;
  intersects?: Geometry;
  datetime?: TimeInterval;
  /** The `filter` parameter and the `query` extension, combined into one CQL2 tree. */
  filter?: Cql2Expr;
  q?: FreeText;
  /** What the caller may find (access-rule.ts); absent means everything, for internal use. */
  visibility?: CatalogVisibility;
}

export interface ItemSearch extends SearchFilters {
  collections?: string[];
  sortby: SortKey[];
  limit: number;
  /** Opaque position from a previous page, produced by the same catalog index. */
  token?: string;
}

export type CollectionSearch = Omit<ItemSearch, 'collections' | 'intersects'>;

export const DEFAULT_ITEM_SORT: SortKey[] = [{ field: 'datetime', direction: 'desc' }];
export const DEFAULT_COLLECTION_SORT: SortKey[] = [{ field: 'id', direction: 'asc' }];
