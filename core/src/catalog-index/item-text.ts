// Items on the search path as JSON text (ItemText in catalog-index.port.ts): both
// adapters keep each item's text and hand it over as it is stored, and their
// searchItems is that page parsed here, so that both forms are one code path.
import type { StacItem, StacLink } from '../stac/stac-types.ts';
import type { ItemText, Page } from './catalog-index.port.ts';

/** How an adapter stores an item for ItemText: its text without links, and its links. */
export function splitItem(item: StacItem): { json: string; links?: StacLink[] } {
  const { links, ...rest } = item;
  return links === undefined ? { json: JSON.stringify(rest) } : { json: JSON.stringify(rest), links };
}

/** The item an ItemText holds, as an object. */
export function itemOfText(text: ItemText): StacItem {
  const item = JSON.parse(text.json) as StacItem;
  if (text.links !== undefined) item.links = text.links;
  return item;
}

export function itemPage(page: Page<ItemText>): Page<StacItem> {
  return { ...page, features: page.features.map(itemOfText) };
}
