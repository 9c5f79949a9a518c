// Everything the map search page shows, fetched from the STAC API as the user:
// one page of matching items, the facets with their counts, and the time
// histogram. The calls run side by side; each is a plain GET of /stac.
import type { StacCollection, StacItem, StacLink } from '@meridian/core/stac/stac-types';
import { bucketKeys, bucketLabel, bucketRange, intervalFor, ITEM_FACETS, type Facet, type HistogramBar, type Interval } from '#lib/search/facets.ts';
import { stacSearchParams, type SearchState } from '#lib/search/search-state.ts';
import type { ApiClient } from './api-client.ts';

export const PAGE_SIZE = 20;

interface ItemCollection {
  features: StacItem[];
  numberMatched?: number;
  links?: StacLink[];
}

interface Bucket {
  key: string;
  frequency: number;
}

type Aggregation = { name: string; value?: number | string | null; buckets?: Bucket[]; overflow?: number };

interface Aggregations {
  aggregations: Aggregation[];
}

/** What of a collection the search needs (titles for the facets, keywords and license for the repository facets). */
export interface CollectionSummary {
  id: string;
  title: string;
  keywords: string[];
  license: string;
}

export interface DiscoverResult {
  items: StacItem[];
  matched: number | undefined;
  /** Tokens of the next and previous pages, from the API's links. */
  next: string | undefined;
  previous: string | undefined;
  facets: Facet[];
  histogram: { interval: Interval; bars: HistogramBar[]; max: number } | undefined;
  collections: Record<string, CollectionSummary>;
  /** The search as STAC API parameters, without its page token: for the map's density request and the code snippets. */
  query: string;
}

const tokenOf = (links: StacLink[] | undefined, rel: string) => {
  const href = links?.find((l) => l.rel === rel)?.href;
  return href ? new URL(href).searchParams.get('token') ?? undefined : undefined;
};

const aggregation = (result: Aggregations, name: string) => result.aggregations.find((a) => a.name === name);

/** Every collection the caller may find, summarised; the repository facets are worked out from them. */
async function collectionSummaries(api: ApiClient): Promise<CollectionSummary[]> {
  const summaries: CollectionSummary[] = [];
  let query: Record<string, string> | undefined = { limit: '1000', fields: 'id,title,keywords,license' };
  // A catalogue of many thousands of repositories would want a collection aggregation instead; ten pages is the bound here.
  for (let page = 0; query && page < 10; page++) {
    const body = await api.get<{ collections: StacCollection[]; links?: StacLink[] }>('/stac/collections', query);
    for (const c of body.collections) summaries.push({ id: c.id, title: c.title ?? c.id, keywords: c.keywords ?? [], license: c.license ?? '' });
    const token = tokenOf(body.links, 'next');
    query = token ? { ...query, token } : undefined;
  }
  return summaries;
}

const REPOSITORY_COLLECTION = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.|$)/;

/** The account a repository's collection belongs to: `{account}.{repository}[.more]`. */
export const accountOfCollection = (id: string) => REPOSITORY_COLLECTION.exec(id)?.[1];

/**
 * What the repository facets (tags, license) go by for a collection: its
 * repository's collection when it is one found inside a repository
 * (`{account}.{repository}.{more}`), which carries the repository's tags and license.
 */
function repositorySummary(collections: Record<string, CollectionSummary>, id: string): CollectionSummary | undefined {
  const match = REPOSITORY_COLLECTION.exec(id);
  return (match ? collections[`${match[1]}.${match[2]}`] : undefined) ?? collections[id];
}

function sortedValues(counts: Map<string, number>, selected: string[], label: (value: string) => string) {
  for (const value of selected) if (!counts.has(value)) counts.set(value, 0);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 30)
    .map(([value, count]) => ({ value, label: label(value), count, selected: selected.includes(value) }));
}

export async function discover(api: ApiClient, state: SearchState): Promise<DiscoverResult> {
  const [summaries, queryables, available] = await Promise.all([
    collectionSummaries(api),
    api.get<{ properties: Record<string, { type?: string }> }>('/stac/queryables'),
    api.get<{ aggregations: { name: string }[] }>('/stac/aggregations'),
  ]);
  const collections = Object.fromEntries(summaries.map((c) => [c.id, c]));
  const arrayProperties = new Set(Object.entries(queryables.properties).filter(([, p]) => p.type === 'array').map(([name]) => name));
  const names = new Set(available.aggregations.map((a) => a.name));
  const itemFacets = ITEM_FACETS.filter((f) => names.has(`${f.property}_frequency`) || f.property in state.properties);

  const repositoryFacetChosen = state.accounts.length + state.tags.length + state.licenses.length > 0;
  const collectionScope = repositoryFacetChosen
    ? summaries.filter((c) => {
      const repository = repositorySummary(collections, c.id) ?? c;
      return (state.accounts.length === 0 || state.accounts.includes(accountOfCollection(c.id) ?? ''))
        && (state.tags.length === 0 || state.tags.some((t) => repository.keywords.includes(t)))
        && (state.licenses.length === 0 || state.licenses.includes(repository.license));
    }).map((c) => c.id)
    : undefined;
  const options = { limit: PAGE_SIZE, collectionScope, arrayProperties };
  const aggregate = (params: URLSearchParams, wanted: string[], extra: Record<string, string> = {}) => {
    params.delete('sortby');
    params.delete('token');
    params.delete('limit');
    params.set('aggregations', wanted.join(','));
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return api.get<Aggregations>('/stac/aggregate', params);
  };

  const [page, byCollection, byProperty, timeRange] = await Promise.all([
    api.get<ItemCollection>('/stac/search', stacSearchParams(state, options)),
    aggregate(stacSearchParams(state, { ...options, withoutCollections: true }), ['collection_frequency']),
    itemFacets.length > 0
      ? aggregate(stacSearchParams(state, options), itemFacets.filter((f) => names.has(`${f.property}_frequency`)).map((f) => `${f.property}_frequency`))
      : Promise.resolve({ aggregations: [] } as Aggregations),
    aggregate(stacSearchParams(state, { ...options, withoutTime: true }), ['datetime_min', 'datetime_max']),
  ]);

  // Collection-level facets count matching items per collection, before any of them narrows the search.
  const perCollection = aggregation(byCollection, 'collection_frequency')?.buckets ?? [];
  const accounts = new Map<string, number>();
  const tags = new Map<string, number>();
  const licenses = new Map<string, number>();
  const collectionCounts = new Map<string, number>();
  for (const { key, frequency } of perCollection) {
    collectionCounts.set(key, frequency);
    const account = accountOfCollection(key);
    if (account) accounts.set(account, (accounts.get(account) ?? 0) + frequency);
    const summary = repositorySummary(collections, key);
    for (const tag of summary?.keywords ?? []) tags.set(tag, (tags.get(tag) ?? 0) + frequency);
    if (summary?.license) licenses.set(summary.license, (licenses.get(summary.license) ?? 0) + frequency);
  }
  const facets: Facet[] = [
    { name: 'collection', label: 'Collection', values: sortedValues(collectionCounts, state.collections, (id) => collections[id]?.title ?? id) },
    { name: 'account', label: 'Account', values: sortedValues(accounts, state.accounts, (id) => id) },
    { name: 'tag', label: 'Tag', values: sortedValues(tags, state.tags, (t) => t) },
    { name: 'license', label: 'License', values: sortedValues(licenses, state.licenses, (l) => l) },
    ...itemFacets.map((f) => {
      const counts = new Map((aggregation(byProperty, `${f.property}_frequency`)?.buckets ?? []).map((b) => [b.key, b.frequency] as const));
      return { name: `f.${f.property}`, label: f.label, values: sortedValues(counts, state.properties[f.property] ?? [], f.valueLabel ?? ((v) => v)) };
    }),
  ].filter((f) => f.values.length > 0);

  const min = aggregation(timeRange, 'datetime_min')?.value;
  const max = aggregation(timeRange, 'datetime_max')?.value;
  let histogram: DiscoverResult['histogram'];
  if (typeof min === 'string' && typeof max === 'string') {
    const interval = intervalFor(min, max);
    const frequencies = await aggregate(stacSearchParams(state, { ...options, withoutTime: true }), ['datetime_frequency'], { datetime_frequency_interval: interval });
    const counts = new Map((aggregation(frequencies, 'datetime_frequency')?.buckets ?? []).map((b) => [b.key, b.frequency] as const));
    const keys = [...counts.keys()].sort();
    if (keys.length > 0) {
      const bars = bucketKeys(keys[0], keys[keys.length - 1], interval).map((key) => {
        const range = bucketRange(key);
        const selected = Boolean((state.from || state.to) && (!state.from || state.from <= range.to) && (!state.to || state.to >= range.from));
        return { key, label: bucketLabel(key), count: counts.get(key) ?? 0, ...range, selected };
      });
      histogram = { interval, bars, max: Math.max(...bars.map((b) => b.count)) };
    }
  }

  return {
    items: page.features,
    matched: page.numberMatched,
    next: tokenOf(page.links, 'next'),
    previous: tokenOf(page.links, 'prev') ?? tokenOf(page.links, 'previous'),
    facets,
    histogram,
    collections,
    query: stacSearchParams({ ...state, page: undefined }, options).toString(),
  };
}
