// Links of every STAC response, built from the URL clients reach the API at.
import type { StacCollection, StacItem, StacLink } from '@meridian/core/stac/stac-types';

export const GEOJSON = 'application/geo+json';
export const JSON_TYPE = 'application/json';
export const SCHEMA_JSON = 'application/schema+json';
export const OPENAPI_JSON = 'application/vnd.oai.openapi+json;version=3.0';
export const REL_QUERYABLES = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';
export const REL_SORTABLES = 'http://www.opengis.net/def/rel/ogc/1.0/sortables';

/** Rels the API generates itself; stored copies of them are stale or relative. */
const GENERATED = new Set(['self', 'root', 'parent', 'collection', 'items', 'child', 'item', 'next', 'prev', 'previous',
  'queryables', 'sortables', 'aggregate', 'aggregations', REL_QUERYABLES, REL_SORTABLES]);

function isAbsolute(href: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(href);
}

function keptLinks(links: unknown): StacLink[] {
  if (!Array.isArray(links)) return [];
  return links.filter((l): l is StacLink => typeof l?.href === 'string' && typeof l?.rel === 'string' && !GENERATED.has(l.rel) && isAbsolute(l.href));
}

export class StacLinks {
  readonly root: string;

  constructor(base: string) {
    this.root = `${base}/stac`;
  }

  collectionUrl(id: string): string {
    return `${this.root}/collections/${encodeURIComponent(id)}`;
  }

  itemUrl(collection: string, id: string): string {
    return `${this.collectionUrl(collection)}/items/${encodeURIComponent(id)}`;
  }

  rootLink(): StacLink {
    return { rel: 'root', href: `${this.root}/`, type: JSON_TYPE };
  }

  /** An item's links as served: the API's own, then the stored ones worth keeping. */
  itemLinks(collection: string, id: string, stored: unknown): StacLink[] {
    const collectionUrl = this.collectionUrl(collection);
    return [
      { rel: 'self', href: this.itemUrl(collection, id), type: GEOJSON },
      { rel: 'parent', href: collectionUrl, type: JSON_TYPE },
      { rel: 'collection', href: collectionUrl, type: JSON_TYPE },
      this.rootLink(),
      ...keptLinks(stored),
    ];
  }

  item<T extends Partial<StacItem>>(item: T): T {
    const collection = item.collection;
    if (typeof collection !== 'string' || typeof item.id !== 'string') return item;
    return { ...item, links: this.itemLinks(collection, item.id, item.links) };
  }

  collection<T extends Partial<StacCollection>>(collection: T): T {
    if (typeof collection.id !== 'string') return collection;
    const url = this.collectionUrl(collection.id);
    return {
      ...collection,
      links: [
        { rel: 'self', href: url, type: JSON_TYPE },
        { rel: 'parent', href: `${this.root}/`, type: JSON_TYPE },
        this.rootLink(),
        { rel: 'items', href: `${url}/items`, type: GEOJSON },
        { rel: REL_QUERYABLES, href: `${url}/queryables`, type: SCHEMA_JSON },
        { rel: REL_SORTABLES, href: `${url}/sortables`, type: SCHEMA_JSON },
        { rel: 'aggregate', href: `${url}/aggregate`, type: JSON_TYPE, method: 'GET' },
        { rel: 'aggregations', href: `${url}/aggregations`, type: JSON_TYPE },
        ...keptLinks(collection.links),
      ],
    };
  }
}
