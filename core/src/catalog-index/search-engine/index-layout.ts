// Where items live: one index for all collections with each collection's items
// routed to one shard (`single`, the default), or an index per collection
// (`per-collection`). Either way every physical index sits behind aliases, so
// reindexing swaps it without the readers noticing.
//
// Why `single` by default: every repository is a collection and STAC catalogs
// inside repositories add more, so a cooperative soon has thousands of
// collections. An index each means a shard each (thousands of shards cost heap
// and cluster-state updates, and creating an index takes a cluster-state round
// trip), and the most common search — across all collections — would fan out to
// all of them. Routing by collection gives a single index the per-collection
// benefit that matters, a `collections=` search touching one shard. What
// per-collection indices do better: deleting a collection drops an index instead
// of deleting by query, and each mapping holds only its collection's properties.
// The layout is a setting (SEARCH_INDEX_LAYOUT) so the benchmark can compare both.
// Measured on 1,000,000 items in 10 large collections (docs/benchmarks.md): a
// filter within one collection costs the single index more, since its one shard
// (SEARCH_SHARDS=1) holds every collection's items; once the access filter and
// single-value filters were cheap to walk (search-body.ts, cql2-to-query.ts) that
// was 9 ms of engine time at p50 against 7 on the collection's own index, which
// does not outweigh thousands of small indices. A large deployment spreads the
// single index over more shards (SEARCH_SHARDS), each collection still on one.
import { createHash } from 'node:crypto';
import { term } from './cql2-to-query.ts';
import type { SearchEngineClient } from './search-engine-client.ts';

export type IndexLayoutName = 'single' | 'per-collection';

export interface SearchTargetIndex {
  index: string;
  routing?: string;
  /** Some of the named indices may not exist (collections without an index of their own). */
  ignoreUnavailable?: boolean;
}

/** Makes an index behind `alias` (and the aliases `alsoIn`), unless `alias` exists. */
export type CreateIndex = (alias: string, alsoIn: string[]) => Promise<void>;

export interface ItemIndexLayout {
  readonly name: IndexLayoutName;
  /** An alias every item index joins. */
  readonly allItems: string;
  /** The alias a collection's items are written to and read from. */
  itemAlias(collection: string): string;
  /** The routing of a collection's items, when they share an index with others. */
  routing(collection: string): string | undefined;
  /** What a search over some collections (all when undefined) reads. */
  searchTarget(collections?: string[]): SearchTargetIndex;
  /** Every alias that holds items, with the aliases its physical index also joins. */
  itemAliases(): Promise<{ alias: string; alsoIn: string[] }[]>;
  /** Creates, through `create` (which leaves an existing alias alone), the indices every catalog needs. */
  open(create: CreateIndex): Promise<void>;
  /** Makes sure the collection's items have somewhere to go. */
  addCollection(collection: string, create: CreateIndex): Promise<void>;
  /** Removes every item of a collection. */
  dropCollection(collection: string): Promise<void>;
}

/** Physical index names are `<alias>_v<n>`: the alias, and which generation of it. */
export function aliasOfIndex(index: string): string {
  return index.replace(/_v\d+$/, '');
}

export function singleIndexLayout(client: SearchEngineClient, prefix: string): ItemIndexLayout {
  const alias = `${prefix}-items`;
  return {
    name: 'single',
    allItems: alias,
    itemAlias: () => alias,
    routing: (collection) => collection,
    // A search's routing is a comma-separated list: an id holding a comma would split, so such a search reads every shard.
    searchTarget: (collections) => ({ index: alias, routing: collections?.some((c) => c.includes(',')) ? undefined : collections?.join(',') }),
    itemAliases: async () => [{ alias, alsoIn: [] }],
    open: (create) => create(alias, []),
    addCollection: async () => {},
    dropCollection: async (collection) => {
      await client.deleteByQuery(alias, term('collection', collection));
    },
  };
}

export function perCollectionLayout(client: SearchEngineClient, prefix: string): ItemIndexLayout {
  // Every collection's index also joins one alias, so a search over all reads each index once.
  const all = `${prefix}-items`;
  // Collection ids may hold any character; index names are lowercase and plain.
  const aliasOf = (collection: string) => `${prefix}-items-${createHash('sha256').update(collection).digest('hex').slice(0, 32)}`;
  return {
    name: 'per-collection',
    allItems: all,
    itemAlias: aliasOf,
    routing: () => undefined,
    // A long list would not fit in the request line; the query filters by collection anyway.
    searchTarget: (collections) => ({ index: collections && collections.length <= 20 ? collections.map(aliasOf).join(',') : all, ignoreUnavailable: true }),
    itemAliases: async () => [...new Set((await client.aliasTargets(all)).map(aliasOfIndex))].map((alias) => ({ alias, alsoIn: [all] })),
    open: async () => {},
    addCollection: async (collection, create) => create(aliasOf(collection), [all]),
    dropCollection: async (collection) => {
      await client.deleteIndices(await client.aliasTargets(aliasOf(collection)));
    },
  };
}
