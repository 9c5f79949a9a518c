// The item of a vector file (FlatGeobuf, GeoParquet, GeoJSON): its footprint
// from the box and CRS its header declares, a table of rows, and its CRS as
// projection fields when it states one worth saying.
import { EXTENSIONS, fileItem, type ExtractInput, type ExtractResult } from './extraction.ts';
import { itemIdForKey } from './item-id.ts';
import { vectorFootprint } from './vector-footprint.ts';

/** `proj:epsg` (what GDAL 3.6's STACIT reads) and `proj:code`, or nothing for an unknown CRS. */
export function projectionFields(epsg: number | undefined): Record<string, unknown> {
  return epsg !== undefined ? { 'proj:epsg': epsg, 'proj:code': `EPSG:${epsg}` } : {};
}

export interface VectorParts {
  /** The header's box in its own CRS, 2D or 3D. */
  box: ArrayLike<number> | undefined | null;
  epsg: number | undefined;
  /** The item's properties: `table:row_count` and the format's own; with projectionFields when the CRS is stated. */
  properties: Record<string, unknown>;
  mediaType: string;
}

/** The item, or without bbox and geometry (and with a problem saying why) when the box cannot be placed on the globe. */
export async function vectorItem(input: ExtractInput, parts: VectorParts): Promise<ExtractResult> {
  const footprint = await vectorFootprint(parts.box, parts.epsg);
  const problems = typeof footprint === 'string' ? [{ path: input.key, message: `no footprint: ${footprint}` }] : [];
  const item = fileItem(input, {
    id: itemIdForKey(input.key),
    bbox: typeof footprint === 'string' ? undefined : footprint.bbox,
    geometry: typeof footprint === 'string' ? null : footprint.geometry,
    datetime: input.lastModified,
    properties: parts.properties,
    extensions: [EXTENSIONS.table, ...('proj:epsg' in parts.properties ? [EXTENSIONS.projection] : [])],
    asset: { type: parts.mediaType },
  });
  return { item, problems };
}
