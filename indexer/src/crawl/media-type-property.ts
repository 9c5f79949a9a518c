// The media type of an item's data as an item property, so that searches can
// filter by file type and count it (the map search's "File type" facet): STAC
// keeps media types on assets, which the catalog stores but does not index.
import type { StacItem } from '@meridian/core/stac/stac-types';

export const MEDIA_TYPE_PROPERTY = 'meridian:media_type';

const NOT_DATA = new Set(['thumbnail', 'overview', 'metadata']);

interface TypedAsset {
  type?: unknown;
  roles?: unknown;
}

/** The item with `meridian:media_type` from its `data` asset (else its first typed asset that is not a thumbnail, overview or metadata); unchanged when it has one already or no asset says its type. */
export function withMediaType(item: StacItem): StacItem {
  if (item.properties?.[MEDIA_TYPE_PROPERTY] !== undefined) return item;
  const assets = Object.values(item.assets ?? {}) as TypedAsset[];
  const typed = assets.filter((a): a is TypedAsset & { type: string } => typeof a.type === 'string' && a.type.trim() !== '');
  const roles = (a: TypedAsset) => (Array.isArray(a.roles) ? a.roles : []);
  // A thumbnail's or a metadata file's type says nothing about the data.
  const data = typed.find((a) => roles(a).includes('data')) ?? typed.find((a) => !roles(a).some((r) => NOT_DATA.has(r)));
  if (!data) return item;
  return { ...item, properties: { ...item.properties, [MEDIA_TYPE_PROPERTY]: data.type.trim() } };
}
