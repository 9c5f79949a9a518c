import type { StacItem } from '@meridian/core/stac/stac-types';

/** An item's identity across collections: `collection/id`. */
export const itemKey = (item: Pick<StacItem, 'id' | 'collection'>) => `${item.collection ?? ''}/${item.id}`;

export const collectionPath = (collectionId: string) => `/collections/${encodeURIComponent(collectionId)}`;

export const itemPath = (collectionId: string, itemId: string) => `${collectionPath(collectionId)}/items/${encodeURIComponent(itemId)}`;

/** The page of the item a key names. */
export function itemPathOfKey(key: string): string {
  const at = key.indexOf('/');
  return itemPath(key.slice(0, at), key.slice(at + 1));
}
