// A page of found items written out as JSON text: each item's stored text
// (ItemText) goes into the page as it is, with the request's links added as its
// last member, instead of being parsed into an object and serialised again (for
// 100 items, those two steps were most of the API's time per search; see the
// OpenSearch notes in docs/benchmarks.md). Written by hand because JSON.stringify
// cannot take pre-serialised objects: JSON.rawJSON accepts only primitive values.
import type { ItemText } from '@meridian/core/catalog-index/catalog-index.port';
import type { StacLink } from '@meridian/core/stac/stac-types';
import type { StacLinks } from './links.ts';

/** The item's text with the links this API serves for it (links.ts) as its last member. */
export function itemWithLinksText(item: ItemText, links: StacLinks): string {
  const open = item.json.slice(0, -1);
  return `${open}${open === '{' ? '' : ','}"links":${JSON.stringify(links.itemLinks(item.collection, item.id, item.links))}}`;
}

export interface ItemCollectionText {
  features: ItemText[];
  links: StacLink[];
  numberMatched: number;
}

/** A FeatureCollection of items, members in the order the object form has them. */
export function itemCollectionText(page: ItemCollectionText, links: StacLinks): string {
  const features = page.features.map((item) => itemWithLinksText(item, links)).join(',');
  return `{"type":"FeatureCollection","features":[${features}],"links":${JSON.stringify(page.links)},`
    + `"numberMatched":${page.numberMatched},"numberReturned":${page.features.length}}`;
}
